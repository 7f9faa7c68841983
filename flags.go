package main

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/timespec"
	"github.com/kafkaplot/kafkaplot/schema"
)

// connFlags are the connection flags of every command but cluster.
type connFlags struct {
	config           string
	brokers          string
	registry         string
	topic            string
	embeddedBroker   string
	embeddedRegistry string
}

// register adds the connection flags to cmd with their value completions;
// topicShort is --topic's short form ("" in produce, whose -t is the
// tutorial's start step).
func (f *connFlags) register(cmd *cobra.Command, topicShort string) {
	cmdline.InGroup(cmd.Flags(), groupConnection, func(g *pflag.FlagSet) {
		g.StringVarP(&f.config, "config", "c", "", "configuration `file` in the tutorial's TOML format (default ./config.toml if present)")
		g.StringVarP(&f.brokers, "brokers", "b", "", "Kafka bootstrap brokers, host[:port][,host[:port]...] (port 9092 when left out)")
		g.StringVar(&f.registry, "registry", "", "schema registry base `URL`")
		g.StringVarP(&f.topic, "topic", topicShort, "", "topic (default kafka.topic, else temperature)")
		g.StringVar(&f.embeddedBroker, "embedded-broker", embedded.DefaultBroker, "`address` of the embedded cluster's broker, used when no cluster is configured")
		g.StringVar(&f.embeddedRegistry, "embedded-registry", embedded.DefaultRegistry, "`address` of the embedded cluster's registry, used when no cluster is configured")
	})
	cmd.RegisterFlagCompletionFunc("config", cmdline.CompleteFiles("toml"))
	cmdline.NoFiles(cmd, "brokers", "registry", "topic", "embedded-broker", "embedded-registry")
}

// options returns the connection flags as connect takes them: a flag the
// user did not set is nil.
func (f *connFlags) options(fs *pflag.FlagSet) connect.Options {
	set := func(name string, v *string) *string {
		if fs.Changed(name) {
			return v
		}
		return nil
	}
	return connect.Options{ConfigFile: f.config, Brokers: set("brokers", &f.brokers), Registry: set("registry", &f.registry),
		Topic: set("topic", &f.topic), EmbeddedBroker: f.embeddedBroker, EmbeddedRegistry: f.embeddedRegistry, Environ: os.Environ()}
}

// resolve builds the configuration: defaults < config file < environment <
// flags the user set.
func (f *connFlags) resolve(fs *pflag.FlagSet) (connect.Settings, error) {
	return connect.Resolve(f.options(fs), os.LookupEnv)
}

// groupFlags are the consumer-group flags of consume and the dashboard;
// register adds them to cmd with their value completions.
type groupFlags struct{ group, from, assignors string }

func (g *groupFlags) register(cmd *cobra.Command) {
	cmdline.InGroup(cmd.Flags(), groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&g.group, "group", "g", "", "consumer group id (default kafka.consumer.group_id, else kafkaplot)")
		fs.StringVar(&g.from, "from", "", "where a new group starts: earliest or latest (default kafka.consumer.auto_offset_reset, else earliest); consume also takes a time: "+timespec.Forms+", to print the records from then on read outside the group")
		fs.StringVar(&g.assignors, "assignors", "", "partition assignment strategies offered to the group, in order of preference: cooperative-sticky, range, roundrobin, comma-separated (default kafka.consumer.partition_assignment_strategy)")
	})
	cmdline.NoFiles(cmd, "group")
	cmd.RegisterFlagCompletionFunc("from", cmdline.CompleteValues("earliest", "latest"))
	cmd.RegisterFlagCompletionFunc("assignors", cmdline.CompleteValues("cooperative-sticky", "range", "roundrobin"))
}

// assignorSetting names where the user chooses the assignors.
const assignorSetting = "[kafka.consumer] partition_assignment_strategy (or --assignors)"

// apply overrides the configuration with the flags that were given.
func (g groupFlags) apply(cfg *config.Config) {
	if g.group != "" {
		cfg.Kafka.Consumer.GroupID = g.group
	}
	if _, isTime, _ := cmdline.FromTime(g.from, time.Now()); g.from != "" && !isTime {
		cfg.Kafka.Consumer.AutoOffsetReset = g.from
	}
	if g.assignors != "" {
		cfg.Kafka.Consumer.PartitionAssignmentStrategy = g.assignors
	}
}

// plotFlags are the dashboard's field selection flags, over [plot].
type plotFlags struct {
	series, value, time string
}

func (f *plotFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.series, "series", "", `field whose value names a line, or @key (default: plot.series, else the Kafka key, else a string field device, sensor, id, host, name or key)`)
	fs.StringVar(&f.value, "value", "", "numeric fields to plot, comma-separated dotted paths (default: plot.value, else every numeric field)")
	fs.StringVar(&f.time, "time", "", "time field, or @time for the Kafka record timestamp (default: plot.time, else the first timestamp field)")
}

// apply overrides the configuration's [plot] fields with the flags the user set.
func (f *plotFlags) apply(fs *pflag.FlagSet, cfg *config.Config) {
	if fs.Changed("series") {
		cfg.Plot.Series = strings.TrimSpace(f.series)
	}
	if fs.Changed("value") {
		cfg.Plot.Value = connect.SplitList(f.value)
	}
	if fs.Changed("time") {
		cfg.Plot.Time = strings.TrimSpace(f.time)
	}
}

// schemaFileFlag is --schema-file, over plot.schema_file: the writer schema
// of a registry-less topic, whose values are bare bodies without the
// Confluent header.
type schemaFileFlag struct {
	spec string
}

func (f *schemaFileFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.spec, "schema-file", "", "read every value as a bare body (no header, no registry) of this schema: an Avro .avsc `file`, or file.proto:Message for Protobuf")
}

// apply overrides plot.schema_file with the flag when the user set it.
func (f *schemaFileFlag) apply(fs *pflag.FlagSet, cfg *config.Config) {
	if fs.Changed("schema-file") {
		cfg.Plot.SchemaFile = strings.TrimSpace(f.spec)
	}
}

// settings resolves the configuration, applies the command's flags (apply,
// then --schema-file), checks the result and loads the schema file: a bad
// value is a usage error.
func (f *connFlags) settings(fs *pflag.FlagSet, sf *schemaFileFlag, apply func(*config.Config)) (connect.Settings, []schema.DecoderOption, error) {
	s, err := f.resolve(fs)
	if err != nil {
		return s, nil, err
	}
	apply(&s.Cfg)
	sf.apply(fs, &s.Cfg)
	if err := s.Cfg.Validate(); err != nil {
		return s, nil, usageError{err}
	}
	opts, err := connect.DecoderOptions(s.Cfg)
	if err != nil {
		return s, nil, usageError{err}
	}
	return s, opts, nil
}
