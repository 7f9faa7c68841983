package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/simulate"
)

// python is Debian's interpreter, which sees python3-confluent-kafka.
const python = "/usr/bin/python3"

func needPythonKafka(t *testing.T) {
	t.Helper()
	needTool(t, python)
	if err := exec.Command(python, "-c", "import confluent_kafka.avro, avro, requests").Run(); err != nil {
		needTool(t, "python3-confluent-kafka (import failed)")
	}
}

// TestKcatReadsOurRecords checks keys, partitions and the Confluent header of
// what "produce" writes, as seen by kcat.
func TestKcatReadsOurRecords(t *testing.T) {
	endToEnd(t)
	kcat := needTool(t, "kcat")
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "5", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, kcat, "-C", "-b", c.broker, "-t", "temperature", "-e", "-q", "-o", "beginning",
		"-f", "%k %p %o %S\n%s").Output()
	if err != nil {
		t.Fatalf("kcat: %v", err)
	}
	r := bufio.NewReader(bytes.NewReader(out))
	count := 0
	for {
		head, err := r.ReadString('\n')
		if err != nil {
			break
		}
		var key string
		var partition, offset, size int
		if _, err := fmt.Sscanf(head, "%s %d %d %d", &key, &partition, &offset, &size); err != nil {
			t.Fatalf("kcat line %q: %v", head, err)
		}
		value := make([]byte, size)
		if _, err := r.Read(value); err != nil {
			t.Fatal(err)
		}
		count++
		wantPartition := 0
		if key >= "sensor4" {
			wantPartition = 1
		}
		if partition != wantPartition {
			t.Errorf("%s on partition %d, want %d", key, partition, wantPartition)
		}
		if size < 5 || value[0] != 0 || binary.BigEndian.Uint32(value[1:5]) == 0 {
			t.Errorf("%s at %d/%d: value % x does not start with the Confluent header", key, partition, offset, value[:min(5, len(value))])
		}
	}
	if count != 40 {
		t.Errorf("kcat read %d records, want 40", count)
	}
}

// TestPythonInterop runs the tutorial's library against our tools, both
// ways: it decodes what "produce" writes (ids, timestamps and the noise-free
// model's values), and "consume" decodes what it writes (every value and
// timestamp as written).
func TestPythonInterop(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	c := startCluster(t)
	before := time.Now().Add(-time.Second)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "3", "-d", "0", "--noise=false"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	after := time.Now().Add(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	registry := "http://" + c.registry
	out, err := exec.CommandContext(ctx, python, "../testdata/interop/avro_consumer.py", c.broker, registry, "temperature", "24").CombinedOutput()
	if err != nil {
		t.Fatalf("python consumer: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 24 {
		t.Fatalf("python decoded %d records, want 24:\n%s", len(lines), out)
	}
	steps := map[string]int{} // each sensor's records arrive in step order (one partition each)
	for _, line := range lines {
		var key, id, stamp string
		var partition, offset int
		var value float64
		if _, err := fmt.Sscan(line, &key, &partition, &offset, &id, &stamp, &value); err != nil {
			t.Fatalf("python consumer line %q: %v", line, err)
		}
		s, ok := tutorialSensor(id)
		if key != id || !ok {
			t.Errorf("python decoded %q: key %s, id %s", line, key, id)
			continue
		}
		step := steps[id]
		steps[id]++
		if want := s.Clean(float64(step)); math.Abs(value-want) > 1e-9 {
			t.Errorf("python decoded %s step %d value %v, want %v", id, step, value, want)
		}
		at, err := time.Parse("2006-01-02T15:04:05.999999-07:00", stamp)
		if err != nil || at.Before(before) || at.After(after) {
			t.Errorf("python decoded %s step %d timestamp %s (%v), want one between %s and %s", id, step, stamp, err, before, after)
		}
	}

	out, err = exec.CommandContext(ctx, python, "../testdata/interop/avro_producer.py", c.broker, registry, "temperature", "sensor", "2").CombinedOutput()
	if err != nil {
		t.Fatalf("python producer: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var key string
		var partition, offset int
		if _, err := fmt.Sscan(line, &key, &partition, &offset); err != nil {
			t.Fatalf("python producer line %q: %v", line, err)
		}
		if want := map[bool]int{true: 1, false: 0}[key >= "sensor4"]; partition != want {
			t.Errorf("python put %s on partition %d, want %d (same partitioner)", key, partition, want)
		}
	}
	got, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "py"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(got, "consumed 40 records (0 errors)") {
		t.Errorf("consume after python producer:\n%s\n%s", got, errOut)
	}
	// Per sensor: our three records, then python's two (value step + i/10
	// at 1_600_000_000_000 + step s).
	type reading struct{ stamp, value string }
	read := map[string][]reading{}
	record := regexp.MustCompile(`Event record (sensor\d): id: (sensor\d)\n\ttimestamp: ([^\n]+)\n\tvalue: ([^\n]+)\n`)
	for _, m := range record.FindAllStringSubmatch(got, -1) {
		if m[1] != m[2] {
			t.Errorf("consume: record keyed %s has id %s", m[1], m[2])
		}
		read[m[1]] = append(read[m[1]], reading{m[3], m[4]})
	}
	for i, s := range simulate.TutorialSensors() {
		r := read[s.ID]
		if len(r) != 5 {
			t.Errorf("consume: %d records of %s, want 5", len(r), s.ID)
			continue
		}
		for step, p := range r[3:] {
			wantStamp := time.UnixMilli(1_600_000_000_000 + int64(step)*1000).Format("2006-01-02 15:04:05.000")
			wantValue := float64(step) + float64(i)/10
			if v, err := strconv.ParseFloat(p.value, 64); err != nil || v != wantValue || p.stamp != wantStamp {
				t.Errorf("consume: python's %s step %d decoded as %+v, want value %v at %s", s.ID, step, p, wantValue, wantStamp)
			}
		}
	}
}

// tutorialSensor returns the tutorial's sensor named id.
func tutorialSensor(id string) (simulate.Sensor, bool) {
	for _, s := range simulate.TutorialSensors() {
		if s.ID == id {
			return s, true
		}
	}
	return simulate.Sensor{}, false
}
