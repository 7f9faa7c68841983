package simulate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kafkaplot/kafkaplot/simulate"
)

// printer is a Sink that prints sensor0 and sensor4, the first sensor of each partition.
type printer struct{}

func (printer) Emit(_ context.Context, events []simulate.Event) error {
	fmt.Printf("step %d at %s: %s=%.3f %s=%.3f\n", events[0].Step, events[0].Timestamp.Format("15:04:05.000"),
		events[0].ID, events[0].Value, events[4].ID, events[4].Value)
	return nil
}

// Example runs the tutorial's "-t 5 -e 3 -d 0.5" without noise on a fake clock.
func Example() {
	now := time.Date(2021, 9, 16, 12, 0, 0, 0, time.UTC)
	g := simulate.New(simulate.Options{
		Start: 5,
		Steps: 3,
		Delay: simulate.DelayForRate(2),
		Now:   func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { now = now.Add(d); return nil },
	})
	next, err := g.Run(context.Background(), printer{})
	fmt.Println("To continue execution start from event", next, err)
	// Output:
	// step 5 at 12:00:00.000: sensor0=48.542 sensor4=67.542
	// step 6 at 12:00:00.500: sensor0=47.791 sensor4=66.591
	// step 7 at 12:00:01.000: sensor0=46.893 sensor4=65.493
	// To continue execution start from event 8 <nil>
}
