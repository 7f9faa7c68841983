// Package plot is kafkaplot plot's engine: it reads every record of a
// topic's time range outside any consumer group (nothing is committed),
// folds what each record plots into the dashboard's store — recent points
// as they came, older ones into time buckets of first, lowest, highest and
// last, so a spike is never lost — and writes the picture, one pane per
// partition, as PNG, SVG or PDF. It does not parse flags or decide exit
// codes.
package plot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/internal/picture"
	"github.com/kafkaplot/kafkaplot/render"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui/chart"
)

// Options are what plot reads and where it draws it.
type Options struct {
	// Settings are the resolved configuration and its sources; [plot]
	// says what each record plots.
	Settings connect.Settings
	// DecoderOptions are the decoder's (connect.DecoderOptions).
	DecoderOptions []schema.DecoderOption
	// From and To are the range, To excluded: records whose Kafka
	// timestamps lie in it are read.
	From, To time.Time
	// Partitions are the panes, in order; nil: every partition.
	Partitions []int
	// Output is the picture's file; its extension names the format.
	Output string
	// Size is the picture's size (render's defaults for zeros).
	Size render.Options
	// Location is the time zone of the axes; nil: time.Local.
	Location *time.Location
}

// ErrEmpty says the range holds nothing to draw.
var ErrEmpty = errors.New("nothing to draw")

// Run reads the range and writes the picture, saying what it read on
// stderr and what it wrote on stdout.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	if _, err := render.FormatOf(o.Output); err != nil {
		return err
	}
	if !o.To.After(o.From) {
		return fmt.Errorf("plot range %s to %s: the end must be after the start", stamp(o.From), stamp(o.To))
	}
	s := o.Settings
	topic := s.Cfg.Kafka.Topic
	conn, reg, err := s.Clients(ctx)
	if err != nil {
		return err
	}
	ex := connect.Extractor(s.Cfg)
	decoder := schema.NewDecoder(reg, append(slices.Clip(o.DecoderOptions), schema.WithSelection(ex.Selection))...)

	span := o.To.Sub(o.From)
	st := chart.NewStore(s.Cfg.Plot.Points)
	width := o.Size.Width
	if width == 0 {
		width = render.DefaultWidth
	}
	st.SetFold(chart.FoldFor(int64(span), 2*width))
	f := folder{st: st, ex: ex, wanted: o.Partitions}
	var plan stream.RangePlan
	plan, err = stream.ReadRange(ctx, stream.RangeConfig{
		Conn: conn, Topic: topic, Decoder: decoder, From: o.From, To: o.To,
		OnPlan: func(p stream.RangePlan) {
			fmt.Fprintf(stderr, "reading %d records of %s from %s to %s (%s)\n", p.Read, topic, stamp(p.From), stamp(p.To), p.Slicing)
		},
		OnRecords: f.records,
	})
	if err != nil {
		return fmt.Errorf("read %s from %s to %s: %w", topic, stamp(o.From), stamp(o.To), err)
	}
	parts, err := panes(o.Partitions, len(plan.Partitions), topic)
	if err != nil {
		return err
	}
	if plan.Empty() {
		msg := fmt.Sprintf("%s has no records from %s to %s", topic, stamp(o.From), stamp(o.To))
		if gone := plan.GoneBefore(); !gone.IsZero() {
			msg += fmt.Sprintf(" (its records before %s are deleted)", stamp(gone))
		}
		return fmt.Errorf("plot: %s: %w", msg, ErrEmpty)
	}
	if f.read == 0 {
		return fmt.Errorf("plot: %s of %s %s no records from %s to %s: %w",
			partitionsText(parts), topic, map[bool]string{true: "has", false: "have"}[len(parts) == 1], stamp(o.From), stamp(o.To), ErrEmpty)
	}
	if f.values == 0 {
		return fmt.Errorf("plot: %d records of %s from %s to %s, none with a value to plot (see --value, --series, --time): %w",
			f.read, topic, stamp(o.From), stamp(o.To), ErrEmpty)
	}
	notes := map[int]string{}
	for _, p := range parts {
		var n []string
		if !plan.Slicing.Whole() {
			n = append(n, "read "+plan.Slicing.String())
		}
		if pr := plan.Partitions[p]; !pr.GoneBefore.IsZero() {
			n = append(n, "records before "+stamp(pr.GoneBefore)+" deleted")
		}
		if e := f.errs[p]; e > 0 {
			n = append(n, fmt.Sprintf("%d records not decoded", e))
		}
		notes[p] = strings.Join(n, " · ")
	}
	v := picture.View(st, picture.Options{Topic: topic, From: o.From, To: o.To, Partitions: parts, Notes: notes, Location: o.Location})
	if err := render.WriteFile(o.Output, v, o.Size); err != nil {
		return err
	}
	series := 0
	for _, p := range v.Panes {
		series += len(p.Series)
	}
	fmt.Fprintf(stdout, "wrote %s: %d partitions, %d series, %d values of %d records from %s to %s\n",
		o.Output, len(parts), series, f.values, f.read, stamp(o.From), stamp(o.To))
	if f.decodeErrs > 0 {
		fmt.Fprintf(stderr, "%d records could not be decoded, the last: %s\n", f.decodeErrs, f.lastErr)
	}
	return nil
}

// stamp formats a time for messages.
func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

// partitionsText names partitions: "partition 1", "partitions 0, 2".
func partitionsText(ps []int) string {
	if len(ps) == 1 {
		return "partition " + strconv.Itoa(ps[0])
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return "partitions " + strings.Join(s, ", ")
}

// panes returns the partitions to draw: those asked for, each of the
// topic's, or every partition.
func panes(asked []int, n int, topic string) ([]int, error) {
	if asked == nil {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	for _, p := range asked {
		if p < 0 || p >= n {
			return nil, fmt.Errorf("partition %d: %s has partitions 0 to %d", p, topic, n-1)
		}
	}
	return asked, nil
}

// folder turns records into the store's events; ReadRange calls it
// concurrently for different partitions.
type folder struct {
	mu         sync.Mutex
	st         *chart.Store
	ex         *extract.Extractor
	wanted     []int // nil: every partition
	points     []extract.Point
	events     []chart.Event
	read       int64       // records of the wanted partitions
	values     int64       // values among them (nulls not counted)
	errs       map[int]int // decode errors by partition
	decodeErrs int
	lastErr    string
}

func (f *folder) records(_ context.Context, batch []stream.Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(batch) == 0 || (f.wanted != nil && !slices.Contains(f.wanted, batch[0].Partition)) {
		return nil
	}
	f.events = f.events[:0]
	for i := range batch {
		r := &batch[i]
		f.read++
		switch {
		case r.Err != nil:
			if f.errs == nil {
				f.errs = map[int]int{}
			}
			f.errs[r.Partition]++
			f.decodeErrs++
			f.lastErr = fmt.Sprintf("partition %d offset %d: %v", r.Partition, r.Offset, r.Err)
			continue
		case r.Plotted.Selection == nil:
			continue
		}
		f.points, _ = f.ex.Points(&r.Plotted, r.Key, r.Time, f.points[:0])
		for _, p := range f.points {
			if !p.Null {
				f.values++
			}
			f.events = append(f.events, chart.Event{Partition: r.Partition, Offset: r.Offset, Series: p.Series,
				Field: p.Field, Time: p.Time, Value: p.Value, Gap: p.Null})
		}
	}
	f.st.Ingest(f.events, nil, time.Now().UnixNano())
	return nil
}
