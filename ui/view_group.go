package ui

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// groupParts are the optional parts of the group bar, each dropped in turn
// when the bar is too narrow for it.
type groupParts struct {
	hosts    bool // other members' hosts
	age      bool // how long ago the last rebalance was
	assignor bool // the group's assignor
	others   bool // the other members and their partitions
	label    bool // "last rebalance " before what moved
	worst    bool // the partition the group is furthest behind on
}

// groupDegrade lists the group bar's parts from all to the fewest: the less a
// part matters, the earlier it goes: hosts, the rebalance's age, the "last
// rebalance" label, the other members, then the assignor (a short name,
// kept while there is room). Generation, owned partitions, the member
// count and what moved in the last rebalance always stay; the partition
// furthest behind goes last.
func groupDegrade() []groupParts {
	return []groupParts{
		{hosts: true, age: true, assignor: true, others: true, label: true, worst: true},
		{age: true, assignor: true, others: true, label: true, worst: true},
		{assignor: true, others: true, label: true, worst: true},
		{assignor: true, others: true, worst: true},
		{assignor: true, label: true, worst: true},
		{assignor: true, worst: true},
		{worst: true},
		{},
	}
}

// renderGroup renders the group bar: "gen 5 · owns [0] · members 2 (range) ·
// others: rdkafka 10.0.0.2 [1] · last rebalance gen 5: p1 → rdkafka, 3s ago",
// dropping the parts that matter least first when w is short.
func (m *Model) renderGroup(w int, now time.Time) string {
	g := &m.st.Group
	l := chart.NewTextLine(m.inks, w)
	switch {
	case m.opts.Group == "" && !g.Known:
		l.Add(inkMuted, "no consumer group")
	case !g.Known:
		l.Add(inkWarn, "joining group "+m.opts.Group+"…")
	default:
		degrade := groupDegrade()
		parts := degrade[len(degrade)-1]
		for _, p := range degrade {
			probe := chart.NewTextLine(m.inks, 1<<30)
			m.addGroup(probe, p, now)
			if probe.Width() <= w {
				parts = p
				break
			}
		}
		m.addGroup(l, parts, now)
	}
	l.Pad()
	return l.String()
}

// addGroup adds the known group's state to l with the given parts.
func (m *Model) addGroup(l *chart.TextLine, p groupParts, now time.Time) {
	g := &m.st.Group
	sep := " · "
	l.Add(inkMuted, "gen ")
	l.Add(inkValue, strconv.Itoa(g.Generation))
	l.Add(inkMuted, sep+"owns ")
	l.Add(inkValue, formatPartitions(g.Owned))
	l.Add(inkMuted, sep+"members ")
	l.Add(inkValue, strconv.Itoa(len(g.Members)))
	if p.assignor && g.Assignor != "" {
		l.Add(inkMuted, " ("+g.Assignor+")")
	}
	if part, what, ink := m.worstPartition(now); p.worst && what != "" {
		l.Add(inkMuted, sep+"worst ")
		l.Add(ink, "p"+strconv.Itoa(part)+" "+what)
	}
	if p.others {
		first := true
		for _, mb := range g.Members {
			if mb.MemberID == g.MemberID && g.MemberID != "" {
				continue
			}
			if first {
				l.Add(inkMuted, sep+"others: ")
				first = false
			} else {
				l.Add(inkMuted, ", ")
			}
			l.Add(inkPlain, memberLabel(mb)+" ")
			if host := strings.TrimPrefix(mb.Host, "/"); p.hosts && host != "" && host != memberLabel(mb) {
				l.Add(inkMuted, host+" ")
			}
			l.Add(inkValue, formatPartitions(mb.Partitions))
		}
	}
	l.Add(inkMuted, sep)
	if p.label {
		l.Add(inkMuted, "last rebalance ")
	}
	l.Add(inkPlain, formatRebalance(g.Last))
	if p.age {
		l.Add(inkMuted, ", "+chart.FormatAge(now.Sub(g.Last.At))+" ago")
	}
}

// worstPartition returns the partition the group is furthest behind on:
// the one stalled longest ("no commit for 7s"), else the one furthest
// behind in time ("3.2s behind"); what is "" when the group is behind on
// none.
func (m *Model) worstPartition(now time.Time) (part int, what string, ink chart.InkID) {
	var stalled time.Time
	var behind time.Duration
	for _, d := range m.st.Panes {
		if d == nil || !d.HasStat {
			continue
		}
		lag, _ := d.Lag()
		switch since := d.Stat.NoCommitSince; {
		case !since.IsZero() && (stalled.IsZero() || since.Before(stalled)):
			stalled, part, what, ink = since, d.Partition, "no commit for "+formatStall(now.Sub(since)), inkWarn
		case stalled.IsZero() && d.Stat.BehindKnown && lag > 0 && d.Stat.Behind > behind:
			behind, part, what, ink = d.Stat.Behind, d.Partition, chart.FormatAge(d.Stat.Behind)+" behind", inkValue
		}
	}
	return part, what, ink
}

// memberLabel names a member by client id, else member id, else host.
func memberLabel(m Member) string {
	switch {
	case m.ClientID != "":
		return m.ClientID
	case m.MemberID != "":
		return m.MemberID
	case m.Host != "":
		return m.Host
	default:
		return "?"
	}
}

// formatPartitions formats partitions as [0,1,2].
func formatPartitions(ps []int) string {
	b := make([]byte, 0, 2+4*len(ps))
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p), 10)
	}
	return string(append(b, ']'))
}

// formatRebalance formats the last rebalance as "gen 3: +p1, p0 → rdkafka":
// what this instance gained, then every partition that went to another
// member (or −p2 when this instance gave one up that nobody owns yet).
func formatRebalance(r chart.Rebalance) string {
	var own, parts []string
	for _, p := range r.Gained {
		own = append(own, "+p"+strconv.Itoa(p))
	}
	for _, p := range r.Lost {
		if _, ok := r.Moved[p]; !ok {
			own = append(own, "−p"+strconv.Itoa(p))
		}
	}
	if len(own) > 0 {
		parts = append(parts, strings.Join(own, " "))
	}
	for _, p := range slices.Sorted(maps.Keys(r.Moved)) {
		parts = append(parts, fmt.Sprintf("p%d → %s", p, memberLabel(r.Moved[p])))
	}
	if len(parts) == 0 {
		parts = append(parts, "no change")
	}
	return fmt.Sprintf("gen %d: %s", r.Generation, strings.Join(parts, ", "))
}
