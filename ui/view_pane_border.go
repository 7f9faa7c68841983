package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// This file writes a pane's border: its title, and what its bottom border
// says.

// compactTitleWidth is the inner pane width below which titles are compact:
// "p3 · lag 0 · 2.0/s", without the topic name, the committed offset and
// how far behind in time the lag is, the rate only where it fits whole; a
// partition not this instance's says its lag, then its owner, no rate.
const compactTitleWidth = 40

// paneBottom returns the middle of a pane's bottom border (iw cells): for a
// chart too small for axes, the range of its values and, where there is
// room, the span of its time axis ("─ 18.9–25.8 ─── 23:58:00–00:00:00 ─",
// else its length: "─ 18.9–25.8 ───── 2m ─"); then how many series are
// drawn when not all are.
func (m *Model) paneBottom(pc paneChart, iw int, lk paneLook) string {
	bottom := chart.NewTextLine(m.inks, iw)
	h := string(lk.border.h)
	if pc.yRange != "" {
		bottom.Add(lk.borderInk, h+" ")
		bottom.Add(lk.valInk, pc.yRange)
		bottom.Add(lk.muted, " ")
	}
	if pc.total > pc.drawn {
		bottom.Add(lk.borderInk, h+" ")
		bottom.Add(lk.muted, fmt.Sprintf("%d of %d series drawn ", pc.drawn, pc.total))
	}
	for _, span := range pc.spans {
		if n := len(span); bottom.Room() >= n+4 {
			bottom.Add(lk.borderInk, strings.Repeat(h, bottom.Room()-n-3)+" ")
			bottom.Add(lk.muted, span+" ")
			break
		}
	}
	fillRune(bottom, lk.borderInk, lk.border.h)
	return bottom.String()
}

// paneTitle returns the middle of a pane's top border (iw cells): partition,
// tags (paneInfo's short form, when the body has no room for the full one),
// owner when not this instance, committed offset, lag in records and in time,
// how long a stalled owner has committed nothing, rate and the counts of odd
// records; compact below compactTitleWidth.
func (m *Model) paneTitle(p int, d *chart.Pane, iw int, lk paneLook, owner string, tags []string) string {
	top := chart.NewTextLine(m.inks, iw)
	top.Add(lk.borderInk, string(lk.border.h)+" ")
	compact := iw < compactTitleWidth
	switch {
	case compact:
		top.Add(lk.titleInk, "p"+strconv.Itoa(p))
	case m.opts.Topic != "":
		top.Add(lk.titleInk, m.opts.Topic+" [p"+strconv.Itoa(p)+"]")
	default:
		top.Add(lk.titleInk, "[p"+strconv.Itoa(p)+"]")
	}
	for _, tag := range tags {
		top.Add(lk.muted, " · ")
		top.Add(inkWarn, tag)
	}
	addOwner := func() {
		if !lk.dim {
			return
		}
		top.Add(lk.muted, " · ")
		if owner == "" {
			top.Add(inkWarn, "unassigned")
		} else {
			top.Add(inkWarn, "owned by "+owner)
		}
	}
	if !compact {
		addOwner()
	}
	if d != nil {
		if d.HasStat {
			if !compact {
				top.Add(lk.muted, " · committed ")
				if d.Stat.Committed < 0 {
					top.Add(lk.valInk, "none")
				} else {
					top.Add(lk.valInk, chart.GroupDigits(d.Stat.Committed))
				}
			}
			lag, _ := d.Lag()
			top.Add(lk.muted, " · lag ")
			top.Add(lk.valInk, chart.GroupDigits(lag))
			if d.Stat.BehindKnown && lag > 0 && !compact {
				top.Add(lk.muted, " · ")
				top.Add(lk.valInk, chart.FormatAge(d.Stat.Behind)+" behind")
			}
			if since := d.Stat.NoCommitSince; !since.IsZero() {
				top.Add(lk.muted, " · ")
				top.Add(inkWarn, "no commit for "+formatStall(m.opts.Now().Sub(since)))
			}
		}
		// Compact, the rate is told whole or not at all, and not for a
		// partition not read here.
		if rate := chart.FormatRate(d.Meter.Rate(m.opts.Now().UnixNano())); m.past == nil && !(compact && (lk.dim || top.Room() < 3+len(rate))) {
			top.Add(lk.muted, " · ")
			top.Add(lk.valInk, rate)
		}
		if d.NonFinite > 0 {
			top.Add(lk.muted, " · ")
			top.Add(inkWarn, "NaN/Inf "+chart.GroupDigits(d.NonFinite))
		}
		if d.Future > 0 {
			top.Add(lk.muted, " · ")
			top.Add(inkWarn, "future-dated "+chart.GroupDigits(d.Future))
		}
		if d.Dups > 0 {
			top.Add(lk.muted, " · ")
			top.Add(inkWarn, "re-delivered "+chart.GroupDigits(d.Dups))
		}
	}
	if compact {
		addOwner()
	}
	if top.Room() > 0 {
		top.Add(lk.muted, " ")
	}
	fillRune(top, lk.borderInk, lk.border.h)
	return top.String()
}

// scaleOf returns what a chart without axes is drawn over: the range of
// the values of its lines, with decimals digits after the point ("" when
// it has no point), and the span of its time axis from t0 to t1 (Unix ns):
// its ends, then its length.
func scaleOf(stats []chart.Stats, decimals int, t0, t1 int64, loc *time.Location) (string, []string) {
	var all chart.Stats
	for _, st := range stats {
		if st.N == 0 {
			continue
		}
		if all.N == 0 {
			all = st
			continue
		}
		all.N += st.N
		all.Min, all.Max = min(all.Min, st.Min), max(all.Max, st.Max)
	}
	if all.N == 0 {
		return "", nil
	}
	if loc == nil {
		loc = time.Local
	}
	return chart.FormatValue(all.Min, decimals) + "–" + chart.FormatValue(all.Max, decimals), []string{
		time.Unix(0, t0).In(loc).Format("15:04:05") + "–" + time.Unix(0, t1).In(loc).Format("15:04:05"),
		chart.FormatWindow(time.Duration(t1 - t0).Round(time.Second)),
	}
}
