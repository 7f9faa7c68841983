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
	// DialTimeout bounds every connection attempt, and each step of Probe.
	// Default: 5s.
	DialTimeout time.Duration
	// RequestTimeout bounds each request that has no deadline of its own
	// (a long-polling fetch has one). Default: 10s.
	RequestTimeout time.Duration
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

func (c Connection) requestTimeout() time.Duration {
	if c.RequestTimeout > 0 {
		return c.RequestTimeout
	}
	return 10 * time.Second
}

// Dialer returns a kafka-go dialer for the connection. Its connections
// bound each request by RequestTimeout unless the request sets a deadline
// (kafka-go's Conn otherwise reads with none: SASL, metadata lookups).
func (c Connection) Dialer() *kafka.Dialer {
	limit := c.requestTimeout()
	return &kafka.Dialer{
		ClientID:      c.clientID(),
		Timeout:       c.dialTimeout(),
		TLS:           c.TLS,
		SASLMechanism: c.SASL,
		DialFunc: func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &boundedConn{Conn: conn, limit: limit}, nil
		},
	}
}

// boundedConn is a connection on which "no deadline" means limit from now:
// kafka-go's Conn sets the deadline it was given before each request, zero
// when it was given none.
type boundedConn struct {
	net.Conn
	limit time.Duration
}

func (b *boundedConn) bound(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().Add(b.limit)
	}
	return t
}

func (b *boundedConn) SetDeadline(t time.Time) error     { return b.Conn.SetDeadline(b.bound(t)) }
func (b *boundedConn) SetReadDeadline(t time.Time) error { return b.Conn.SetReadDeadline(b.bound(t)) }
func (b *boundedConn) SetWriteDeadline(t time.Time) error {
	return b.Conn.SetWriteDeadline(b.bound(t))
}

// Client returns a kafka-go client for admin-style requests.
func (c Connection) Client() *kafka.Client {
	return &kafka.Client{
		Addr:    kafka.TCP(c.Brokers...),
		Timeout: c.requestTimeout(),
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

// Steps of connecting to a broker, in the order Probe takes them.
const (
	StageDNS  = "dns"  // resolving the broker's host name
	StageTCP  = "tcp"  // opening the TCP connection
	StageTLS  = "tls"  // the TLS handshake, including the server's verdict on our certificate
	StageSASL = "sasl" // SASL authentication
	StageAPI  = "api"  // the first Kafka request (ApiVersions)
)

// ClusterInfo is the cluster as its metadata describes it.
type ClusterInfo struct {
	ClusterID  string
	Controller int
	Brokers    []string // host:port as the brokers advertise themselves
}

// Cluster reads the cluster's metadata.
func (c Connection) Cluster(ctx context.Context) (ClusterInfo, error) {
	client := c.Client()
	defer closeClient(client)
	resp, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
	if err != nil {
		return ClusterInfo{}, fmt.Errorf("read metadata from %s: %w", strings.Join(c.Brokers, ","), err)
	}
	info := ClusterInfo{ClusterID: resp.ClusterID, Controller: resp.Controller.ID}
	for _, b := range resp.Brokers {
		info.Brokers = append(info.Brokers, net.JoinHostPort(b.Host, fmt.Sprint(b.Port)))
	}
	return info, nil
}

// GroupInfo is a consumer group as DescribeGroups describes it.
type GroupInfo struct {
	State   string // Empty, Stable, PreparingRebalance, CompletingRebalance or Dead (unknown group)
	Members int
}

// Group describes a consumer group, whatever clients its members are.
func (c Connection) Group(ctx context.Context, group string) (GroupInfo, error) {
	client := c.Client()
	defer closeClient(client)
	d, err := describeGroup(ctx, client, c.clientID(), group, "")
	if err != nil {
		return GroupInfo{}, err
	}
	return GroupInfo{State: d.State, Members: len(d.Members)}, nil
}
