package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/plot"
	"github.com/kafkaplot/kafkaplot/internal/timespec"
	"github.com/kafkaplot/kafkaplot/render"
)

// plotCmdFlags are plot's flags.
type plotCmdFlags struct {
	conn          connFlags
	plot          plotFlags
	from, to      string
	output        string
	partitions    string
	width, height int
	schemaFile    schemaFileFlag
}

// newPlotCmd is "kafkaplot plot".
func newPlotCmd() *cobra.Command {
	var f plotCmdFlags
	cmd := &cobra.Command{
		Use:   "plot --from TIME [--to TIME] -o FILE [flags]",
		Short: "draw a time range of the topic into a PNG, SVG or PDF file, headless",
		Long:  plot.Summary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o, err := f.options(c.Flags(), time.Now())
			if err != nil {
				return err
			}
			return plot.Run(c.Context(), o, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd, "t")
	cmdline.InGroup(cmd.Flags(), groupPlot, func(fs *pflag.FlagSet) {
		fs.StringVar(&f.from, "from", "", "`TIME` the range starts at (required): "+timespec.Forms)
		fs.StringVar(&f.to, "to", "now", "`TIME` the range ends at, as --from")
		fs.StringVarP(&f.output, "output", "o", "", "picture `file` to write (required): .png, .svg or .pdf")
		fs.StringVar(&f.partitions, "partitions", "", "`partitions` to draw, comma-separated (default all)")
		fs.IntVar(&f.width, "width", render.DefaultWidth, "picture width in `pixels`")
		fs.IntVar(&f.height, "height", 0, "picture height in `pixels` (default 120 plus 380 per row of panes)")
		f.plot.register(fs)
		f.schemaFile.register(fs)
	})
	cmd.RegisterFlagCompletionFunc("schema-file", cmdline.CompleteFiles("avsc", "proto"))
	cmd.RegisterFlagCompletionFunc("output", cmdline.CompleteFiles("png", "svg", "pdf"))
	cmdline.NoFiles(cmd, "from", "to", "partitions", "width", "height", "series", "value", "time")
	return cmd
}

// options resolves the configuration, applies plot's flags and checks the
// result: a bad value is a usage error.
func (f *plotCmdFlags) options(fs *pflag.FlagSet, now time.Time) (plot.Options, error) {
	from, err := timespec.Parse(f.from, now)
	if err != nil {
		return plot.Options{}, usageError{fmt.Errorf("--from: %w", err)}
	}
	to, err := timespec.Parse(f.to, now)
	if err != nil {
		return plot.Options{}, usageError{fmt.Errorf("--to: %w", err)}
	}
	if !to.After(from) {
		return plot.Options{}, usageError{fmt.Errorf("--from %s --to %s: the end must be after the start", f.from, f.to)}
	}
	if _, err := render.FormatOf(f.output); err != nil {
		return plot.Options{}, usageError{fmt.Errorf("-o, --output: %w", err)}
	}
	size := render.Options{Width: f.width, Height: f.height}
	if err := size.Check(); err != nil {
		return plot.Options{}, usageError{fmt.Errorf("--width %d --height %d: %w", f.width, f.height, err)}
	}
	parts, err := plot.ParsePartitions(f.partitions)
	if err != nil {
		return plot.Options{}, usageError{fmt.Errorf("--partitions %q: %w", f.partitions, err)}
	}
	s, decoderOpts, err := f.conn.settings(fs, &f.schemaFile, func(cfg *config.Config) { f.plot.apply(fs, cfg) })
	if err != nil {
		return plot.Options{}, err
	}
	return plot.Options{
		Settings: s, DecoderOptions: decoderOpts, From: from, To: to, Partitions: parts,
		Output: f.output, Size: size,
	}, nil
}
