package e2e

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/simulate"
)

var deliveryLine = regexp.MustCompile(`^Sensor Event (sensor\d) successfully produced to temperature \[(\d)\] at offset (\d+)$`)

func TestProduceConsumeEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	out, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "5", "-d", "0"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("produce exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var deliveries int
	for _, line := range lines {
		m := deliveryLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		deliveries++
		sensor := m[1][len("sensor"):]
		wantPartition := "0"
		if sensor >= "4" {
			wantPartition = "1"
		}
		if m[2] != wantPartition {
			t.Errorf("%s on [%s], want [%s]", m[1], m[2], wantPartition)
		}
	}
	if deliveries != 40 {
		t.Errorf("got %d delivery lines, want 40:\n%s", deliveries, out)
	}
	if last := lines[len(lines)-1]; last != "To continue execution start from event 5" {
		t.Errorf("last line %q", last)
	}
	// The tutorial's producer says when it flushes, after its loop.
	if i := slices.Index(lines, "Flushing records..."); i < 2 || i >= len(lines)-1 || strings.Count(out, "Flushing records...") != 1 {
		t.Errorf("want one \"Flushing records...\" line between the deliveries and the last line:\n%s", out)
	}

	out, errOut, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "e2e"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "Event record sensor"); n != 40 {
		t.Errorf("consume printed %d records, want 40:\n%s", n, out)
	}
	// Values print as the tutorial's Python prints a double.
	for _, m := range recordText.FindAllStringSubmatch(out, -1) {
		if !strings.ContainsAny(m[3], ".e") {
			t.Errorf("value %q of %s is not printed as Python prints a double", m[3], m[1])
		}
	}
	if !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Errorf("no summary line in:\n%s", out)
	}

	out, _, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "e2e", "--quiet"}, c.flags()...)...)
	if code != 0 || !strings.Contains(out, "consumed 0 records (0 errors)") {
		t.Errorf("same group again: exit %d, %q; want 0 records", code, out)
	}
	out, _, code = kafkaplot(t, append([]string{"consume", "--until-end", "--group", "other", "--quiet"}, c.flags()...)...)
	if code != 0 || !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Errorf("new group: exit %d, %q; want 40 records", code, out)
	}
}

// TestProduceContinuesSeries checks that -t resumes the model where a run
// stopped: with noise off, the values are exactly the model's at steps 5–9.
func TestProduceContinuesSeries(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	for _, args := range [][]string{{"-e", "5"}, {"-t", "5", "-e", "5"}} {
		out, errOut, code := kafkaplot(t, append(append([]string{"produce", "-d", "0", "--noise=false"}, args...), c.flags()...)...)
		if code != 0 {
			t.Fatalf("produce %v: exit %d: %s", args, code, errOut)
		}
		if want := fmt.Sprintf("To continue execution start from event %s", map[bool]string{true: "5", false: "10"}[len(args) == 2]); !strings.Contains(out, want) {
			t.Fatalf("produce %v: no %q in:\n%s", args, want, out)
		}
	}
	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "series"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	values := map[string][]float64{}
	record := regexp.MustCompile(`Event record (sensor\d): id: sensor\d\n\ttimestamp: [^\n]+\n\tvalue: ([^\n]+)\n`)
	for _, m := range record.FindAllStringSubmatch(out, -1) {
		var v float64
		if _, err := fmt.Sscan(m[2], &v); err != nil {
			t.Fatal(err)
		}
		values[m[1]] = append(values[m[1]], v)
	}
	for _, s := range simulate.TutorialSensors() {
		got := values[s.ID]
		if len(got) != 10 {
			t.Fatalf("%s: %d values, want 10", s.ID, len(got))
		}
		for step, v := range got {
			if want := s.Clean(float64(step)); math.Abs(v-want) > 1e-9 {
				t.Errorf("%s step %d: %v, want %v", s.ID, step, v, want)
			}
		}
	}
}
