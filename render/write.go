package render

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is a picture's file format.
type Format int

// Formats.
const (
	PNG Format = iota + 1
	SVG
	PDF
)

// String returns the format's file extension without the dot.
func (f Format) String() string {
	switch f {
	case PNG:
		return "png"
	case SVG:
		return "svg"
	case PDF:
		return "pdf"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// FormatOf returns the format a file name's extension names (.png, .svg,
// .pdf, in any case).
func FormatOf(path string) (Format, error) {
	if path == "" {
		return 0, errors.New("no picture file named: name a .png, .svg or .pdf file")
	}
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range []Format{PNG, SVG, PDF} {
		if ext == "."+f.String() {
			return f, nil
		}
	}
	if ext == "" {
		return 0, fmt.Errorf("picture %s: no file extension: end the name with .png, .svg or .pdf", path)
	}
	return 0, fmt.Errorf("picture %s: format %s unknown: end the name with .png, .svg or .pdf", path, ext)
}

// Options size a picture.
type Options struct {
	// Width is the picture's width in pixels (PNG at 96 dots per inch;
	// SVG and PDF the same size in points × 4/3). Default 1600.
	Width int
	// Height is its height in pixels; default 120 plus 380 per row of
	// panes.
	Height int
}

// Limits of a picture's size, in pixels.
const (
	MinSize = 320
	MaxSize = 16000
)

// DefaultWidth is a picture's width when Options.Width is 0.
const DefaultWidth = 1600

// Check reports a size outside MinSize to MaxSize or too long and thin;
// zeros (the defaults) pass.
func (o Options) Check() error {
	for _, d := range []struct {
		name string
		px   int
	}{{"width", o.Width}, {"height", o.Height}} {
		if d.px != 0 && (d.px < MinSize || d.px > MaxSize) {
			return fmt.Errorf("picture %s %d px: must be %d to %d", d.name, d.px, MinSize, MaxSize)
		}
	}
	return nil
}

// size returns the picture's size in points for v.
func (o Options) size(v *View) (w, h vg.Length, err error) {
	if err := o.Check(); err != nil {
		return 0, 0, err
	}
	pw, ph := o.Width, o.Height
	if pw == 0 {
		pw = DefaultWidth
	}
	if ph == 0 {
		_, rows := grid(len(v.Panes))
		ph = min(120+380*rows, MaxSize)
	}
	if max(ph, pw)/min(ph, pw) > 20 {
		return 0, 0, fmt.Errorf("picture size %d×%d px: one side is more than 20 times the other", pw, ph)
	}
	return vg.Length(pw) * 0.75, vg.Length(ph) * 0.75, nil
}

// check reports what in v cannot be drawn.
func (v *View) check() error {
	if len(v.Panes) == 0 {
		return errors.New("view has no panes: nothing to draw")
	}
	for _, p := range v.Panes {
		if !p.To.After(p.From) {
			return fmt.Errorf("pane %q: range %s to %s: the end must be after the start", p.Title, p.From.Format("15:04:05.000"), p.To.Format("15:04:05.000"))
		}
		for _, s := range p.Series {
			if s.Color == nil {
				return fmt.Errorf("pane %q, series %q: no colour", p.Title, s.Name)
			}
		}
	}
	return nil
}

// Write draws v and writes it to w in format f. A panic of the drawing
// library (its PDF canvas panics when it cannot embed a font) is returned
// as an error.
func Write(w io.Writer, v View, f Format, o Options) (err error) {
	if err := v.check(); err != nil {
		return fmt.Errorf("draw picture: %w", err)
	}
	width, height, err := o.size(&v)
	if err != nil {
		return fmt.Errorf("draw picture: %w", err)
	}
	var c vg.CanvasWriterTo
	switch f {
	case PNG:
		c = pngCanvas{vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(96))}
	case SVG:
		c = svgCanvas{vgsvg.New(width, height)}
	case PDF:
		pdf := vgpdf.New(width, height)
		pdf.EmbedFonts(true)
		c = pdf
	default:
		return fmt.Errorf("draw picture: %v: use PNG, SVG or PDF", f)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("draw %s picture: %v", f, r)
		}
	}()
	drawView(draw.New(c), &v)
	if _, err := c.WriteTo(w); err != nil {
		return fmt.Errorf("write %s picture: %w", f, err)
	}
	return nil
}

// WriteFile draws v into the file at path, in the format its extension
// names. The file appears whole or not at all: it is written beside path
// under a temporary name and renamed.
func WriteFile(path string, v View, o Options) error {
	f, err := FormatOf(path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if pe := (*os.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the temporary name would only confuse
	}
	if err != nil {
		return fmt.Errorf("write picture %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := Write(tmp, v, f, o); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write picture %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write picture %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write picture %s: %w", path, err)
	}
	return nil
}

// pngCanvas writes its image as PNG compressed for speed: the default
// compression takes most of a picture's time and saves little on flat
// colours and thin lines.
type pngCanvas struct{ *vgimg.Canvas }

// WriteTo implements io.WriterTo.
func (c pngCanvas) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(cw, c.Image())
	return cw.n, err
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// svgCanvas writes its SVG naming fonts metric-compatible with Liberation
// Sans after it (Arial, Helvetica), so that a viewer without it sets the
// text in the widths it was laid out for; embedding the font would add
// over half a megabyte to every picture.
type svgCanvas struct{ *vgsvg.Canvas }

// WriteTo implements io.WriterTo.
func (c svgCanvas) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	if _, err := c.Canvas.WriteTo(&b); err != nil {
		return 0, err
	}
	out := bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
	n, err := w.Write(out)
	return int64(n), err
}
