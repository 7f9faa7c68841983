package connect

import (
	"testing"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/extract"
)

// TestExtractor checks that the configuration's @key and @time reach
// the extractor as its key series and record time.
func TestExtractor(t *testing.T) {
	ex := Extractor(config.Config{Plot: config.Plot{Series: config.SeriesKey, Time: config.TimeRecord}})
	if got := ex.Config(); got.Series != extract.KeySeries || got.Time != extract.RecordTime {
		t.Errorf("extractor config = %+v", got)
	}
}
