package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
)

// Default addresses of the secure rehearsal cluster, beside the plaintext one's.
const (
	defaultSecureBroker   = "127.0.0.1:19093"
	defaultSecureRegistry = "127.0.0.1:18443"
)

// clusterFlags are cluster's flags.
type clusterFlags struct {
	broker, registry, topic, subject string
	partitions                       int
	secure, project, projectID       string
	no415                            bool
}

// newClusterCmd is "kafkaplot cluster".
func newClusterCmd() *cobra.Command {
	var f clusterFlags
	cmd := &cobra.Command{
		Use:   "cluster [flags]",
		Short: "run the embedded broker and schema registry in the foreground",
		Long: `kafkaplot cluster: run the embedded Kafka broker and schema registry until Ctrl-C.

With --secure DIR it rehearses a Hopsworks cluster: the broker requires mutual
TLS, the registry is served over HTTPS under /hopsworks-api/api/project/ID/kafka
and requires "Authorization: ApiKey <key>". DIR receives a CA, keyStore.jks and
trustStore.jks (as Hopsworks exports them), keyStore.pem and trustStore.pem (as
the tutorial's keytool + openssl conversion writes them, the key encrypted),
apiKeyFile, config.toml in the tutorial's format and config-jks.toml, which
reads the JKS stores directly. Credentials are new at each start. Like
Hopsworks 2.2, the registry answers 415 to the Confluent content type unless
--no-415 is given.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCluster(c.Context(), &f, c.OutOrStdout())
		},
	}
	inGroup(cmd.Flags(), "Cluster", func(fs *pflag.FlagSet) {
		fs.StringVar(&f.broker, "broker", "", "broker `address`; kfake binds 127.0.0.1 only (default "+embedded.DefaultBroker+", "+defaultSecureBroker+" with --secure)")
		fs.StringVar(&f.registry, "registry", "", "schema registry listen `address` (default "+embedded.DefaultRegistry+", "+defaultSecureRegistry+" with --secure)")
		fs.IntVar(&f.partitions, "partitions", 2, "partitions of the topic")
		fs.StringVarP(&f.topic, "topic", "t", "temperature", "topic to create")
		fs.StringVar(&f.subject, "subject", "sensor", "subject to register the sensor schema under")
	})
	inGroup(cmd.Flags(), "Secure rehearsal", func(fs *pflag.FlagSet) {
		fs.StringVar(&f.secure, "secure", "", "`directory` for the credentials and config.toml of a secure (Hopsworks-style) cluster")
		fs.StringVar(&f.project, "project", "Kafka_Tutorial", "Hopsworks project name")
		fs.StringVar(&f.projectID, "project-id", "1143", "Hopsworks project id")
		fs.BoolVar(&f.no415, "no-415", false, "accept the Confluent registry content type: no Hopsworks 2.2 415, so the tutorial's scripts need no patch of their client library")
	})
	cmd.RegisterFlagCompletionFunc("secure", completeDirs)
	for _, name := range []string{"broker", "registry", "partitions", "topic", "subject", "project", "project-id"} {
		cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
}

// runCluster runs the embedded broker and registry in the foreground; with
// --secure DIR, as a local rehearsal of a Hopsworks cluster.
func runCluster(ctx context.Context, f *clusterFlags, stdout io.Writer) error {
	if f.partitions < 1 || f.partitions > 1024 {
		return usageError{fmt.Errorf("--partitions %d: want 1 to 1024", f.partitions)}
	}
	broker, registry := f.broker, f.registry
	if broker == "" {
		broker = embedded.DefaultBroker
		if f.secure != "" {
			broker = defaultSecureBroker
		}
	}
	if registry == "" {
		registry = embedded.DefaultRegistry
		if f.secure != "" {
			registry = defaultSecureRegistry
		}
	}
	cfg := embedded.Config{
		BrokerAddr:   broker,
		RegistryAddr: registry,
		Topic:        f.topic,
		Partitions:   f.partitions,
		Subject:      f.subject,
	}
	var written []string
	if f.no415 && f.secure == "" {
		return usageError{errors.New("--no-415: only with --secure")}
	}
	if f.secure != "" {
		if strings.ContainsAny(f.projectID, "/?#% ") || f.projectID == "" {
			return usageError{fmt.Errorf("--project-id %q: want a plain id such as 1143", f.projectID)}
		}
		var err error
		if written, err = secureCluster(&cfg, f.secure, f.project, f.projectID); err != nil {
			return err
		}
		cfg.RegistryAcceptsConfluentType = f.no415
	}
	emb, err := embedded.Start(ctx, cfg)
	if err != nil {
		return err
	}
	broker, registry = emb.BrokerAddr(), emb.RegistryURL()
	if f.secure != "" {
		fmt.Fprintln(stdout, "secure rehearsal cluster: mutual TLS, Hopsworks-style registry")
		broker += " (TLS, client certificate required)"
		registry += " (API key required)"
	}
	lines := [][2]string{
		{"kafka broker", broker},
		{"schema registry", registry},
		{"topic", fmt.Sprintf("%s (%d partitions)", f.topic, f.partitions)},
		{"subject", f.subject},
	}
	if f.secure != "" {
		names := make([]string, len(written))
		for i, p := range written {
			names[i] = filepath.Base(p)
		}
		lines = append(lines,
			[2]string{"wrote", f.secure + ": " + strings.Join(names, " ")},
			[2]string{"try", "kafkaplot produce -c " + filepath.Join(f.secure, embedded.FileConfig) + " -e 5 -d 0"})
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
