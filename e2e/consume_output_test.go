package e2e

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestConsumeOutputEndToEnd checks consume --output csv and jsonl against
// the text output of the same records: one row per record of the sensor
// topic, each sensor's times and values in order and exactly as printed,
// the summary on stderr.
func TestConsumeOutputEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "5", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce exit %d: %s", code, errOut)
	}
	text, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "text"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume exit %d: %s", code, errOut)
	}
	// Each sensor's readings as the text prints them: "time value", the
	// time in UTC to the millisecond.
	want := map[string][]string{}
	record := regexp.MustCompile(`Event record (sensor\d): id: sensor\d\n\ttimestamp: ([^\n]+)\n\tvalue: ([^\n]+)\n`)
	for _, m := range record.FindAllStringSubmatch(text, -1) {
		at, err := time.ParseInLocation("2006-01-02 15:04:05.000", m[2], time.Local)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		want[m[1]] = append(want[m[1]], fmt.Sprintf("%s %v", at.UTC().Format("15:04:05.000"), v))
	}
	if len(want) != 8 {
		t.Fatalf("text output has %d sensors, want 8:\n%s", len(want), text)
	}
	// row adds a row's reading to got, checking its partition.
	row := func(t *testing.T, got map[string][]string, series, at, field string, partition int, value float64) {
		t.Helper()
		tm, err := time.Parse(time.RFC3339Nano, at)
		if err != nil || !strings.HasSuffix(at, "Z") || len(at) != len("2006-01-02T15:04:05.000Z") {
			t.Fatalf("time %q: want RFC 3339 in UTC with milliseconds (%v)", at, err)
		}
		if wantPartition := map[bool]int{true: 0, false: 1}[series < "sensor4"]; partition != wantPartition || field != "value" {
			t.Errorf("%s: field %q on partition %d, want value on %d", series, field, partition, wantPartition)
		}
		got[series] = append(got[series], fmt.Sprintf("%s %v", tm.Format("15:04:05.000"), value))
	}

	t.Run("csv", func(t *testing.T) {
		out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "csv", "--output", "csv"}, c.flags()...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(errOut, "consumed 40 records (0 errors, 0 without a value to plot), 40 rows") {
			t.Errorf("no summary on stderr:\n%s", errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%v in:\n%s", err, out)
		}
		if got := strings.Join(rows[0], ","); got != "time,partition,offset,series,field,value" {
			t.Fatalf("header %q", got)
		}
		got := map[string][]string{}
		for _, r := range rows[1:] {
			v, err := strconv.ParseFloat(r[5], 64)
			p, err2 := strconv.Atoi(r[1])
			if err != nil || err2 != nil {
				t.Fatalf("row %q", r)
			}
			row(t, got, r[3], r[0], r[4], p, v)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rows by sensor:\n%v\ntext by sensor:\n%v", got, want)
		}
	})
	t.Run("jsonl", func(t *testing.T) {
		out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "jsonl", "--output", "jsonl"}, c.flags()...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		got := map[string][]string{}
		sc := bufio.NewScanner(strings.NewReader(out))
		for sc.Scan() {
			var r struct {
				Time      string
				Partition int
				Offset    int64
				Series    string
				Field     string
				Value     float64
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			row(t, got, r.Series, r.Time, r.Field, r.Partition, r.Value)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("lines by sensor:\n%v\ntext by sensor:\n%v", got, want)
		}
	})
}
