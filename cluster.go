package main

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/embedded"
	clusterengine "github.com/kafkaplot/kafkaplot/internal/cluster"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
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
		Long:  clusterengine.Summary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := f.options()
			if err != nil {
				return err
			}
			return clusterengine.Run(c.Context(), o, c.OutOrStdout())
		},
	}
	cmdline.InGroup(cmd.Flags(), "Cluster", func(fs *pflag.FlagSet) {
		fs.StringVar(&f.broker, "broker", "", "broker `address`; kfake binds 127.0.0.1 only (default "+embedded.DefaultBroker+", "+clusterengine.DefaultSecureBroker+" with --secure)")
		fs.StringVar(&f.registry, "registry", "", "schema registry listen `address` (default "+embedded.DefaultRegistry+", "+clusterengine.DefaultSecureRegistry+" with --secure)")
		fs.IntVar(&f.partitions, "partitions", 2, "partitions of the topic")
		fs.StringVarP(&f.topic, "topic", "t", "temperature", "topic to create")
		fs.StringVar(&f.subject, "subject", "sensor", "subject to register the sensor schema under")
	})
	cmdline.InGroup(cmd.Flags(), "Secure rehearsal", func(fs *pflag.FlagSet) {
		fs.StringVar(&f.secure, "secure", "", "`directory` for the credentials and config.toml of a secure (Hopsworks-style) cluster")
		fs.StringVar(&f.project, "project", "Kafka_Tutorial", "Hopsworks project name")
		fs.StringVar(&f.projectID, "project-id", "1143", "Hopsworks project id")
		fs.BoolVar(&f.no415, "no-415", false, "accept the Confluent registry content type: no Hopsworks 2.2 415, so the tutorial's scripts need no patch of their client library")
	})
	cmd.RegisterFlagCompletionFunc("secure", cmdline.CompleteDirs)
	cmdline.NoFiles(cmd, "broker", "registry", "partitions", "topic", "subject", "project", "project-id")
	return cmd
}

// options checks cluster's flags: a bad value is a usage error.
func (f *clusterFlags) options() (clusterengine.Options, error) {
	if f.partitions < 1 || f.partitions > 1024 {
		return clusterengine.Options{}, usageError{fmt.Errorf("--partitions %d: want 1 to 1024", f.partitions)}
	}
	if f.no415 && f.secure == "" {
		return clusterengine.Options{}, usageError{errors.New("--no-415: only with --secure")}
	}
	if f.secure != "" {
		if strings.ContainsAny(f.projectID, "/?#% ") || f.projectID == "" {
			return clusterengine.Options{}, usageError{fmt.Errorf("--project-id %q: want a plain id such as 1143", f.projectID)}
		}
		if _, _, err := net.SplitHostPort(f.broker); f.broker != "" && err != nil {
			return clusterengine.Options{}, usageError{fmt.Errorf("--broker %q: %w", f.broker, err)}
		}
	}
	return clusterengine.Options{
		Broker: f.broker, Registry: f.registry, Topic: f.topic, Partitions: f.partitions, Subject: f.subject,
		Secure: f.secure, Project: f.project, ProjectID: f.projectID, No415: f.no415,
	}, nil
}
