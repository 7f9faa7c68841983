package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// Styles holds every style the dashboard uses. Except Overlay, styles must be
// inline (colours and attributes only, no padding, margins or borders): they
// are compiled once into escape-sequence pairs so that a frame does not call
// lipgloss for every cell.
type Styles struct {
	Title  lipgloss.Style // topic and partition names, the program name
	Muted  lipgloss.Style // labels and separators
	Value  lipgloss.Style // numbers in the header and titles
	Good   lipgloss.Style // "connected", generator on
	Warn   lipgloss.Style // reconnecting, "owned by", non-finite counts
	Bad    lipgloss.Style // errors
	Paused lipgloss.Style // the PAUSED badge

	Border      lipgloss.Style // pane border
	FocusBorder lipgloss.Style // border of the focused pane
	DimBorder   lipgloss.Style // border of a pane this instance does not own

	Axis      lipgloss.Style // chart axes
	AxisLabel lipgloss.Style // chart tick labels
	Dim       lipgloss.Style // everything inside a pane this instance does not own

	// Series are the line colours, reused in order; Markers mark in the legend
	// which round of reuse a series belongs to (and rounds after the first are
	// drawn dotted).
	Series  []lipgloss.Style
	Markers []string

	HelpKey  lipgloss.Style // key names in the help
	HelpDesc lipgloss.Style // key descriptions in the help
	HelpSep  lipgloss.Style // separators in the help
	Overlay  lipgloss.Style // the box around the full help
}

// DefaultStyles returns the default styles for the default lipgloss renderer.
func DefaultStyles() Styles {
	return NewStyles(lipgloss.DefaultRenderer())
}

// NewStyles returns the default styles bound to renderer r, whose colour
// profile decides which escape sequences are produced (tests pin
// termenv.Ascii this way without touching global state).
func NewStyles(r *lipgloss.Renderer) Styles {
	c := func(s string) lipgloss.Color { return lipgloss.Color(s) }
	s := Styles{
		Title:       r.NewStyle().Bold(true),
		Muted:       r.NewStyle().Foreground(c("245")),
		Value:       r.NewStyle().Bold(true),
		Good:        r.NewStyle().Foreground(c("#81C784")),
		Warn:        r.NewStyle().Foreground(c("#FFB74D")),
		Bad:         r.NewStyle().Foreground(c("#EF5350")).Bold(true),
		Paused:      r.NewStyle().Foreground(c("#000000")).Background(c("#FFB74D")).Bold(true),
		Border:      r.NewStyle().Foreground(c("#5F6A8A")),
		FocusBorder: r.NewStyle().Foreground(c("#FFD54F")).Bold(true),
		DimBorder:   r.NewStyle().Foreground(c("239")),
		Axis:        r.NewStyle().Foreground(c("242")),
		AxisLabel:   r.NewStyle().Foreground(c("246")),
		Dim:         r.NewStyle().Foreground(c("240")),
		Markers:     []string{"●", "◆", "▲", "■"},
		HelpKey:     r.NewStyle().Foreground(c("250")).Bold(true),
		HelpDesc:    r.NewStyle().Foreground(c("244")),
		HelpSep:     r.NewStyle().Foreground(c("238")),
		Overlay: r.NewStyle().Border(lipgloss.RoundedBorder()).
			BorderForeground(c("#FFD54F")).Padding(1, 2),
	}
	for _, hex := range chart.SeriesColors() {
		s.Series = append(s.Series, r.NewStyle().Foreground(c(hex)))
	}
	return s
}

// Ink identifiers. Series colours follow inkSeries.
const (
	inkPlain chart.InkID = iota
	inkAxis
	inkAxisLabel
	inkDim
	inkTitle
	inkMuted
	inkValue
	inkGood
	inkWarn
	inkBad
	inkPaused
	inkBorder
	inkFocusBorder
	inkDimBorder
	inkSeries
)

// compile turns the inline styles into inks indexed by inkID.
func (s Styles) compile() []chart.Ink {
	inks := make([]chart.Ink, int(inkSeries)+max(len(s.Series), 1))
	set := func(id chart.InkID, st lipgloss.Style) { inks[id] = inkOf(st) }
	set(inkAxis, s.Axis)
	set(inkAxisLabel, s.AxisLabel)
	set(inkDim, s.Dim)
	set(inkTitle, s.Title)
	set(inkMuted, s.Muted)
	set(inkValue, s.Value)
	set(inkGood, s.Good)
	set(inkWarn, s.Warn)
	set(inkBad, s.Bad)
	set(inkPaused, s.Paused)
	set(inkBorder, s.Border)
	set(inkFocusBorder, s.FocusBorder)
	set(inkDimBorder, s.DimBorder)
	for i, st := range s.Series {
		set(inkSeries+chart.InkID(i), st)
	}
	return inks
}

// inkOf extracts the escape sequences an inline style wraps text with.
func inkOf(st lipgloss.Style) chart.Ink {
	const probe = "X"
	r := st.Inline(true).Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return chart.Ink{}
	}
	return chart.Ink{Pre: r[:i], Post: r[i+len(probe):]}
}

// helpStyles returns the styles for the bubbles help view.
func (s Styles) helpStyles() help.Styles {
	return help.Styles{
		Ellipsis:       s.HelpSep,
		ShortKey:       s.HelpKey,
		ShortDesc:      s.HelpDesc,
		ShortSeparator: s.HelpSep,
		FullKey:        s.HelpKey,
		FullDesc:       s.HelpDesc,
		FullSeparator:  s.HelpSep,
	}
}

// seriesInk returns the ink, legend marker and dot period for colour index i.
func (s Styles) seriesInk(i int) (chart.InkID, string, int) {
	n := max(len(s.Series), 1)
	if i < 0 {
		i = 0
	}
	round := i / n
	marker := "●"
	if len(s.Markers) > 0 {
		marker = s.Markers[round%len(s.Markers)]
	}
	period := 1
	if round > 0 {
		period = 1 + round%3
	}
	return inkSeries + chart.InkID(i%n), marker, period
}
