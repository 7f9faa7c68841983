package ui

import (
	"io"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// testStart returns the fixed start of test data: just before midnight.
func testStart() time.Time { return time.Date(2024, 5, 17, 23, 58, 0, 0, time.UTC) }

// asciiStyles returns the default styles on a renderer pinned to the Ascii
// profile, so frames contain no escape sequences and no global state changes.
func asciiStyles() *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	s := NewStyles(r)
	return &s
}

// colorStyles returns the default styles on a TrueColor renderer.
func colorStyles() *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	s := NewStyles(r)
	return &s
}

// plainInks returns inks that write no escape sequences.
func plainInks() []chart.Ink { return asciiStyles().compile() }
