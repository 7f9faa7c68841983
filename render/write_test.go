package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
)

// svgSummary lists an SVG's structure: every text in document order, and
// how many paths are stroked in each colour.
func svgSummary(t *testing.T, svg []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	strokes := map[string]int{}
	var order []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("parse svg: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "text":
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatal(err)
			}
			out = append(out, "text "+s)
		case "path":
			for _, a := range se.Attr {
				if a.Name.Local != "style" {
					continue
				}
				for _, decl := range strings.Split(a.Value, ";") {
					if c, ok := strings.CutPrefix(decl, "stroke:"); ok {
						if strokes[c] == 0 {
							order = append(order, c)
						}
						strokes[c]++
					}
				}
			}
		}
	}
	for _, c := range order {
		out = append(out, fmt.Sprintf("stroke %s: %d paths", c, strokes[c]))
	}
	return strings.Join(out, "\n") + "\n"
}

// smallView is two panes of three sensors over 30 minutes: 20 minutes
// folded into minute buckets, then points every 10 s; one series' name
// needs escaping in SVG.
func smallView() View {
	v := sensorView(2, 3, 10*time.Second, time.Minute)
	for i := range v.Panes {
		p := &v.Panes[i]
		p.From = p.To.Add(-100 * time.Minute)
		p.Series[2].Name = `sensor "3" <&>`
	}
	v.Panes[1].Note = "read 1 minute in 12"
	return v
}

func TestSVGStructure(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, smallView(), SVG, Options{}); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, []byte(svgSummary(t, b.Bytes())))
}

func TestSVGFontFallback(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, smallView(), SVG, Options{}); err != nil {
		t.Fatal(err)
	}
	svg := b.String()
	if strings.Contains(svg, "font-family:Liberation Sans;") || !strings.Contains(svg, "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;") {
		t.Errorf("the svg's text does not fall back to Arial and Helvetica: %.300s", svg[strings.Index(svg, "<text"):])
	}
}

func TestSVGEmptyPane(t *testing.T) {
	v := View{Topic: "t", Location: time.UTC, Panes: []Pane{{Title: "partition 3", From: epoch.Add(-time.Minute), To: epoch,
		Series: []Series{{Name: "a", Color: palette[0], Points: []Point{{T: epoch.Add(-time.Hour), V: 1}}}}}}}
	var b bytes.Buffer
	if err := Write(&b, v, SVG, Options{}); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, []byte(svgSummary(t, b.Bytes())))
}

// near reports whether c is within 24 of want in every channel.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return int(x>>8)-int(y) <= 24 && int(y)-int(x>>8) <= 24 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestPNGKeepsANeedle(t *testing.T) {
	// A flat line of 10 over an hour, folded into 1 s buckets, one of
	// which saw 5,000 for a moment: far narrower than a pixel.
	from := epoch.Add(-time.Hour)
	s := Series{Name: "sensor1", Color: palette[0]}
	for u := from; u.Before(epoch); u = u.Add(time.Second) {
		b := Bucket{From: u, To: u.Add(time.Second), First: 10, Last: 10, Min: 10, Max: 10}
		if u.Equal(from.Add(1234 * time.Second)) {
			b.Max = 5000
		}
		s.Buckets = append(s.Buckets, b)
	}
	v := View{Topic: "t", Location: time.UTC, Panes: []Pane{{Title: "partition 0", From: from, To: epoch, Series: []Series{s}}}}
	var b bytes.Buffer
	if err := Write(&b, v, PNG, Options{Width: 900, Height: 500}); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got != (image.Point{900, 500}) {
		t.Fatalf("size %v, want 900×500", got)
	}
	// The needle is the only line in the chart's upper half (the legend
	// is to the right of x = 600).
	inUpper := 0
	for y := 100; y < 250; y++ {
		for x := 0; x < 600; x++ {
			if near(img.At(x, y), palette[0]) {
				inUpper++
			}
		}
	}
	if inUpper < 100 {
		t.Errorf("%d pixels of the line's colour in the upper half; want the needle (≥ 100)", inUpper)
	}
}

func TestWriteFormats(t *testing.T) {
	v := smallView()
	for _, tc := range []struct {
		f     Format
		magic string
	}{
		{PNG, "\x89PNG\r\n"},
		{SVG, "<?xml"},
		{PDF, "%PDF-"},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, v, tc.f, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b.Bytes(), []byte(tc.magic)) {
				t.Errorf("starts %q, want %q", b.Bytes()[:min(b.Len(), 8)], tc.magic)
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kafkaplot-temperature.PNG")
	if err := WriteFile(path, smallView(), Options{Width: 800}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 800 || cfg.Height != 880 {
		t.Errorf("size %d×%d, want 800×880", cfg.Width, cfg.Height)
	}
	if st, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want the picture only", len(entries))
	}
}

func TestWriteErrors(t *testing.T) {
	good := smallView()
	noColour := smallView()
	noColour.Panes[0].Series[1].Color = nil
	backwards := smallView()
	backwards.Panes[1].To = backwards.Panes[1].From
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		v    View
		o    Options
		want string
	}{
		{"unknown extension", "x.gif", good, Options{}, "picture x.gif: format .gif unknown: end the name with .png, .svg or .pdf"},
		{"no extension", "x", good, Options{}, "picture x: no file extension: end the name with .png, .svg or .pdf"},
		{"no panes", "x.svg", View{Topic: "t"}, Options{}, "draw picture: view has no panes: nothing to draw"},
		{"no colour", "x.svg", noColour, Options{}, `draw picture: pane "partition 0", series "sensor2": no colour`},
		{"empty range", "x.svg", backwards, Options{}, `draw picture: pane "partition 1": range 04:00:00.000 to 04:00:00.000: the end must be after the start`},
		{"too narrow", "x.svg", good, Options{Width: 100}, "draw picture: picture width 100 px: must be 320 to 16000"},
		{"too high", "x.png", good, Options{Height: 20000}, "draw picture: picture height 20000 px: must be 320 to 16000"},
		{"a sliver", "x.png", good, Options{Width: 16000, Height: 400}, "draw picture: picture size 16000×400 px: one side is more than 20 times the other"},
		{"no such directory", filepath.Join(dir, "missing", "x.png"), good, Options{}, "write picture missing/x.png: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if !filepath.IsAbs(path) {
				path = filepath.Join(dir, path)
			}
			err := WriteFile(path, tc.v, tc.o)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want %q", msg, tc.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files left behind", len(entries))
	}
}

// brokenColor panics when asked for its value, as a library might.
type brokenColor struct{}

func (brokenColor) RGBA() (r, g, b, a uint32) { panic("no such colour") }

func TestWriteRecoversAPanic(t *testing.T) {
	v := smallView()
	v.Panes[0].Series[0].Color = brokenColor{}
	err := Write(io.Discard, v, SVG, Options{})
	if err == nil || err.Error() != "draw svg picture: no such colour" {
		t.Errorf("error %v, want the panic as an error", err)
	}
}
