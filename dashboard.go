package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/dashboard"
	"github.com/kafkaplot/kafkaplot/internal/timespec"
)

// dashboardFlags are the dashboard's flags.
type dashboardFlags struct {
	conn        connFlags
	group       groupFlags
	plot        plotFlags
	generate    bool
	window      time.Duration
	at          string
	history     string
	log         string
	snapshotDir string
	schemaFile  schemaFileFlag
}

// newDashboardCmd is "kafkaplot", the default command: the dashboard.
func newDashboardCmd() *cobra.Command {
	var f dashboardFlags
	cmd := &cobra.Command{
		Use:   "kafkaplot [flags]",
		Short: "the live dashboard",
		Long:  dashboard.Summary,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := f.options(c.Flags())
			if err != nil {
				return err
			}
			return dashboard.Run(c.Context(), o)
		},
	}
	f.conn.register(cmd, "t")
	f.group.register(cmd)
	cmdline.InGroup(cmd.Flags(), groupPlot, func(fs *pflag.FlagSet) {
		fs.BoolVar(&f.generate, "generate", false, "switch the sensor generator on at start (default on when this instance starts the embedded cluster)")
		fs.DurationVar(&f.window, "window", 0, "chart time window (default plot.window, else 2m)")
		fs.StringVar(&f.at, "at", "", "open on the window ending at this time, read outside the group (end: back to live): "+timespec.Forms)
		fs.StringVar(&f.history, "history", "", "what a partition's chart is filled with when it becomes ours: window (the records of the window), none, or a duration such as 5m (default plot.history, else window)")
		f.plot.register(fs)
		f.schemaFile.register(fs)
		fs.StringVar(&f.snapshotDir, "snapshot-dir", "", "`dir`ectory the s key saves pictures of the view into: kafkaplot-<topic>-<time>.png and .svg (default the working directory)")
	})
	cmdline.InGroup(cmd.Flags(), cmdline.Other, func(fs *pflag.FlagSet) {
		fs.StringVar(&f.log, "log", "", "log `file` (the dashboard owns the terminal; default kafkaplot/kafkaplot.log in the user cache directory, such as ~/.cache)")
	})
	cmd.RegisterFlagCompletionFunc("schema-file", cmdline.CompleteFiles("avsc", "proto"))
	cmd.RegisterFlagCompletionFunc("log", cmdline.CompleteFiles("log"))
	cmd.RegisterFlagCompletionFunc("snapshot-dir", cmdline.CompleteDirs)
	cmdline.NoFiles(cmd, "window", "at", "history", "series", "value", "time")
	return cmd
}

// options resolves the configuration, applies the dashboard's flags and
// checks the result: a bad value is a usage error.
func (f *dashboardFlags) options(fs *pflag.FlagSet) (dashboard.Options, error) {
	if _, isTime, _ := cmdline.FromTime(f.group.from, time.Now()); isTime {
		return dashboard.Options{}, usageError{fmt.Errorf("--from %s: a new group starts at earliest or latest; consume --from reads a time range", f.group.from)}
	}
	if from := f.group.from; from != "" && from != "earliest" && from != "latest" {
		return dashboard.Options{}, usageError{fmt.Errorf("--from %q: want earliest or latest", from)}
	}
	s, decoderOpts, err := f.conn.settings(fs, &f.schemaFile, func(cfg *config.Config) {
		f.group.apply(cfg)
		if f.window > 0 {
			cfg.Plot.Window.Duration = f.window
		}
		if fs.Changed("history") {
			cfg.Plot.History = strings.ToLower(strings.TrimSpace(f.history))
		}
		f.plot.apply(fs, cfg)
	})
	if err != nil {
		return dashboard.Options{}, err
	}
	if f.snapshotDir != "" {
		if st, err := os.Stat(f.snapshotDir); err != nil || !st.IsDir() {
			return dashboard.Options{}, usageError{fmt.Errorf("--snapshot-dir %s: not a directory", f.snapshotDir)}
		}
	}
	var at time.Time
	if fs.Changed("at") {
		if at, err = cmdline.PastTime(f.at, time.Now()); err != nil {
			return dashboard.Options{}, usageError{err}
		}
	}
	return dashboard.Options{
		Settings: s, DecoderOptions: decoderOpts, AssignorSetting: assignorSetting,
		Generate: f.generate, LogFile: f.log, SnapshotDir: f.snapshotDir, At: at,
		EmbeddedBroker: f.conn.embeddedBroker, EmbeddedRegistry: f.conn.embeddedRegistry,
	}, nil
}
