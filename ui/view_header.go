package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// renderHeader renders the two header lines.
func (m *Model) renderHeader(w int, now time.Time) []string {
	st := m.st
	sep := " · "

	// Right side of line 1: PAUSED badge and the window.
	right := chart.NewTextLine(m.inks, w)
	if m.paused {
		right.Add(inkPaused, " PAUSED ")
		right.Add(inkPlain, " ")
	}
	if m.past != nil {
		m.addPastRange(right, now)
	} else {
		right.Add(inkMuted, "window ")
		right.Add(inkValue, chart.FormatWindow(m.window))
	}

	// Line 1: who we are, the connection state and the last error. The
	// connection state is never cut for the rest: when the line is short, the
	// error is cut first, then the cluster, topic and group.
	avail := max(w-right.Width()-1, 0)
	conn := chart.NewTextLine(m.inks, avail)
	m.addConnection(conn, sep)
	m.addSnapshot(conn, sep)
	full := chart.NewTextLine(m.inks, w*4)
	m.addIdentity(full, sep)
	l1 := chart.NewTextLine(m.inks, 0)
	if room := avail - conn.Width() - len([]rune(sep)); room > 0 {
		l1.Reopen(min(full.Width(), room))
		m.addIdentity(l1, sep)
	}
	l1.Reopen(avail) // the rest of the line is the state's
	if l1.Width() > 0 {
		l1.Add(inkMuted, sep)
	}
	m.addConnection(l1, sep)
	m.addSnapshot(l1, sep)
	if m.fatal != "" {
		l1.Add(inkMuted, sep)
		l1.Add(inkBad, "error: "+m.fatal)
	}
	l1.Pad()
	line1 := l1.String() + " " + right.String()

	l2 := chart.NewTextLine(m.inks, w)
	nowNs := now.UnixNano()
	l2.Add(inkMuted, "events ")
	l2.Add(inkValue, chart.GroupDigits(st.Events))
	l2.Add(inkMuted, " at ")
	l2.Add(inkValue, chart.FormatRate(st.Meter.Rate(nowNs)))
	l2.Add(inkMuted, sep+"decode errors ")
	if st.Errors > 0 {
		l2.Add(inkBad, chart.GroupDigits(st.Errors))
		l2.Add(inkMuted, " (")
		l2.Add(inkBad, st.LastError)
		l2.Add(inkMuted, ")")
	} else {
		l2.Add(inkValue, "0")
	}
	if st.NonFinite > 0 {
		l2.Add(inkMuted, sep)
		l2.Add(inkWarn, "NaN/Inf "+chart.GroupDigits(st.NonFinite))
	}
	if st.Future > 0 {
		l2.Add(inkMuted, sep)
		l2.Add(inkWarn, "future-dated "+chart.GroupDigits(st.Future))
	}
	if st.Dups > 0 {
		l2.Add(inkMuted, sep)
		l2.Add(inkWarn, "re-delivered "+chart.GroupDigits(st.Dups))
	}
	if st.OverLines > 0 {
		l2.Add(inkMuted, sep)
		l2.Add(inkWarn, fmt.Sprintf("lines past %s not drawn %s (choose --series)", chart.GroupDigits(chart.MaxLines), chart.GroupDigits(st.OverLines)))
	}
	if m.opts.SetGenerator != nil || m.gen.reported {
		l2.Add(inkMuted, sep+"generator ")
		if m.gen.on {
			l2.Add(inkGood, "on")
		} else {
			l2.Add(inkMuted, "off")
		}
		l2.Add(inkMuted, " ")
		l2.Add(inkValue, strconv.FormatFloat(m.gen.rate, 'f', -1, 64)+"/s")
		if m.gen.step > 0 {
			l2.Add(inkMuted, " step ")
			l2.Add(inkValue, chart.GroupDigits(int64(m.gen.step)))
		}
		if m.gen.err != "" {
			l2.Add(inkMuted, " ")
			l2.Add(inkBad, m.gen.err)
		}
	}
	l2.Pad()
	if !m.plot.known {
		return []string{line1, l2.String()}
	}
	return []string{line1, l2.String(), m.renderPlotLine(w)}
}

// addIdentity adds "kafkaplot  cluster · topic T · group G" to l; a cluster
// joined rather than started reads "joined embedded cluster on cluster".
func (m *Model) addIdentity(l *chart.TextLine, sep string) {
	l.Add(inkTitle, "kafkaplot")
	l.Add(inkMuted, "  ")
	cluster := m.opts.Cluster
	if cluster == "" {
		cluster = "?"
	}
	if m.opts.JoinedEmbedded {
		l.Add(inkMuted, "joined embedded cluster on ")
	}
	l.Add(inkValue, cluster)
	l.Add(inkMuted, sep+"topic ")
	l.Add(inkValue, m.opts.Topic)
	if m.opts.Group != "" {
		l.Add(inkMuted, sep+"group ")
		l.Add(inkValue, m.opts.Group)
	}
}

// addConnection adds the connection state to l: "● connected" when all is
// well, "◌ text" for a condition of neither, else the broker and the
// registry each with its own mark, then any other condition.
func (m *Model) addConnection(l *chart.TextLine, sep string) {
	st := m.status
	switch {
	case st.Broker == "" && st.Registry == "" && st.Text == "":
		l.Add(inkGood, "● connected")
	case st.Broker == "" && st.Registry == "":
		l.Add(inkWarn, "◌ "+st.Text)
	default:
		if st.Broker == "" {
			l.Add(inkGood, "● broker")
		} else {
			l.Add(inkBad, "✗ broker: "+st.Broker)
		}
		l.Add(inkMuted, sep)
		if st.Registry == "" {
			l.Add(inkGood, "● registry")
		} else {
			l.Add(inkBad, "✗ registry: "+st.Registry)
		}
		if st.Text != "" {
			l.Add(inkMuted, sep)
			l.Add(inkWarn, "◌ "+st.Text)
		}
	}
}

// chromeHeight returns the lines around the panes: the header (with the
// plot line once PlotMsg arrived), the group bar and the help line.
func (m *Model) chromeHeight() int {
	if m.plot.known {
		return chromeHeight + 1
	}
	return chromeHeight
}

// renderPlotLine renders "plotting value, humidity by key over timestamp",
// the schemas seen with their record counts, and the gaps counted.
func (m *Model) renderPlotLine(w int) string {
	sep := " · "
	l := chart.NewTextLine(m.inks, w)
	fields := m.st.Fields
	l.Add(inkMuted, "plotting ")
	switch {
	case m.field != "":
		l.Add(inkValue, m.field)
		l.Add(inkMuted, fmt.Sprintf(" (%d of %d, f: next)", slices.Index(fields, m.field)+1, len(fields)))
	case len(fields) == 0:
		l.Add(inkMuted, "–")
	default:
		l.Add(inkValue, strings.Join(fields, ", "))
	}
	if m.plot.seriesBy != "" {
		l.Add(inkMuted, " by ")
		l.Add(inkValue, m.plot.seriesBy)
	}
	if m.plot.timeBy != "" {
		l.Add(inkMuted, " over ")
		l.Add(inkValue, m.plot.timeBy)
	}
	if m.st.Gaps > 0 {
		l.Add(inkMuted, sep)
		l.Add(inkWarn, "gaps "+chart.GroupDigits(m.st.Gaps))
	}
	for i, sc := range m.plot.schemas {
		if i == 0 {
			l.Add(inkMuted, sep+"schemas ")
		} else {
			l.Add(inkMuted, ", ")
		}
		l.Add(inkPlain, sc.Label)
		l.Add(inkValue, " ×"+chart.GroupDigits(sc.Records))
	}
	l.Pad()
	return l.String()
}
