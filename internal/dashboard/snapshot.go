package dashboard

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/picture"
	"github.com/kafkaplot/kafkaplot/render"
	"github.com/kafkaplot/kafkaplot/ui"
)

// snapshotter returns the s key's work (ui.Options.Snapshot): the view of
// what the panes show, taken from the store at once, then drawn as PNG and
// SVG into dir ("" the working directory) as kafkaplot-<topic>-<time>.png
// and .svg.
func snapshotter(dir, topic, group string, loc *time.Location, now func() time.Time) func(ui.Snapshot) func() (string, error) {
	return func(s ui.Snapshot) func() (string, error) {
		v := picture.View(s.Store, picture.Options{
			Topic: topic, Group: group, Window: s.Window, Live: s.Live,
			From: s.From, To: s.To, Field: s.Field, Location: loc,
		})
		at := now()
		return func() (string, error) {
			base, err := freeBase(filepath.Join(dir, "kafkaplot-"+fileSafe(topic)+"-"+at.Format("20060102-150405")))
			if err != nil {
				return "", err
			}
			for _, ext := range []string{".png", ".svg"} {
				if err := render.WriteFile(base+ext, v, render.Options{}); err != nil {
					return "", err
				}
			}
			return "saved " + base + ".png and .svg", nil
		}
	}
}

// freeBase returns base, or base-2, base-3, ... the first for which
// neither a .png nor a .svg exists.
func freeBase(base string) (string, error) {
	for n := 1; n < 1000; n++ {
		b := base
		if n > 1 {
			b = fmt.Sprintf("%s-%d", base, n)
		}
		taken := false
		for _, ext := range []string{".png", ".svg"} {
			_, err := os.Stat(b + ext)
			switch {
			case err == nil:
				taken = true
			case !errors.Is(err, os.ErrNotExist):
				return "", fmt.Errorf("write picture %s: %w", b+ext, err)
			}
		}
		if !taken {
			return b, nil
		}
	}
	return "", fmt.Errorf("write picture %s: 999 pictures of that second exist already", base)
}

// fileSafe returns name with every character but letters, digits, '.',
// '_' and '-' replaced by '_', for a file name.
func fileSafe(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '_'
	}, name)
}
