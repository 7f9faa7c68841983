package schema

import (
	"bytes"
	"context"
	"errors"
	"math"
	"runtime"
	"testing"
	"time"
)

// fuzzProtoSource is the registry FuzzDecodeProtobuf decodes against: the
// sensor, a sensor with a Timestamp, the seed's User and a schema with a
// reference, nested messages, maps, oneofs and repeated fields.
func fuzzProtoSource() *protoSource {
	src := referencedSource()
	src.byID[1] = regSchema{typ: FormatProtobuf, text: SensorProto, subject: "temperature-value", version: 1}
	src.byID[2] = regSchema{typ: FormatProtobuf, text: `syntax = "proto3";
import "google/protobuf/timestamp.proto";
message sensor {
  google.protobuf.Timestamp timestamp = 1;
  string id = 2;
  float value = 3;
  repeated sint64 history = 4 [packed = true];
}
`, subject: "temperature-value", version: 2}
	src.byID[5] = regSchema{typ: FormatProtobuf, text: userProto, subject: "user-value", version: 1}
	return src
}

// fuzzProtoSeeds are valid Protobuf payloads for every fuzz schema and a few
// broken ones.
func fuzzProtoSeeds(t testing.TB) [][]byte {
	src := fuzzProtoSource()
	at := time.UnixMilli(1700000000123).UTC()
	sensor, _ := NewProtoSensorEncoder(1).AppendSensor(nil, Sensor{Timestamp: 1700000000123, ID: "sensor0", Value: 50})
	return [][]byte{
		sensor,
		protoFrame(t, src, 2, FirstMessage, map[string]any{"timestamp": at, "id": "sensor1", "value": float32(-1.5), "history": []any{int64(-1), int64(300)}}),
		protoFrame(t, src, 5, FirstMessage, map[string]any{"name": "Robert Zych", "favorite_color": "blue", "favorite_number": int64(42), "twitter_handle": "zychr"}),
		protoFrame(t, src, 4, FirstMessage, map[string]any{"at": at, "id": "r1", "location": map[string]any{"lat": 59.3}, "low": int32(-2), "tags": []any{"a"}}),
		protoFrame(t, src, 4, NewMessageIndexes(1), map[string]any{"id": "a", "severity": int32(-3), "calibration": map[string]any{"offset": 0.5}}),
		protoFrame(t, src, 4, NewMessageIndexes(0, 1), map[string]any{"offset": 2.0}),
		append(AppendHeader(nil, 4), 4, 0, 0, 0x42, 0x03, 0x0a, 0x01, 'k'), // a map entry field
		append(AppendHeader(nil, 1), 1, 1, 0),
		append(AppendHeader(nil, 1), 0, 0x0a, 0xff),
		AppendHeader(nil, 1),
	}
}

func FuzzMessageIndexes(f *testing.F) {
	for _, s := range fuzzProtoSeeds(f) {
		f.Add(s[headerLen:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, rest, err := ParseMessageIndexes(b)
		if err != nil {
			if !errors.Is(err, ErrBadMessageIndex) {
				t.Fatalf("error %v is not ErrBadMessageIndex", err)
			}
			return
		}
		if idx.Len() < 1 || idx.Len() > maxMessageIndexes || len(rest) > len(b) || !bytes.HasSuffix(b, rest) {
			t.Fatalf("parsed %v leaving %d of %d bytes", idx, len(rest), len(b))
		}
		enc := AppendMessageIndexes(nil, idx)
		again, left, err := ParseMessageIndexes(append(enc, rest...))
		if err != nil || again != idx || !bytes.Equal(left, rest) {
			t.Fatalf("round trip of %v: %v %x %v", idx, again, left, err)
		}
	})
}

// allocatedBy returns the bytes fn allocates.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func FuzzDecodeProtobuf(f *testing.F) {
	for _, s := range fuzzProtoSeeds(f) {
		f.Add(s)
	}
	d := newSensorDecoder(fuzzProtoSource())
	ctx := context.Background()
	for _, id := range []int{1, 2, 4, 5} { // compile outside the allocation bound
		if _, err := d.Writer(ctx, id); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		var s Sensor
		var rec Record
		var sensorErr, genericErr error
		decode := func() {
			_, sensorErr = decodeSensor(ctx, d, payload, &s)
			rec, genericErr = d.Decode(ctx, payload)
		}
		// TotalAlloc counts the whole process, the fuzzing engine's
		// goroutines too; decoding allocates the same each time, so the
		// least of a few runs is what it allocates.
		limit := uint64(64<<10 + 256*len(payload))
		used := allocatedBy(decode)
		for i := 0; i < 3 && used > limit; i++ {
			used = min(used, allocatedBy(decode))
		}
		if used > limit {
			t.Fatalf("decoding %d bytes allocated %d bytes (limit %d)", len(payload), used, limit)
		}
		if genericErr != nil {
			if sensorErr == nil {
				t.Fatalf("Decode failed (%v) but DecodePlotted succeeded with %+v", genericErr, s)
			}
			return
		}
		if sensorErr != nil {
			if !errors.Is(sensorErr, errNoReading) {
				t.Fatalf("Decode succeeded but DecodePlotted failed: %v", sensorErr)
			}
			return
		}
		var v float64
		switch x := rec.Fields["value"].(type) {
		case float64:
			v = x
		case float32:
			v = float64(x)
		}
		if rec.Fields["id"] != s.ID || math.Float64bits(v) != math.Float64bits(s.Value) {
			t.Fatalf("generic %v and sensor %+v disagree", rec.Fields, s)
		}
	})
}

// TestFuzzProtobufCorpus keeps testdata/fuzz in step with fuzzProtoSeeds;
// run with -update to rewrite it.
func TestFuzzProtobufCorpus(t *testing.T) {
	for target, cut := range map[string]int{"FuzzDecodeProtobuf": 0, "FuzzMessageIndexes": headerLen} {
		t.Run(target, func(t *testing.T) {
			var seeds [][]byte
			for _, s := range fuzzProtoSeeds(t) {
				seeds = append(seeds, s[cut:])
			}
			checkSeedCorpus(t, target, seeds)
		})
	}
}
