package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/export"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/consume"
)

// consumeFlags are consume's flags.
type consumeFlags struct {
	conn       connFlags
	group      groupFlags
	untilEnd   bool
	outage     time.Duration
	quiet      bool
	output     string
	to         string
	schemaFile schemaFileFlag
}

// newConsumeCmd is "kafkaplot consume".
func newConsumeCmd() *cobra.Command {
	var f consumeFlags
	cmd := &cobra.Command{
		Use:   "consume [flags]",
		Short: "print the topic's records, headless (the tutorial's avro_consumer.py)",
		Long:  "kafkaplot consume: print the topic's records as a member of a consumer group,\nor with --from [--to] a time range of every partition, read outside the group.",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := f.options(c.Flags())
			if err != nil {
				return err
			}
			return consume.Run(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd, "t")
	f.group.register(cmd)
	cmdline.InGroup(cmd.Flags(), "Consume", func(fs *pflag.FlagSet) {
		fs.BoolVar(&f.untilEnd, "until-end", false, "exit once the high watermarks seen at start are reached")
		fs.DurationVar(&f.outage, "outage-limit", 30*time.Second, "with --until-end: exit non-zero when a partition cannot go on (registry or broker unreachable) for longer than this")
		fs.BoolVar(&f.quiet, "quiet", false, "print only the final summary line")
		fs.StringVar(&f.output, "output", "text", "print records as `format`: text (the tutorial's), csv or jsonl (one row per plotted value: time, partition, offset, series, field, value; the summary on stderr)")
		fs.StringVar(&f.to, "to", "", "with --from TIME: stop at the first record at or after this time (default: the end of the log at start), then exit")
		f.schemaFile.register(fs)
	})
	cmd.RegisterFlagCompletionFunc("schema-file", cmdline.CompleteFiles("avsc", "proto"))
	cmd.RegisterFlagCompletionFunc("output", cmdline.CompleteValues("text", "csv", "jsonl"))
	return cmd
}

// options checks consume's flags and resolves the configuration with them
// applied: a bad value is a usage error.
func (f *consumeFlags) options(fs *pflag.FlagSet) (consume.Options, error) {
	from, to, err := cmdline.TimeRange(f.group.from, f.to, fs.Changed("to"), f.untilEnd, time.Now())
	if err != nil {
		return consume.Options{}, usageError{err}
	}
	if f.outage <= 0 {
		return consume.Options{}, usageError{fmt.Errorf("--outage-limit %s: must be positive", f.outage)}
	}
	var output export.Format
	if f.output != "text" {
		if output, err = export.ParseFormat(f.output); err != nil {
			return consume.Options{}, usageError{fmt.Errorf("--output %q: want text, csv or jsonl", f.output)}
		}
	}
	s, decoderOpts, err := f.conn.settings(fs, &f.schemaFile, f.group.apply)
	if err != nil {
		return consume.Options{}, err
	}
	return consume.Options{
		Settings: s, DecoderOptions: decoderOpts, AssignorSetting: assignorSetting,
		UntilEnd: f.untilEnd, OutageLimit: f.outage, Quiet: f.quiet, Output: output, From: from, To: to,
	}, nil
}
