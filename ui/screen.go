package ui

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"
)

// Terminal control sequences the screen writes.
const (
	seqEnterAlt   = "\x1b[?1049h"
	seqLeaveAlt   = "\x1b[?1049l"
	seqHideCursor = "\x1b[?25l"
	seqShowCursor = "\x1b[?25h"
	seqClear      = "\x1b[H\x1b[2J"
	seqEraseLine  = "\x1b[2K"
)

// Screen draws the dashboard's frames on a terminal in place of bubbletea's
// renderer: run the program with tea.WithoutRenderer, pass the Screen in
// Options.Screen, call WatchSize, and Close the Screen after the program.
// bubbletea's renderer wakes 30 times a second whether or not anything
// changed, which was half of an idle dashboard's CPU; a Screen writes only
// when a frame is rendered, and only its changed lines, from its own
// goroutine so that a slow terminal never blocks Update. Without a renderer
// bubbletea leaves the terminal's modes alone, so the Screen also puts the
// input in raw mode (and back on suspend and Close) and reports the size.
type Screen struct {
	in   *os.File // the keyboard; nil or not a terminal: left alone
	out  io.Writer
	raw  *term.State   // the input's mode before raw mode; nil when not raw
	vt   func() error  // puts the output's mode back (Windows); nil when not entered
	wake chan struct{} // a frame or a state change is waiting
	done chan struct{} // closed by Close
	quit chan struct{} // closed when the writer goroutine ends

	wmu sync.Mutex // held while writing to out, so that writes keep their order

	mu      sync.Mutex // guards the fields below; never held while writing
	next    string     // newest frame not yet written
	pending bool
	repaint bool // draw the next frame whole
	inAlt   bool

	last []string // lines of the last frame written; only flush uses it
	err  error    // the first write error; guarded by wmu
}

// NewScreen puts in in raw mode (if it is a terminal), switches out to the
// alternate screen, hides the cursor and starts writing the frames handed to
// it. Close restores the terminal.
func NewScreen(in *os.File, out io.Writer) (*Screen, error) {
	s, err := newScreen(in, out)
	if err != nil {
		return nil, err
	}
	go s.run()
	return s, nil
}

// newScreen returns a Screen on the alternate screen whose writer is not
// running yet.
func newScreen(in *os.File, out io.Writer) (*Screen, error) {
	s := &Screen{in: in, out: out, wake: make(chan struct{}, 1), done: make(chan struct{}), quit: make(chan struct{}), repaint: true}
	if err := s.enter(); err != nil {
		return nil, err
	}
	return s, nil
}

// show hands the newest frame to the writer; it never blocks.
func (s *Screen) show(frame string) {
	s.mu.Lock()
	s.next, s.pending = frame, true
	s.mu.Unlock()
	s.poke()
}

// poke wakes the writer if it is not already due to run.
func (s *Screen) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// redraw makes the next frame be drawn whole (after a resize).
func (s *Screen) redraw() {
	s.mu.Lock()
	s.repaint = true
	s.mu.Unlock()
}

// enter puts the input in raw mode, switches to the alternate screen and
// hides the cursor; the next frame is drawn whole.
func (s *Screen) enter() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	was := s.inAlt
	s.inAlt, s.repaint = true, true
	s.mu.Unlock()
	if was {
		return nil
	}
	if s.in != nil && term.IsTerminal(s.in.Fd()) {
		st, err := term.MakeRaw(s.in.Fd())
		if err != nil {
			return fmt.Errorf("enter raw mode: %w", err)
		}
		s.raw = st
	}
	s.vt = enableVT(s.out)
	s.write(seqEnterAlt + seqHideCursor + seqClear)
	return nil
}

// leave shows the cursor, switches back to the normal screen and restores
// the input's mode (before a suspend, and on Close); nothing is drawn until
// enter.
func (s *Screen) leave() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	was := s.inAlt
	s.inAlt = false
	s.mu.Unlock()
	if !was {
		return
	}
	s.write(seqShowCursor + seqLeaveAlt)
	if s.vt != nil {
		if err := s.vt(); err != nil && s.err == nil {
			s.err = fmt.Errorf("restore console mode: %w", err)
		}
		s.vt = nil
	}
	if s.raw != nil {
		if err := term.Restore(s.in.Fd(), s.raw); err != nil && s.err == nil {
			s.err = fmt.Errorf("restore terminal mode: %w", err)
		}
		s.raw = nil
	}
}

// Close stops the writer and restores the terminal. It returns the first
// write error, if any.
func (s *Screen) Close() error {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	<-s.quit
	s.leave()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.err
}

// run writes frames as they are handed over, until Close.
func (s *Screen) run() {
	defer close(s.quit)
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
			s.flush()
		}
	}
}

// flush writes the pending frame: the lines that differ from the last frame
// written, or the whole frame after a repaint request or a change in height.
func (s *Screen) flush() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if !s.pending || !s.inAlt {
		s.mu.Unlock()
		return
	}
	frame, whole := s.next, s.repaint
	s.pending, s.repaint = false, false
	s.mu.Unlock()

	lines := strings.Split(frame, "\n")
	whole = whole || len(lines) != len(s.last)
	var b strings.Builder
	if whole {
		b.WriteString(seqClear)
	}
	for i, l := range lines {
		if !whole && l == s.last[i] {
			continue
		}
		b.WriteString("\x1b[")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(";1H")
		b.WriteString(seqEraseLine)
		b.WriteString(l)
	}
	s.last = append(s.last[:0], lines...)
	if b.Len() > 0 {
		s.write(b.String())
	}
}

// write writes seq to the terminal, keeping the first error. s.wmu is held.
func (s *Screen) write(seq string) {
	if _, err := io.WriteString(s.out, seq); err != nil && s.err == nil {
		s.err = err
	}
}
