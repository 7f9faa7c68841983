package group

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kafkaplot/kafkaplot/stream"
)

// Describe prints a snapshot of group on topic: a header line, the members
// and the partitions, each with its owner's client id (and the end of its
// member id when two members share a client id).
func Describe(w io.Writer, group, topic string, s stream.GroupSnapshot) error {
	labels := labelsOf(s.Members)
	fmt.Fprintf(w, "group %s · topic %s · %s · %s · generation %s · %s\n",
		group, topic, orDash(s.State), protocol(s), generation(s.Generation), count(len(s.Members), "member"))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(s.Members) > 0 {
		fmt.Fprintln(tw, "\nCLIENT-ID\tHOST\tPARTITIONS\tMEMBER-ID")
		for _, m := range s.Members {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", orDash(m.ClientID), orDash(strings.TrimPrefix(m.Host, "/")), partitions(m.Partitions), m.MemberID)
		}
	}
	owners := ownersOf(s.Members)
	fmt.Fprintln(tw, "\nPARTITION\tCOMMITTED\tEND\tLAG\tBEHIND\tOWNER")
	for _, o := range s.Offsets {
		committed, lag := "-", o.High
		if o.Committed >= 0 {
			committed, lag = fmt.Sprint(o.Committed), o.High-o.Committed
		}
		behind := "-"
		if o.BehindKnown {
			behind = Duration(o.Behind)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\n", o.Partition, committed, o.High, max(lag, 0), behind, orDash(labels[owners[o.Partition]]))
	}
	return tw.Flush()
}

// labelsOf names each member for people: its client id, followed by the
// end of its member id when another member has the same client id.
func labelsOf(members []stream.Member) map[string]string {
	clients := map[string]int{}
	for _, m := range members {
		clients[m.ClientID]++
	}
	labels := make(map[string]string, len(members))
	for _, m := range members {
		l := m.ClientID
		if l == "" || clients[m.ClientID] > 1 {
			l = strings.TrimSpace(l + " …" + m.MemberID[max(len(m.MemberID)-6, 0):])
		}
		labels[m.MemberID] = l
	}
	return labels
}

// ownersOf maps each partition to its owner's member id.
func ownersOf(members []stream.Member) map[int]string {
	owners := map[int]string{}
	for _, m := range members {
		for _, p := range m.Partitions {
			owners[p] = m.MemberID
		}
	}
	return owners
}

func protocol(s stream.GroupSnapshot) string {
	switch {
	case s.Protocol == "":
		return "no assignor"
	case s.ProtocolType == "consumer" || s.ProtocolType == "":
		return s.Protocol
	}
	return s.ProtocolType + "/" + s.Protocol
}

func generation(g int) string {
	if g < 0 {
		return "-"
	}
	return fmt.Sprint(g)
}

func partitions(ps []int) string {
	if len(ps) == 0 {
		return "-"
	}
	s := make([]string, len(ps))
	for i, p := range slices.Sorted(slices.Values(ps)) {
		s[i] = fmt.Sprint(p)
	}
	return strings.Join(s, ",")
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Duration formats how far behind in time: 0s, 850ms, 3.2s, 42s, 12m05s, 3h12m.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Truncate(100*time.Millisecond).Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
