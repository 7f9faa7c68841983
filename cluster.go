package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
)

// Default addresses of the secure rehearsal cluster, beside the plaintext one's.
const (
	defaultSecureBroker   = "127.0.0.1:19093"
	defaultSecureRegistry = "127.0.0.1:18443"
)

// runCluster runs the embedded broker and registry in the foreground; with
// --secure DIR, as a local rehearsal of a Hopsworks cluster.
func runCluster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cluster", stderr, `kafkaplot cluster: run the embedded Kafka broker and schema registry until Ctrl-C.

With --secure DIR it rehearses a Hopsworks cluster: the broker requires mutual
TLS, the registry is served over HTTPS under /hopsworks-api/api/project/ID/kafka
and requires "Authorization: ApiKey <key>". DIR receives a CA, keyStore.jks and
trustStore.jks (as Hopsworks exports them), keyStore.pem and trustStore.pem (as
the tutorial's keytool + openssl conversion writes them, the key encrypted),
apiKeyFile, config.toml in the tutorial's format and config-jks.toml, which
reads the JKS stores directly. Credentials are new at each start. Like
Hopsworks 2.2, the registry answers 415 to the Confluent content type unless
--no-415 is given.`)
	broker := fs.String("broker", embedded.DefaultBroker, "broker address (kfake binds 127.0.0.1 only; default "+defaultSecureBroker+" with --secure)")
	registry := fs.String("registry", embedded.DefaultRegistry, "schema registry listen address (default "+defaultSecureRegistry+" with --secure)")
	partitions := fs.Int("partitions", 2, "partitions of the topic")
	topic := fs.String("topic", "temperature", "topic to create")
	subject := fs.String("subject", "sensor", "subject to register the sensor schema under")
	secure := fs.String("secure", "", "directory for the credentials and config.toml of a secure (Hopsworks-style) cluster")
	project := fs.String("project", "Kafka_Tutorial", "Hopsworks project name, with --secure")
	projectID := fs.String("project-id", "1143", "Hopsworks project id, with --secure")
	no415 := fs.Bool("no-415", false, "with --secure, accept the Confluent registry content type: no Hopsworks 2.2 415, so the tutorial's scripts need no patch of their client library")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *partitions < 1 || *partitions > 1024 {
		return usageError{fmt.Errorf("--partitions %d: want 1 to 1024", *partitions)}
	}
	cfg := embedded.Config{
		BrokerAddr:   *broker,
		RegistryAddr: *registry,
		Topic:        *topic,
		Partitions:   *partitions,
		Subject:      *subject,
	}
	var written []string
	if *no415 && *secure == "" {
		return usageError{errors.New("--no-415: only with --secure")}
	}
	if *secure != "" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["broker"] {
			cfg.BrokerAddr = defaultSecureBroker
		}
		if !set["registry"] {
			cfg.RegistryAddr = defaultSecureRegistry
		}
		if strings.ContainsAny(*projectID, "/?#% ") || *projectID == "" {
			return usageError{fmt.Errorf("--project-id %q: want a plain id such as 1143", *projectID)}
		}
		var err error
		if written, err = secureCluster(&cfg, *secure, *project, *projectID); err != nil {
			return err
		}
		cfg.RegistryAcceptsConfluentType = *no415
	}
	emb, err := embedded.Start(ctx, cfg)
	if err != nil {
		return err
	}
	if *secure != "" {
		fmt.Fprintf(stdout, "secure rehearsal cluster: mutual TLS, Hopsworks-style registry\nkafka broker    %s (TLS, client certificate required)\nschema registry %s (API key required)\n",
			emb.BrokerAddr(), emb.RegistryURL())
	} else {
		fmt.Fprintf(stdout, "kafka broker   %s\nschema registry %s\n", emb.BrokerAddr(), emb.RegistryURL())
	}
	fmt.Fprintf(stdout, "topic          %s (%d partitions)\nsubject        %s\n", *topic, *partitions, *subject)
	if *secure != "" {
		names := make([]string, len(written))
		for i, p := range written {
			names[i] = filepath.Base(p)
		}
		fmt.Fprintf(stdout, "wrote          %s: %s\ntry            kafkaplot produce -c %s -e 5 -d 0\n",
			*secure, strings.Join(names, " "), filepath.Join(*secure, embedded.FileConfig))
	}
	fmt.Fprintln(stdout, "Press Ctrl-c to stop.")
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
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
	if _, _, err := net.SplitHostPort(cfg.BrokerAddr); err != nil {
		return nil, usageError{fmt.Errorf("--broker %q: %w", cfg.BrokerAddr, err)}
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
		if _, _, err := cfg.KafkaTLS(now); err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
		if _, _, err := cfg.RegistryTLS(); err != nil {
			return fmt.Errorf("check %s: %w", name, err)
		}
	}
	return nil
}
