// Package rehearsal starts the embedded rehearsal cluster in a test's
// process: a mutual-TLS broker and a Hopsworks-style HTTPS registry, with
// the credentials and configurations "kafkaplot cluster --secure" writes.
// Only tests import it (arrows_test.go checks). It does not run the
// kafkaplot binary: tests of the binary start "cluster --secure" with
// testsupport's harness.
package rehearsal

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/stream"
)

// Cluster is a running rehearsal cluster and the directory of its files.
type Cluster struct {
	R        *embedded.Rehearsal
	Dir      string
	Emb      *embedded.Cluster
	Broker   string // host:port
	Registry string // host:port
}

// Start starts a rehearsal cluster of project Kafka_Tutorial (id 1143) on
// free ports, its files in a temporary directory; it stops when the test
// ends.
func Start(tb testing.TB) *Cluster {
	tb.Helper()
	now := time.Now()
	r, err := embedded.NewRehearsal(rand.Reader, now, "Kafka_Tutorial", "1143")
	if err != nil {
		tb.Fatalf("make the rehearsal's credentials: %v", err)
	}
	c := &Cluster{R: r, Dir: tb.TempDir(), Broker: testsupport.FreeAddr(tb), Registry: testsupport.FreeAddr(tb)}
	cfg := embedded.Config{BrokerAddr: c.Broker, RegistryAddr: c.Registry}
	if _, err := r.Write(rand.Reader, c.Dir, cfg, now); err != nil {
		tb.Fatalf("write the rehearsal's files: %v", err)
	}
	r.Secure(&cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c.Emb, err = embedded.Start(ctx, cfg); err != nil {
		tb.Fatalf("start the rehearsal cluster: %v", err)
	}
	tb.Cleanup(func() { c.Emb.Close() })
	return c
}

// Path returns a file of the cluster's directory.
func (c *Cluster) Path(name string) string { return filepath.Join(c.Dir, name) }

// Config loads one of the cluster's configurations (embedded.FileConfig,
// embedded.FileConfigJKS or a variant).
func (c *Cluster) Config(tb testing.TB, name string) config.Config {
	tb.Helper()
	cfg, err := config.Load(c.Path(name))
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	return cfg
}

// Variant writes name, a copy of the cluster's config.toml with each old
// string replaced by its new one (testsupport.WriteVariant), and returns
// its path.
func (c *Cluster) Variant(tb testing.TB, name string, oldNew ...string) string {
	tb.Helper()
	return testsupport.WriteVariant(tb, c.Path(embedded.FileConfig), c.Path(name), oldNew...)
}

// ProduceOne produces one record (a Confluent header, no body) to topic
// through conn, within 20 s.
func ProduceOne(conn stream.Connection, topic string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: conn, Topic: topic})
	if err != nil {
		return err
	}
	defer p.Close()
	_, err = p.Send(ctx, []stream.Message{{Key: []byte("sensor0"), Value: []byte{0, 0, 0, 0, 1}}}, nil)
	return err
}
