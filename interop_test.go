package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
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
// ways: it decodes what "produce" writes, and "consume" decodes what it writes.
func TestPythonInterop(t *testing.T) {
	needPythonKafka(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "3", "-d", "0", "--noise=false"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	registry := "http://" + c.registry
	out, err := exec.CommandContext(ctx, python, "testdata/interop/avro_consumer.py", c.broker, registry, "temperature", "24").CombinedOutput()
	if err != nil {
		t.Fatalf("python consumer: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 24 {
		t.Fatalf("python decoded %d records, want 24:\n%s", len(lines), out)
	}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 6 || f[0] != f[3] {
			t.Errorf("python decoded %q: key and id differ", line)
		}
	}

	out, err = exec.CommandContext(ctx, python, "testdata/interop/avro_producer.py", c.broker, registry, "temperature", "sensor", "2").CombinedOutput()
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
	if !strings.Contains(got, "\tvalue: 1.7\n") || !strings.Contains(got, "\ttimestamp: "+time.UnixMilli(1_600_000_001_000).Format("2006-01-02 15:04:05.000")) {
		t.Errorf("python's records not decoded as written:\n%s", got)
	}
}
