package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/schema"
)

// schemaFileFlag is --schema-file: the writer schema of a registry-less
// topic, whose values are bare bodies without the Confluent header.
type schemaFileFlag struct {
	spec string
}

func (f *schemaFileFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.spec, "schema-file", "", "read every value as a bare body (no header, no registry) of this schema: an Avro .avsc `file`, or file.proto:Message for Protobuf")
}

// decoderOptions loads the schema file, if one is given, into the
// Decoder's options; a file that cannot be used is a usage error naming it.
func (f *schemaFileFlag) decoderOptions(opts ...schema.DecoderOption) ([]schema.DecoderOption, error) {
	spec := strings.TrimSpace(f.spec)
	if spec == "" {
		return opts, nil
	}
	sf, err := schema.LoadSchemaFile(spec)
	if err != nil {
		return nil, usageError{err}
	}
	return append(opts, schema.WithSchemaFile(sf)), nil
}
