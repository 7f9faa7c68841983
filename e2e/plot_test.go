package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// seedBlock writes the time-travel scenario with franz-go: 8 sensors
// reading 20 once a second from 130 to 50 minutes ago, except from 95 to
// 90 minutes ago, when every sensor reads 1,000.
func seedBlock(t *testing.T, c cluster) {
	t.Helper()
	now := time.Now().Truncate(time.Second)
	writeBlock(t, c, now.Add(-130*time.Minute), 35*60, 20)
	writeBlock(t, c, now.Add(-95*time.Minute), 5*60, 1000)
	writeBlock(t, c, now.Add(-90*time.Minute), 40*60, 20)
}

// svgTexts returns the texts of an SVG document, in order.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("parse svg: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
	}
}

// TestPlotEndToEnd draws a range 125 to 55 minutes ago: every sensor is in
// the picture's legend with its maximum, the block of 1,000; a range or a
// partition with no records is an error. (franz-go's partitioner puts
// every sensor's key on partition 0 of 2.)
func TestPlotEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	seedBlock(t, c)
	dir := t.TempDir()

	svgPath := filepath.Join(dir, "x.svg")
	out, errOut, code := kafkaplot(t, append([]string{"plot", "--from", "-125m", "--to", "-55m", "-o", svgPath}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("plot exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "wrote "+svgPath+": 2 partitions, 8 series, 33600 values of 33600 records") {
		t.Errorf("stdout %q", out)
	}
	svg, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	texts := svgTexts(t, svg)
	if len(texts) == 0 || !strings.HasPrefix(texts[0], "temperature") {
		t.Fatalf("svg title %q", texts)
	}
	// The legend: a series' name, then last, min and max.
	for i := range 8 {
		name := fmt.Sprintf("sensor%d", i)
		k := -1
		for j, s := range texts {
			if s == name {
				k = j
			}
		}
		if k < 0 || k+3 >= len(texts) || texts[k+2] != "20" || texts[k+3] != "1000" {
			t.Errorf("%s: not in the legend with min 20, max 1000: %q", name, texts)
		}
	}

	pngPath := filepath.Join(dir, "x.png")
	if _, errOut, code := kafkaplot(t, append([]string{"plot", "--from", "-125m", "--to", "-55m", "-o", pngPath, "--partitions", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("plot png exit %d: %s", code, errOut)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 1600 || cfg.Height != 500 {
		t.Errorf("png %d×%d (%v), want 1600×500 (one pane)", cfg.Width, cfg.Height, err)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"an empty range", []string{"--from", "-20m", "--to", "-10m", "-o", filepath.Join(dir, "empty.png")}, 1, "temperature has no records from"},
		{"no such partition", []string{"--from", "-2h", "--partitions", "0,7", "-o", filepath.Join(dir, "p.png")}, 1, "partition 7: temperature has partitions 0 to 1"},
		{"a partition without records", []string{"--from", "-2h", "--partitions", "1", "-o", filepath.Join(dir, "p1.png")}, 1, "partition 1 of temperature has no records from"},
		{"no start", []string{"-o", filepath.Join(dir, "p.png")}, 2, "--from: parse time: empty; want RFC 3339"},
		{"an unknown format", []string{"--from", "-2h", "-o", filepath.Join(dir, "p.gif")}, 2, "format .gif unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := kafkaplot(t, append(append([]string{"plot"}, tc.args...), c.flags()...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "empty.png")); !os.IsNotExist(err) {
		t.Errorf("an empty range left a picture (%v)", err)
	}

	// The same records as CSV: consume --from -95m --to -85m gives the
	// 4,800 records of those ten minutes, a row each with its value.
	t.Run("consume csv", func(t *testing.T) {
		out, errOut, code := kafkaplot(t, append([]string{"consume", "--from", "-95m", "--to", "-85m", "--output", "csv"}, c.flags()...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4801 || rows[0][5] != "value" {
			t.Fatalf("%d rows, header %q; want 4800 and a value column", len(rows)-1, rows[0])
		}
		values := map[string]int{}
		for _, r := range rows[1:] {
			values[r[5]]++
		}
		// The block began 95 minutes before the seeding, a little before
		// consume's -95m.
		if values["1000"] < 1600 || values["1000"]+values["20"] != 4800 {
			t.Errorf("values %v, want 1000 and 20 only, most of the first five minutes 1000", values)
		}
	})
}
