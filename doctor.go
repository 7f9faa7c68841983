package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/doctor"
)

const doctorSummary = `kafkaplot doctor: check each hop from the configuration to the consumer group
and say what to fix: config parsed; credentials loaded; for every broker DNS,
TCP, the TLS handshake (server certificate subject, issuer and expiry; client
certificate accepted?), SASL and Kafka API versions; cluster metadata; the
topic and its partitions; the registry's DNS, TCP, TLS, credentials, subject
and compatibility level; the consumer group's state. One line per check, ✓ or ✗.

Exit status: 0 when every check passes, else the class of the first failure:
3 configuration or credentials, 4 network (DNS, TCP), 5 TLS, 6 authentication
(SASL, registry API key or password), 7 Kafka (metadata, topic, group),
8 registry (subject, compatibility).`

// doctorFlags are doctor's flags.
type doctorFlags struct {
	conn    connFlags
	group   string
	timeout time.Duration
}

// newDoctorCmd is "kafkaplot doctor".
func newDoctorCmd() *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor [flags]",
		Short: "check each hop to the cluster and say what to fix",
		Long:  doctorSummary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o := doctor.Options{Conn: f.conn.options(c.Flags()), Group: f.group, Timeout: f.timeout}
			return doctor.Run(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd.Flags(), "t")
	cmdline.InGroup(cmd.Flags(), groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&f.group, "group", "g", "", "consumer group to describe (default kafka.consumer.group_id, else kafkaplot)")
	})
	cmdline.InGroup(cmd.Flags(), "Doctor", func(fs *pflag.FlagSet) {
		fs.DurationVar(&f.timeout, "timeout", 5*time.Second, "bound of each network step")
	})
	f.conn.completions(cmd)
	cmd.RegisterFlagCompletionFunc("group", cobra.NoFileCompletions)
	cmd.RegisterFlagCompletionFunc("timeout", cobra.NoFileCompletions)
	return cmd
}
