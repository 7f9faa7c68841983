package dashboard

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// seedUserProto is seed 004's User with a repeated and a map field added.
const seedUserProto = `syntax = "proto3";
message User {
  string name = 1;
  string favorite_color = 2;
  int64 favorite_number = 3;
  string twitter_handle = 4;
  repeated double scores = 5;
  map<string, int32> visits = 6;
}
`

// TestBridgeProtobufUsers plots the seed's Protobuf Users: favorite_number
// by name (no key), at the record time; the repeated and map fields are
// named once in the status line, however many records carry them.
func TestBridgeProtobufUsers(t *testing.T) {
	c := testRegistry(t)
	ctx := context.Background()
	id, err := c.RegisterType(ctx, "mytopic_protobuf-value", schema.FormatProtobuf, seedUserProto)
	if err != nil {
		t.Fatal(err)
	}
	ex := connect.Extractor(config.Default())
	dec := schema.NewDecoder(c, schema.WithSelection(ex.Selection))
	start := time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)
	var records []stream.Record
	for i, name := range []string{"Robert Zych", "Ada", "Robert Zych"} {
		b := schema.AppendMessageIndexes(schema.AppendHeader(nil, id), schema.FirstMessage)
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, name)
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(40+i))
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		b = protowire.AppendBytes(b, protowire.AppendFixed64(nil, math.Float64bits(1)))
		r := decodeLikeConsumer(dec, 0, int64(i), "", b, start.Add(time.Duration(i)*time.Second))
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		records = append(records, r)
	}
	var sent collect
	br := NewBridge(sent.send, ex, dec.Writer)
	if err := br.Records(ctx, records); err != nil {
		t.Fatal(err)
	}
	br.Flush()
	var plot *ui.PlotMsg
	var status string
	var got []string
	for _, msg := range sent.msgs {
		switch m := msg.(type) {
		case ui.PlotMsg:
			plot = &m
		case ui.StatusMsg:
			status = m.Text
		case ui.EventsMsg:
			for _, e := range m.Events {
				got = append(got, e.Series+"."+e.Field+"="+strconv.FormatFloat(e.Value, 'g', -1, 64))
			}
		}
	}
	want := []string{"Robert Zych.favorite_number=40", "Ada.favorite_number=41", "Robert Zych.favorite_number=42"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("events %v, want %v", got, want)
	}
	if plot == nil || plot.SeriesBy != "name" || plot.TimeBy != "record time" || len(plot.Schemas) != 1 || plot.Schemas[0].Label != "mytopic_protobuf-value v1 (PROTOBUF) #1" {
		t.Errorf("plot = %+v", plot)
	}
	if want := "not plotted (repeated or map): scores, visits"; status != want {
		t.Errorf("status %q, want %q", status, want)
	}
}
