package ui

import (
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// TestCoreFilesDoNotImportBubbletea keeps counting, rates, ring buffers,
// decimation, charts and layout free of bubbletea, so they stay testable and
// benchmarkable alone.
func TestCoreFilesDoNotImportBubbletea(t *testing.T) {
	for _, f := range []string{
		"series.go", "rate.go", "downsample.go", "store.go", "natural.go",
		"raster.go", "chart.go", "ticks.go", "layout.go", "ink.go",
	} {
		t.Run(f, func(t *testing.T) {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			for _, imp := range file.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if path == "github.com/charmbracelet/bubbletea" {
					t.Errorf("%s imports bubbletea", f)
				}
			}
		})
	}
}
