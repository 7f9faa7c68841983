package chart

import (
	"slices"
	"testing"
)

// TestOffsetRuns: offsets received in any order are remembered as runs;
// one received again is not new, unless it is another event of the record
// received last in the same ingest call.
func TestOffsetRuns(t *testing.T) {
	type add struct {
		offset, batch int64
		want, first   bool
	}
	tests := []struct {
		name     string
		adds     []add
		wantRuns []offsetRun
	}{
		{
			name:     "in order",
			adds:     []add{{0, 1, true, true}, {1, 1, true, true}, {2, 2, true, true}},
			wantRuns: []offsetRun{{0, 2}},
		},
		{
			name:     "events of one record in one call, then again",
			adds:     []add{{5, 1, true, true}, {5, 1, true, false}, {5, 2, false, false}},
			wantRuns: []offsetRun{{5, 5}},
		},
		{
			name:     "pieces out of order join",
			adds:     []add{{10, 1, true, true}, {11, 1, true, true}, {0, 2, true, true}, {1, 2, true, true}, {5, 3, true, true}, {2, 4, true, true}, {3, 4, true, true}, {4, 4, true, true}, {6, 5, true, true}, {7, 5, true, true}, {8, 5, true, true}, {9, 5, true, true}},
			wantRuns: []offsetRun{{0, 11}},
		},
		{
			name:     "inside a run or at its ends is not new",
			adds:     []add{{3, 1, true, true}, {4, 1, true, true}, {5, 1, true, true}, {9, 1, true, true}, {4, 2, false, false}, {3, 2, false, false}, {5, 2, false, false}, {9, 2, false, false}, {8, 2, true, true}},
			wantRuns: []offsetRun{{3, 5}, {8, 9}},
		},
		{
			name:     "a run grows downwards",
			adds:     []add{{7, 1, true, true}, {6, 2, true, true}, {5, 3, true, true}, {6, 4, false, false}},
			wantRuns: []offsetRun{{5, 7}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOffsetRuns()
			for i, a := range tt.adds {
				if got, first := o.add(a.offset, a.batch); got != a.want || first != a.first {
					t.Errorf("add %d: offset %d in call %d = %v, first %v; want %v, %v", i, a.offset, a.batch, got, first, a.want, a.first)
				}
			}
			if !slices.Equal(o.runs, tt.wantRuns) {
				t.Errorf("runs = %v, want %v", o.runs, tt.wantRuns)
			}
		})
	}
}

// TestOffsetRunsBounded: past maxRuns the two closest runs are joined, the
// widest holes are kept.
func TestOffsetRunsBounded(t *testing.T) {
	o := newOffsetRuns()
	o.add(0, 1)
	o.add(1000, 1) // a wide hole: [1, 999] not received
	for i := int64(0); i < maxRuns; i++ {
		o.add(2000+2*i, 1) // narrow holes of one offset each
	}
	if len(o.runs) > maxRuns {
		t.Fatalf("%d runs, want at most %d", len(o.runs), maxRuns)
	}
	if ok, _ := o.add(500, 2); !ok {
		t.Error("an offset in the wide hole counted as received")
	}
}
