package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// renderHeader renders the two header lines.
func (m *Model) renderHeader(w int, now time.Time) []string {
	st := m.st
	sep := " · "

	// Right side of line 1: PAUSED badge and the window.
	right := newTextLine(m.inks, w)
	if m.paused {
		right.add(inkPaused, " PAUSED ")
		right.add(inkPlain, " ")
	}
	right.add(inkMuted, "window ")
	right.add(inkValue, formatWindow(m.window))

	// Line 1: who we are, the connection state and the last error. The
	// connection state is never cut for the rest: when the line is short, the
	// error is cut first, then the cluster, topic and group.
	avail := max(w-right.width-1, 0)
	conn := newTextLine(m.inks, avail)
	m.addConnection(conn, sep)
	full := newTextLine(m.inks, w*4)
	m.addIdentity(full, sep)
	l1 := newTextLine(m.inks, 0)
	if room := avail - conn.width - len([]rune(sep)); room > 0 {
		l1.max = min(full.width, room)
		m.addIdentity(l1, sep)
	}
	l1.max, l1.full = avail, false // the rest of the line is the state's
	if l1.width > 0 {
		l1.add(inkMuted, sep)
	}
	m.addConnection(l1, sep)
	if m.fatal != "" {
		l1.add(inkMuted, sep)
		l1.add(inkBad, "error: "+m.fatal)
	}
	l1.pad()
	line1 := l1.String() + " " + right.String()

	l2 := newTextLine(m.inks, w)
	nowNs := now.UnixNano()
	l2.add(inkMuted, "events ")
	l2.add(inkValue, groupDigits(st.events))
	l2.add(inkMuted, " at ")
	l2.add(inkValue, formatRate(st.rate.rate(nowNs)))
	l2.add(inkMuted, sep+"decode errors ")
	if st.errors > 0 {
		l2.add(inkBad, groupDigits(st.errors))
		l2.add(inkMuted, " (")
		l2.add(inkBad, st.lastError)
		l2.add(inkMuted, ")")
	} else {
		l2.add(inkValue, "0")
	}
	if st.nonFinite > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "NaN/Inf "+groupDigits(st.nonFinite))
	}
	if st.future > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "future-dated "+groupDigits(st.future))
	}
	if st.dups > 0 {
		l2.add(inkMuted, sep)
		l2.add(inkWarn, "re-delivered "+groupDigits(st.dups))
	}
	if m.opts.SetGenerator != nil || m.gen.reported {
		l2.add(inkMuted, sep+"generator ")
		if m.gen.on {
			l2.add(inkGood, "on")
		} else {
			l2.add(inkMuted, "off")
		}
		l2.add(inkMuted, " ")
		l2.add(inkValue, strconv.FormatFloat(m.gen.rate, 'f', -1, 64)+"/s")
		if m.gen.step > 0 {
			l2.add(inkMuted, " step ")
			l2.add(inkValue, groupDigits(int64(m.gen.step)))
		}
		if m.gen.err != "" {
			l2.add(inkMuted, " ")
			l2.add(inkBad, m.gen.err)
		}
	}
	l2.pad()
	if !m.plot.known {
		return []string{line1, l2.String()}
	}
	return []string{line1, l2.String(), m.renderPlotLine(w)}
}

// addIdentity adds "kafkaplot  cluster · topic T · group G" to l; a cluster
// joined rather than started reads "joined embedded cluster on cluster".
func (m *Model) addIdentity(l *textLine, sep string) {
	l.add(inkTitle, "kafkaplot")
	l.add(inkMuted, "  ")
	cluster := m.opts.Cluster
	if cluster == "" {
		cluster = "?"
	}
	if m.opts.JoinedEmbedded {
		l.add(inkMuted, "joined embedded cluster on ")
	}
	l.add(inkValue, cluster)
	l.add(inkMuted, sep+"topic ")
	l.add(inkValue, m.opts.Topic)
	if m.opts.Group != "" {
		l.add(inkMuted, sep+"group ")
		l.add(inkValue, m.opts.Group)
	}
}

// addConnection adds the connection state to l: "● connected" when all is
// well, "◌ text" for a condition of neither, else the broker and the
// registry each with its own mark, then any other condition.
func (m *Model) addConnection(l *textLine, sep string) {
	st := m.status
	switch {
	case st.Broker == "" && st.Registry == "" && st.Text == "":
		l.add(inkGood, "● connected")
	case st.Broker == "" && st.Registry == "":
		l.add(inkWarn, "◌ "+st.Text)
	default:
		if st.Broker == "" {
			l.add(inkGood, "● broker")
		} else {
			l.add(inkBad, "✗ broker: "+st.Broker)
		}
		l.add(inkMuted, sep)
		if st.Registry == "" {
			l.add(inkGood, "● registry")
		} else {
			l.add(inkBad, "✗ registry: "+st.Registry)
		}
		if st.Text != "" {
			l.add(inkMuted, sep)
			l.add(inkWarn, "◌ "+st.Text)
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
	l := newTextLine(m.inks, w)
	fields := m.st.fields
	l.add(inkMuted, "plotting ")
	switch {
	case m.field != "":
		l.add(inkValue, m.field)
		l.add(inkMuted, fmt.Sprintf(" (%d of %d, f: next)", slices.Index(fields, m.field)+1, len(fields)))
	case len(fields) == 0:
		l.add(inkMuted, "–")
	default:
		l.add(inkValue, strings.Join(fields, ", "))
	}
	if m.plot.seriesBy != "" {
		l.add(inkMuted, " by ")
		l.add(inkValue, m.plot.seriesBy)
	}
	if m.plot.timeBy != "" {
		l.add(inkMuted, " over ")
		l.add(inkValue, m.plot.timeBy)
	}
	if m.st.gaps > 0 {
		l.add(inkMuted, sep)
		l.add(inkWarn, "gaps "+groupDigits(m.st.gaps))
	}
	for i, sc := range m.plot.schemas {
		if i == 0 {
			l.add(inkMuted, sep+"schemas ")
		} else {
			l.add(inkMuted, ", ")
		}
		l.add(inkPlain, sc.Label)
		l.add(inkValue, " ×"+groupDigits(sc.Records))
	}
	l.pad()
	return l.String()
}
