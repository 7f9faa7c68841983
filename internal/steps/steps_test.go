package steps

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
)

// fakeEncoder writes a sensor's value as one byte and refuses the id bad.
type fakeEncoder struct{}

func (fakeEncoder) AppendSensor(dst []byte, s schema.Sensor) ([]byte, error) {
	if s.ID == "bad" {
		return dst, errors.New("refused")
	}
	return append(dst, byte(s.Value)), nil
}

// TestBatchAdd checks that steps accumulate with their keys and values in
// order, and that a step that fails to encode leaves the batch as it was.
func TestBatchAdd(t *testing.T) {
	at := time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)
	step := func(n int, ids ...string) []simulate.Event {
		var evs []simulate.Event
		for i, id := range ids {
			evs = append(evs, simulate.Event{Step: n, ID: id, Value: float64(10*n + i), Timestamp: at})
		}
		return evs
	}
	var b Batch
	for _, tt := range []struct {
		name      string
		events    []simulate.Event
		wantErr   string
		wantSteps []int
		wantIDs   []string
	}{
		{name: "first step", events: step(0, "a", "b"), wantSteps: []int{0, 0}, wantIDs: []string{"a", "b"}},
		{name: "second step", events: step(1, "a", "b"), wantSteps: []int{0, 0, 1, 1}, wantIDs: []string{"a", "b", "a", "b"}},
		{name: "a step that fails half-way", events: step(2, "a", "bad"), wantErr: "encode bad at step 2: refused",
			wantSteps: []int{0, 0, 1, 1}, wantIDs: []string{"a", "b", "a", "b"}},
		{name: "after the failure", events: step(3, "c"), wantSteps: []int{0, 0, 1, 1, 3}, wantIDs: []string{"a", "b", "a", "b", "c"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := b.Add(fakeEncoder{}, tt.events)
			if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
				t.Fatalf("Add = %v, want error %q", err, tt.wantErr)
			}
			if !slices.Equal(b.Steps, tt.wantSteps) || !slices.Equal(b.IDs, tt.wantIDs) || b.Len() != len(tt.wantSteps) {
				t.Fatalf("steps %v ids %v len %d; want %v %v", b.Steps, b.IDs, b.Len(), tt.wantSteps, tt.wantIDs)
			}
			if len(b.msgs) != b.Len() || len(b.bounds) != 2*b.Len() {
				t.Fatalf("%d messages and %d bounds for %d events", len(b.msgs), len(b.bounds), b.Len())
			}
		})
	}
	// The buffer holds key then value of each event, back to back.
	want := []byte{'a', 0, 'b', 1, 'a', 10, 'b', 11, 'c', 30}
	if !slices.Equal(b.buf, want) {
		t.Errorf("buffer %q, want %q", b.buf, want)
	}
	b.Reset()
	if b.Len() != 0 || len(b.buf) != 0 || len(b.msgs) != 0 || b.Err != nil {
		t.Errorf("after Reset: %d events, %d bytes, %d messages, err %v", b.Len(), len(b.buf), len(b.msgs), b.Err)
	}
}
