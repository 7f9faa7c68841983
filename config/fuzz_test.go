package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns
// carries a line, and that accepted documents survive the derived getters.
func FuzzParse(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	broken, err := filepath.Glob(filepath.Join("testdata", "broken", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range append(paths, broken...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "fuzz.toml")
		if err != nil {
			for _, e := range leaves(err) {
				var ce *Error
				if !errors.As(e, &ce) {
					t.Fatalf("error %T %q is not a *config.Error", e, e)
				}
				if ce.Line < 1 || ce.File != "fuzz.toml" {
					t.Fatalf("error %q has no position", e)
				}
			}
			return
		}
		_ = c.Validate()
		_ = c.BrokerList()
		_ = c.RegistryURL()
		_ = c.Subject()
		_ = c.UsesTLS()
		_ = c.Redacted()
	})
}

// leaves flattens errors joined with errors.Join.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}
