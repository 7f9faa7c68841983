package dashboard

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
)

// defaultLogPath is the log file when none is given: kafkaplot/kafkaplot.log
// in the user cache directory.
func defaultLogPath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "kafkaplot", "kafkaplot.log")
}

// openLog opens the dashboard's log file for appending.
func openLog(path string) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("log file %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("log file: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(f, nil)).With("pid", os.Getpid())
	return logger, func() { f.Close() }, nil
}

// panicGuard turns a panic in one of the dashboard's goroutines into an
// error and kills the program, so that the terminal is restored before the
// error is printed. (bubbletea guards its own Update and View.)
type panicGuard struct {
	stop func()
	mu   sync.Mutex
	err  error
}

// wrap returns fn guarded.
func (g *panicGuard) wrap(fn func()) func() {
	return func() {
		defer func() {
			if r := recover(); r != nil {
				g.mu.Lock()
				if g.err == nil {
					g.err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
				}
				g.mu.Unlock()
				g.stop()
			}
		}()
		fn()
	}
}

// Err returns the first panic, as an error.
func (g *panicGuard) Err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// tuneMemory keeps the dashboard's heap small: the rings and buckets of
// points are most of it and live long, so the collector's default (run at
// 2× the live heap) wastes memory; they hold no pointers, so marking them
// costs little and the collector can run at 1.25× the live heap. GOGC and
// GOMEMLIMIT, when set, win.
func tuneMemory(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	if getenv("GOMEMLIMIT") == "" {
		// A soft limit: past it the collector runs more often (at most half
		// a core), it never fails an allocation.
		debug.SetMemoryLimit(dashboardMemoryLimit)
	}
}

// dashboardMemoryLimit is the heap the dashboard aims to stay under.
const dashboardMemoryLimit = 48 << 20
