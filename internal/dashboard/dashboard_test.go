package dashboard

import (
	"strings"
	"sync"
	"testing"
)

func TestPanicGuardStopsAndReports(t *testing.T) {
	tests := []struct {
		name      string
		fn        func()
		wantPanic string
	}{
		{name: "panic", fn: func() { panic("boom") }, wantPanic: "panic: boom"},
		{name: "nil map write", fn: func() {
			var m map[string]int
			m["x"] = 1
		}, wantPanic: "assignment to entry in nil map"},
		{name: "no panic", fn: func() {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stopped := 0
			g := &panicGuard{stop: func() { stopped++ }}
			var wg sync.WaitGroup
			wg.Go(g.wrap(tt.fn))
			wg.Wait()
			err := g.Err()
			if tt.wantPanic == "" {
				if err != nil || stopped != 0 {
					t.Fatalf("err %v, stopped %d; want neither", err, stopped)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantPanic) || !strings.Contains(err.Error(), "goroutine") {
				t.Fatalf("err = %v, want %q with a stack", err, tt.wantPanic)
			}
			if stopped != 1 {
				t.Fatalf("program stopped %d times, want 1", stopped)
			}
		})
	}
}
