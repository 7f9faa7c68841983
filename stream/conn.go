package stream

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
)

// Connection says how to reach the Kafka cluster.
type Connection struct {
	// Brokers are the bootstrap addresses, host:port. Required.
	Brokers []string
	// TLS enables TLS when non-nil.
	TLS *tls.Config
	// SASL enables SASL authentication when non-nil.
	SASL sasl.Mechanism
	// ClientID is sent to the brokers and shown to other group members.
	// Default: "kafkaplot-<host>-<pid>".
	ClientID string
	// DialTimeout bounds every connection attempt. Default: 5s.
	DialTimeout time.Duration
}

// Validate reports the first problem with c.
func (c Connection) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("no brokers configured")
	}
	for _, b := range c.Brokers {
		if _, _, err := net.SplitHostPort(b); err != nil {
			return fmt.Errorf("broker %q: %w", b, err)
		}
	}
	return nil
}

// DefaultClientID names this process to the cluster.
func DefaultClientID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	return fmt.Sprintf("kafkaplot-%s-%d", host, os.Getpid())
}

func (c Connection) clientID() string {
	if c.ClientID != "" {
		return c.ClientID
	}
	return DefaultClientID()
}

func (c Connection) dialTimeout() time.Duration {
	if c.DialTimeout > 0 {
		return c.DialTimeout
	}
	return 5 * time.Second
}

// Dialer returns a kafka-go dialer for the connection.
func (c Connection) Dialer() *kafka.Dialer {
	return &kafka.Dialer{
		ClientID:      c.clientID(),
		Timeout:       c.dialTimeout(),
		DualStack:     true,
		TLS:           c.TLS,
		SASLMechanism: c.SASL,
	}
}

// Client returns a kafka-go client for admin-style requests.
func (c Connection) Client() *kafka.Client {
	return &kafka.Client{
		Addr:    kafka.TCP(c.Brokers...),
		Timeout: 10 * time.Second,
		Transport: &kafka.Transport{
			ClientID:    c.clientID(),
			DialTimeout: c.dialTimeout(),
			TLS:         c.TLS,
			SASL:        c.SASL,
			MetadataTTL: 5 * time.Second,
			IdleTimeout: 30 * time.Second,
		},
	}
}

// Partitions returns the number of partitions of topic.
func (c Connection) Partitions(ctx context.Context, topic string) (int, error) {
	client := c.Client()
	defer closeClient(client)
	resp, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		return 0, fmt.Errorf("read metadata of topic %s from %s: %w", topic, strings.Join(c.Brokers, ","), err)
	}
	for _, t := range resp.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return 0, fmt.Errorf("topic %s: %w", topic, t.Error)
		}
		if len(t.Partitions) == 0 {
			return 0, fmt.Errorf("topic %s: no partitions", topic)
		}
		return len(t.Partitions), nil
	}
	return 0, fmt.Errorf("topic %s: not found on %s", topic, strings.Join(c.Brokers, ","))
}

// closeClient releases the connections a client made through Client.
func closeClient(c *kafka.Client) {
	if t, ok := c.Transport.(*kafka.Transport); ok {
		t.CloseIdleConnections()
	}
}
