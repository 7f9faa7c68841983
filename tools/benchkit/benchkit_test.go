package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestBenchScriptParses keeps scripts/bench.sh, which CI does not run,
// syntactically valid.
func TestBenchScriptParses(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	if out, err := exec.Command(bash, "-n", "../../scripts/bench.sh").CombinedOutput(); err != nil {
		t.Fatalf("bash -n scripts/bench.sh: %v\n%s", err, out)
	}
}

func TestReport(t *testing.T) {
	s := func(sec float64, committed, high, rss int64) sample {
		return sample{at: time.Duration(sec * float64(time.Second)), committed: committed, high: high, rssKB: rss}
	}
	tests := []struct {
		name    string
		samples []sample
		want    []string
	}{
		{
			name: "drains a backlog, idle before and after",
			samples: []sample{
				s(0, 0, 1000, 10), // no commit yet: skipped
				s(1, 100, 1000, 20),
				s(2, 100, 1000, 30),
				s(3, 600, 1000, 40),
				s(4, 1000, 1000, 35),
				s(5, 1000, 1000, 30),
			},
			want: []string{
				"x_rate=450", // 900 in the 2 s from the last idle sample to the first caught-up one
				"x_committed=1000", "x_lag_first=900", "x_lag_last=0", "x_lag_max=900",
				"x_rss_half_kb=40", "x_rss_end_kb=30", "x_rss_max_kb=40",
			},
		},
		{
			name: "live, no memory sampled",
			samples: []sample{
				s(0, 5000, 5100, 0),
				s(2, 5400, 5500, 0),
				s(4, 5780, 5900, 0),
			},
			want: []string{"x_rate=195", "x_committed=5780", "x_lag_first=100", "x_lag_last=120", "x_lag_max=120"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := report(&out, "x", tt.samples); err != nil {
				t.Fatal(err)
			}
			got := strings.Fields(out.String())
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("report:\ngot  %v\nwant %v", got, tt.want)
			}
		})
	}
}
