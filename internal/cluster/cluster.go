// Package cluster is kafkaplot cluster's engine: the embedded broker and
// schema registry in the foreground, or with Secure a local rehearsal of a
// Hopsworks cluster whose credentials and configurations it writes and
// checks. It does not parse flags or decide exit codes.
package cluster

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
)

// Summary is kafkaplot cluster's help: the cluster, and the secure
// rehearsal's files.
const Summary = `kafkaplot cluster: run the embedded Kafka broker and schema registry until Ctrl-C.

With --secure DIR it rehearses a Hopsworks cluster: the broker requires mutual
TLS, the registry is served over HTTPS under /hopsworks-api/api/project/ID/kafka
and requires "Authorization: ApiKey <key>". DIR receives a CA, keyStore.jks and
trustStore.jks (as Hopsworks exports them), keyStore.pem and trustStore.pem (as
the tutorial's keytool + openssl conversion writes them, the key encrypted),
apiKeyFile, config.toml in the tutorial's format and config-jks.toml, which
reads the JKS stores directly. Credentials are new at each start. Like
Hopsworks 2.2, the registry answers 415 to the Confluent content type unless
--no-415 is given.`

// Default addresses of the secure rehearsal cluster, beside the plaintext one's.
const (
	DefaultSecureBroker   = "127.0.0.1:19093"
	DefaultSecureRegistry = "127.0.0.1:18443"
)

// Options are the cluster to run.
type Options struct {
	Broker     string // the broker's address; "": embedded.DefaultBroker, or DefaultSecureBroker with Secure
	Registry   string // the registry's; "": embedded.DefaultRegistry, or DefaultSecureRegistry with Secure
	Topic      string // the topic to create
	Partitions int    // its partitions
	Subject    string // the subject to register the sensor schema under
	// Secure, when set, is the directory for a secure (Hopsworks-style)
	// rehearsal's credentials and configurations.
	Secure    string
	Project   string // the Hopsworks project's name
	ProjectID string // and id
	// No415 has the secure registry accept the Confluent content type.
	No415 bool
}

// Run runs the embedded broker and registry in the foreground until ctx
// is done; with Secure, as a local rehearsal of a Hopsworks cluster.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	broker, registry := o.Broker, o.Registry
	if broker == "" {
		broker = embedded.DefaultBroker
		if o.Secure != "" {
			broker = DefaultSecureBroker
		}
	}
	if registry == "" {
		registry = embedded.DefaultRegistry
		if o.Secure != "" {
			registry = DefaultSecureRegistry
		}
	}
	cfg := embedded.Config{
		BrokerAddr:   broker,
		RegistryAddr: registry,
		Topic:        o.Topic,
		Partitions:   o.Partitions,
		Subject:      o.Subject,
	}
	var written []string
	if o.Secure != "" {
		var err error
		if written, err = secureCluster(&cfg, o.Secure, o.Project, o.ProjectID); err != nil {
			return err
		}
		cfg.RegistryAcceptsConfluentType = o.No415
	}
	emb, err := embedded.Start(ctx, cfg)
	if err != nil {
		return err
	}
	broker, registry = emb.BrokerAddr(), emb.RegistryURL()
	if o.Secure != "" {
		fmt.Fprintln(stdout, "secure rehearsal cluster: mutual TLS, Hopsworks-style registry")
		broker += " (TLS, client certificate required)"
		registry += " (API key required)"
	}
	lines := [][2]string{
		{"kafka broker", broker},
		{"schema registry", registry},
		{"topic", fmt.Sprintf("%s (%d partitions)", o.Topic, o.Partitions)},
		{"subject", o.Subject},
	}
	if o.Secure != "" {
		names := make([]string, len(written))
		for i, p := range written {
			names[i] = filepath.Base(p)
		}
		lines = append(lines,
			[2]string{"wrote", o.Secure + ": " + strings.Join(names, " ")},
			[2]string{"try", "kafkaplot produce -c " + filepath.Join(o.Secure, embedded.FileConfig) + " -e 5 -d 0"})
	}
	printFields(stdout, lines)
	fmt.Fprintln(stdout, "Press Ctrl-c to stop.")
	if out, ok := stdout.(*os.File); ok {
		out.Sync()
	}
	<-ctx.Done()
	if err := emb.Close(); err != nil {
		return fmt.Errorf("stop embedded cluster: %w", err)
	}
	return nil
}

// secureCluster generates the rehearsal's credentials, writes them to dir,
// checks that both configurations load, and sets cfg up for mutual TLS and
// a Hopsworks-style registry.
func secureCluster(cfg *embedded.Config, dir, project, projectID string) ([]string, error) {
	now := time.Now()
	r, err := embedded.NewRehearsal(rand.Reader, now, project, projectID)
	if err != nil {
		return nil, fmt.Errorf("secure cluster credentials: %w", err)
	}
	written, err := r.Write(rand.Reader, dir, *cfg, now)
	if err != nil {
		return written, err
	}
	if err := checkRehearsalConfigs(dir, now); err != nil {
		return written, err
	}
	r.Secure(cfg)
	return written, nil
}

// checkRehearsalConfigs loads the two configurations a rehearsal wrote, with
// their TLS material: both must work as written.
func checkRehearsalConfigs(dir string, now time.Time) error {
	for _, name := range []string{embedded.FileConfig, embedded.FileConfigJKS} {
		cfg, err := config.Load(filepath.Join(dir, name))
		if err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		if _, _, err := cfg.KafkaTLS().Load(now); err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		if _, _, err := cfg.RegistryTLS().Load(now); err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
	}
	return nil
}

// printFields prints label and value pairs, the values in one column.
func printFields(w io.Writer, fields [][2]string) {
	width := 0
	for _, f := range fields {
		width = max(width, len(f[0]))
	}
	for _, f := range fields {
		fmt.Fprintf(w, "%-*s %s\n", width, f[0], f[1])
	}
}
