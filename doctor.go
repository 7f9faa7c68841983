package main

import (
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/doctor"
)

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
		Long:  doctor.Summary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o := doctor.Options{Conn: f.conn.options(c.Flags()), Group: f.group, Timeout: f.timeout}
			return doctor.Run(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd, "t")
	cmdline.InGroup(cmd.Flags(), groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&f.group, "group", "g", "", "consumer group to describe (default kafka.consumer.group_id, else kafkaplot)")
	})
	cmdline.InGroup(cmd.Flags(), "Doctor", func(fs *pflag.FlagSet) {
		fs.DurationVar(&f.timeout, "timeout", 5*time.Second, "bound of each network step")
	})
	cmdline.NoFiles(cmd, "group", "timeout")
	return cmd
}
