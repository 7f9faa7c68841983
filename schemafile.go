package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
)

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

// decoderOptions loads plot.schema_file, if set, into the Decoder's
// options; a file that cannot be used is a usage error naming it.
func decoderOptions(cfg config.Config, opts ...schema.DecoderOption) ([]schema.DecoderOption, error) {
	spec := strings.TrimSpace(cfg.Plot.SchemaFile)
	if spec == "" {
		return opts, nil
	}
	sf, err := schema.LoadSchemaFile(spec)
	if err != nil {
		return nil, usageError{err}
	}
	return append(opts, schema.WithSchemaFile(sf)), nil
}
