package connect

import (
	"errors"
	"strings"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/schema"
)

// ErrInterrupted marks a run cut short by Ctrl-C or SIGTERM.
var ErrInterrupted = errors.New("interrupted")

// DecoderOptions loads plot.schema_file, if set, into the Decoder's
// options; the error names a file that cannot be used.
func DecoderOptions(cfg config.Config, opts ...schema.DecoderOption) ([]schema.DecoderOption, error) {
	spec := strings.TrimSpace(cfg.Plot.SchemaFile)
	if spec == "" {
		return opts, nil
	}
	sf, err := schema.LoadSchemaFile(spec)
	if err != nil {
		return nil, err
	}
	return append(opts, schema.WithSchemaFile(sf)), nil
}

// Extractor returns the Extractor for the configuration's [plot] fields:
// what the dashboard, `plot` and `consume --output` take from a record.
func Extractor(cfg config.Config) *extract.Extractor {
	ec := extract.Config{Series: cfg.Plot.Series, Values: cfg.Plot.Value, Time: cfg.Plot.Time}
	if ec.Series == config.SeriesKey {
		ec.Series = extract.KeySeries
	}
	if ec.Time == config.TimeRecord {
		ec.Time = extract.RecordTime
	}
	return extract.New(ec)
}
