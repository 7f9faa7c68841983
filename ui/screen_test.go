package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestScreenWritesOnlyChanges checks what a Screen writes: a new frame
// whole, then only the lines that changed, nothing for an unchanged frame,
// the whole frame again after a resize or a change in height, nothing while
// left (suspended), and the terminal restored on leaving.
func TestScreenWritesOnlyChanges(t *testing.T) {
	var out bytes.Buffer
	s, err := newScreen(nil, &out)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != seqEnterAlt+seqHideCursor+seqClear {
		t.Errorf("start wrote %q", got)
	}
	step := func(name, frame string, before func(), want string) {
		t.Helper()
		out.Reset()
		if before != nil {
			before()
		}
		s.show(frame)
		s.flush()
		if got := out.String(); got != want {
			t.Errorf("%s: wrote %q, want %q", name, got, want)
		}
	}
	line := func(row int, text string) string {
		return "\x1b[" + string(rune('0'+row)) + ";1H" + seqEraseLine + text
	}
	step("first frame", "a\nb\nc", nil, seqClear+line(1, "a")+line(2, "b")+line(3, "c"))
	step("one line changed", "a\nB\nc", nil, line(2, "B"))
	step("unchanged", "a\nB\nc", nil, "")
	step("resized", "a\nB\nc", s.redraw, seqClear+line(1, "a")+line(2, "B")+line(3, "c"))
	step("taller", "a\nB\nc\nd", nil, seqClear+line(1, "a")+line(2, "B")+line(3, "c")+line(4, "d"))
	step("suspended", "x\nB\nc\nd", s.leave, seqShowCursor+seqLeaveAlt)
	step("resumed", "x\nB\nc\nd", func() {
		if err := s.enter(); err != nil {
			t.Fatal(err)
		}
	}, seqEnterAlt+seqHideCursor+seqClear+seqClear+line(1, "x")+line(2, "B")+line(3, "c")+line(4, "d"))
}

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestScreenDrawsModelFrames runs a Screen's writer under a model: a frame
// rendered by the model reaches the terminal without bubbletea's renderer,
// and Close leaves the alternate screen and shows the cursor.
func TestScreenDrawsModelFrames(t *testing.T) {
	var out syncBuffer
	s, err := NewScreen(nil, &out)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: testStart()}
	o := testOptions(c)
	o.Screen = s
	update(New(o), keyMsg("?"), tFrame(80, 24))
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "kafkaplot keys") {
		if time.Now().After(deadline) {
			t.Fatalf("the help frame was not written: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasSuffix(got, seqShowCursor+seqLeaveAlt) {
		t.Errorf("Close did not restore the terminal: ends %q", got[max(len(got)-40, 0):])
	}
}

// tFrame is a resize to w×h, which renders a frame.
func tFrame(w, h int) tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }

// TestScreenCutsTooSmallMessage checks that the "terminal too small"
// frame reaches the terminal in lines no wider than it, not wrapped by it.
func TestScreenCutsTooSmallMessage(t *testing.T) {
	var out bytes.Buffer
	s, err := newScreen(nil, &out)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{now: testStart()}
	o := testOptions(c)
	o.Screen = s
	m := update(New(o), tFrame(12, 3))
	out.Reset()
	s.flush()
	want := seqClear + "\x1b[1;1H" + seqEraseLine + "need 40×10," + "\x1b[2;1H" + seqEraseLine + "have 12×3:" + "\x1b[3;1H" + seqEraseLine + "terminal too"
	if got := out.String(); got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
	if !strings.HasPrefix(m.View(), "need 40×10, ") && !strings.HasPrefix(m.View(), "need 40×10,\n") {
		t.Errorf("View() = %q, want the size needed first", m.View())
	}
}
