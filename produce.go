package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/produce"
)

// produceFlags are produce's flags; -e, -d and -t are the tutorial's.
type produceFlags struct {
	conn     connFlags
	events   int
	delay    float64
	start    int
	register bool
	strategy string
	quiet    bool
	noise    bool
	format   string
}

// newProduceCmd is "kafkaplot produce".
func newProduceCmd() *cobra.Command {
	var f produceFlags
	cmd := &cobra.Command{
		Use:   "produce [flags]",
		Short: "emulated sensors into the topic (the tutorial's avro_producer.py)",
		Long:  "kafkaplot produce: produce time series data from emulated sensors into the topic.",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := f.options(c.Flags())
			if err != nil {
				return err
			}
			return produce.Run(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd, "")
	cmdline.InGroup(cmd.Flags(), "Produce", func(fs *pflag.FlagSet) {
		fs.IntVarP(&f.events, "events", "e", -1, "number of events to generate per sensor; 0 or negative for no end")
		fs.Float64VarP(&f.delay, "delay", "d", 0.5, "delay between events in `seconds` (can be a fraction)")
		fs.IntVarP(&f.start, "time", "t", 0, "start time `step`, to resume the series after a stop")
		fs.BoolVar(&f.register, "register", false, "register the sensor schema under the subject instead of looking it up")
		fs.StringVar(&f.strategy, "subject-strategy", "", "subject naming: record-name (kafka.schema, as Hopsworks), topic-name (<topic>-value) or topic-record (<topic>-<kafka.schema>) (default registry.subject_strategy, else record-name)")
		fs.BoolVar(&f.quiet, "quiet", false, "no per-event lines: one progress line and a final summary")
		fs.BoolVar(&f.noise, "noise", true, "add each sensor's Gaussian noise (--noise=false: the noise-free model)")
		fs.StringVar(&f.format, "format", produce.FormatAvro, "value format: avro (the tutorial's sensor schema) or protobuf (the same three fields as a Protobuf message, registered under <subject>-protobuf)")
	})
	cmd.RegisterFlagCompletionFunc("subject-strategy", cmdline.CompleteValues(config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord))
	cmd.RegisterFlagCompletionFunc("format", cmdline.CompleteValues(produce.FormatAvro, produce.FormatProtobuf))
	cmdline.NoFiles(cmd, "events", "delay", "time")
	return cmd
}

// options checks produce's flags, a bad value being a usage error, and
// resolves the configuration.
func (f *produceFlags) options(fs *pflag.FlagSet) (produce.Options, error) {
	if f.delay < 0 {
		return produce.Options{}, usageError{fmt.Errorf("-d %v: must not be negative", f.delay)}
	}
	if f.format = strings.ToLower(strings.TrimSpace(f.format)); f.format != produce.FormatAvro && f.format != produce.FormatProtobuf {
		return produce.Options{}, usageError{fmt.Errorf("--format %q: want %s or %s", f.format, produce.FormatAvro, produce.FormatProtobuf)}
	}
	s, err := f.conn.resolve(fs)
	if err != nil {
		return produce.Options{}, err
	}
	subject, err := subjectName(s.Cfg, f.strategy)
	if err != nil {
		return produce.Options{}, err
	}
	return produce.Options{
		Settings: s, Subject: subject, Format: f.format, Register: f.register,
		Events: f.events, Delay: f.delay, Start: f.start, Quiet: f.quiet, Noise: f.noise,
	}, nil
}

// subjectName returns the subject to register or look up the sensor schema
// under: registry.subject, else the name the subject strategy gives —
// strategy (--subject-strategy) when set, else registry.subject_strategy.
func subjectName(cfg config.Config, strategy string) (string, error) {
	if strategy != "" {
		cfg.Registry.SubjectStrategy = strings.ToLower(strings.TrimSpace(strategy))
		switch cfg.Registry.SubjectStrategy {
		case config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord:
		default:
			return "", usageError{fmt.Errorf("--subject-strategy %q: want %s, %s or %s", strategy, config.SubjectRecordName, config.SubjectTopicName, config.SubjectTopicRecord)}
		}
	}
	return cfg.Subject(), nil
}
