package ui

import (
	"strconv"
	"strings"
	"time"
)

// groupParts are the optional parts of the group bar, each dropped in turn
// when the bar is too narrow for it.
type groupParts struct {
	hosts    bool // other members' hosts
	age      bool // how long ago the last rebalance was
	assignor bool // the group's assignor
	others   bool // the other members and their partitions
	label    bool // "last rebalance " before what moved
}

// groupDegrade lists the group bar's parts from all to the fewest: the less a
// part matters, the earlier it goes. Generation, owned partitions, the member
// count and what moved in the last rebalance always stay.
func groupDegrade() []groupParts {
	return []groupParts{
		{hosts: true, age: true, assignor: true, others: true, label: true},
		{age: true, assignor: true, others: true, label: true},
		{assignor: true, others: true, label: true},
		{others: true, label: true},
		{others: true},
		{label: true},
		{},
	}
}

// renderGroup renders the group bar: "gen 5 · owns [0] · members 2 (range) ·
// others: rdkafka 10.0.0.2 [1] · last rebalance gen 5: p1 → rdkafka, 3s ago",
// dropping the parts that matter least first when w is short.
func (m *Model) renderGroup(w int, now time.Time) string {
	g := &m.st.group
	l := newTextLine(m.inks, w)
	switch {
	case m.opts.Group == "" && !g.known:
		l.add(inkMuted, "no consumer group")
	case !g.known:
		l.add(inkWarn, "joining group "+m.opts.Group+"…")
	default:
		degrade := groupDegrade()
		parts := degrade[len(degrade)-1]
		for _, p := range degrade {
			probe := newTextLine(m.inks, 1<<30)
			m.addGroup(probe, p, now)
			if probe.width <= w {
				parts = p
				break
			}
		}
		m.addGroup(l, parts, now)
	}
	l.pad()
	return l.String()
}

// addGroup adds the known group's state to l with the given parts.
func (m *Model) addGroup(l *textLine, p groupParts, now time.Time) {
	g := &m.st.group
	sep := " · "
	l.add(inkMuted, "gen ")
	l.add(inkValue, strconv.Itoa(g.generation))
	l.add(inkMuted, sep+"owns ")
	l.add(inkValue, formatPartitions(g.owned))
	l.add(inkMuted, sep+"members ")
	l.add(inkValue, strconv.Itoa(len(g.members)))
	if p.assignor && g.assignor != "" {
		l.add(inkMuted, " ("+g.assignor+")")
	}
	if p.others {
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
			if host := strings.TrimPrefix(mb.Host, "/"); p.hosts && host != "" && host != memberLabel(mb) {
				l.add(inkMuted, host+" ")
			}
			l.add(inkValue, formatPartitions(mb.Partitions))
		}
	}
	l.add(inkMuted, sep)
	if p.label {
		l.add(inkMuted, "last rebalance ")
	}
	l.add(inkPlain, formatRebalance(g.last))
	if p.age {
		l.add(inkMuted, ", "+formatAge(now.Sub(g.last.at))+" ago")
	}
}
