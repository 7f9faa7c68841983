package ui

import (
	"strconv"
	"strings"
	"time"
)

// renderGroup renders the group bar.
func (m *Model) renderGroup(w int, now time.Time) string {
	l := newTextLine(m.inks, w)
	g := &m.st.group
	switch {
	case m.opts.Group == "" && !g.known:
		l.add(inkMuted, "no consumer group")
	case !g.known:
		l.add(inkWarn, "joining group "+m.opts.Group+"…")
	default:
		sep := " · "
		l.add(inkMuted, "gen ")
		l.add(inkValue, strconv.Itoa(g.generation))
		l.add(inkMuted, sep+"owns ")
		l.add(inkValue, formatPartitions(g.owned))
		l.add(inkMuted, sep+"members ")
		l.add(inkValue, strconv.Itoa(len(g.members)))
		first := true
		for _, mb := range g.members {
			if mb.MemberID == g.memberID && g.memberID != "" {
				continue
			}
			if first {
				l.add(inkMuted, sep+"others: ")
				first = false
			} else {
				l.add(inkMuted, ", ")
			}
			l.add(inkPlain, memberLabel(mb)+" ")
			if host := strings.TrimPrefix(mb.Host, "/"); host != "" && host != memberLabel(mb) {
				l.add(inkMuted, host+" ")
			}
			l.add(inkValue, formatPartitions(mb.Partitions))
		}
		l.add(inkMuted, sep+"last rebalance ")
		l.add(inkPlain, formatRebalance(g.last))
		l.add(inkMuted, ", "+formatAge(now.Sub(g.last.at))+" ago")
	}
	l.pad()
	return l.String()
}
