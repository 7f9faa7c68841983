package stream

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start, max time.Duration
		want       []time.Duration
	}{
		{"doubles to the ceiling", 100 * time.Millisecond, 500 * time.Millisecond,
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}},
		{"ceiling below start", time.Second, 300 * time.Millisecond,
			[]time.Duration{300 * time.Millisecond, 300 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackoff(tc.start, tc.max)
			var got []time.Duration
			for range tc.want {
				got = append(got, b.next())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("waits %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("sleep ends with the context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if sleep(ctx, time.Hour) {
			t.Error("sleep ran out with a cancelled context")
		}
		if !sleep(context.Background(), time.Millisecond) {
			t.Error("sleep did not run out")
		}
	})
}
