package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestDashboardKeysWithoutTerminalStdin runs the dashboard in tmux with stdin
// redirected from /dev/null and from a pipe: the keys come from the terminal
// in raw mode, so a bare q (no Enter) quits, and the terminal's mode is the
// one it had before.
func TestDashboardKeysWithoutTerminalStdin(t *testing.T) {
	endToEnd(t)
	needBinary(t)
	tests := []struct {
		name          string
		before, after string // around the command
	}{
		{name: "stdin from /dev/null", after: " < /dev/null"},
		{name: "stdin from a pipe", before: "echo piped | "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := testsupport.NewTmux(t)
			dir := t.TempDir()
			tm.Window("shell", 120, 40, "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' bash --norc --noprofile")
			tm.Keys("shell", fmt.Sprintf("stty -g > %s/before", dir), "Enter")
			dash := tm.Wrap("dash", dir, nil, kafkaplotBin, "--embedded-broker", freeAddr(t), "--embedded-registry", freeAddr(t), "--log", dir+"/kafkaplot.log")
			tm.Keys("shell", fmt.Sprintf("%s%s%s; echo exit=$?", tt.before, dash.Command(), tt.after), "Enter")
			tm.WaitScreen("shell", "the dashboard", 30*time.Second, func(s string) bool {
				got, _ := owns(s)
				return got == "0,1"
			})
			tm.Keys("shell", "q")
			tm.WaitScreen("shell", "the dashboard to quit on a bare q", 15*time.Second, func(s string) bool {
				return strings.Contains(s, "exit=0")
			})
			dash.WaitExit(5 * time.Second)
			tm.Keys("shell", fmt.Sprintf("stty -g > %s/after", dir), "Enter")
			var before, after []byte
			deadline := time.Now().Add(5 * time.Second)
			for {
				var err error
				before, _ = os.ReadFile(filepath.Join(dir, "before"))
				after, err = os.ReadFile(filepath.Join(dir, "after"))
				if err == nil && len(after) > 0 || time.Now().After(deadline) {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if len(before) == 0 || string(before) != string(after) {
				t.Errorf("terminal mode after quit %q, want the one before %q", after, before)
			}
		})
	}
}
