package dashboard

import (
	"context"
	"log/slog"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/extract"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// pastReader reads the time ranges the model's views of the past ask for
// (ui.Options.ReadRange) outside the group, one at a time: a new request
// ends the one before. Live consumption goes on beside it.
type pastReader struct {
	ctx     context.Context // ends every read
	conn    stream.Connection
	topic   string
	decoder *schema.Decoder
	ex      *extract.Extractor
	logger  *slog.Logger
	send    func(tea.Msg) // set once the program exists

	mu     sync.Mutex
	newest int                // the newest request's id
	cancel context.CancelFunc // ends the current read
	wg     sync.WaitGroup
}

// read starts reading [from, to) for request id, ending the read before.
// The model's commands run in any order: a request older than one already
// started is dropped.
func (r *pastReader) read(id int, from, to time.Time) {
	r.mu.Lock()
	if id <= r.newest {
		r.mu.Unlock()
		return
	}
	r.newest = id
	if r.cancel != nil {
		r.cancel()
	}
	ctx, cancel := context.WithCancel(r.ctx)
	r.cancel = cancel
	r.mu.Unlock()
	r.wg.Go(func() { r.run(ctx, id, from, to) })
}

// wait ends the current read and waits for it.
func (r *pastReader) wait() {
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// run reads one range and reports it with ui.RangeMsgs: the plan, the
// events of each batch, and the end.
func (r *pastReader) run(ctx context.Context, id int, from, to time.Time) {
	var (
		mu       sync.Mutex // the extractor, the progress and the scratch points
		progress ui.RangeMsg
		points   []extract.Point
	)
	progress.ID = id
	started := time.Now()
	plan, err := stream.ReadRange(ctx, stream.RangeConfig{
		Conn: r.conn, Topic: r.topic, Decoder: r.decoder, From: from, To: to,
		OnPlan: func(p stream.RangePlan) {
			mu.Lock()
			progress.Partitions, progress.Total, progress.GoneBefore = len(p.Partitions), p.Read, p.GoneBefore()
			if !p.Slicing.Whole() {
				progress.Slices = p.Slicing.String()
			}
			msg := progress
			mu.Unlock()
			r.send(msg)
		},
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			mu.Lock()
			msg := progress
			msg.Events = make([]ui.Event, 0, len(batch))
			for i := range batch {
				msg.Events, points = r.events(&batch[i], msg.Events, points)
				if batch[i].Err != nil {
					progress.Undecoded++
				}
			}
			msg.Undecoded = progress.Undecoded
			mu.Unlock()
			r.send(msg)
			return nil
		},
		OnProgress: func(read, _ int64) {
			mu.Lock()
			progress.Read = read
			mu.Unlock()
		},
	})
	if ctx.Err() != nil {
		return // a newer request, or the end of the dashboard
	}
	done := progress
	done.Read, done.Total, done.Done = plan.Read, plan.Read, true
	if err != nil {
		done.Err = "read " + r.topic + ": " + err.Error()
	}
	r.logger.Info("range", "from", from, "to", to, "records", plan.Read, "slices", plan.Slicing.String(), "ms", time.Since(started).Milliseconds(), "err", err)
	r.send(done)
}

// events appends the events of one record's plotted values to dst, using
// points as scratch; a record that could not be decoded has none.
func (r *pastReader) events(rec *stream.Record, dst []ui.Event, points []extract.Point) ([]ui.Event, []extract.Point) {
	if rec.Err != nil || rec.Plotted.Selection == nil {
		return dst, points
	}
	points, _ = r.ex.Points(&rec.Plotted, rec.Key, rec.Time, points[:0])
	for _, p := range points {
		dst = append(dst, ui.Event{Partition: rec.Partition, Offset: rec.Offset, Series: p.Series, Field: p.Field,
			Time: p.Time, Value: p.Value, Gap: p.Null})
	}
	return dst, points
}
