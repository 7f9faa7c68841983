package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestSilentClusterEnds runs the commands against an address that accepts
// connections and never answers: each ends by itself within 20 s, non-zero,
// naming the address and the setting, and SIGINT ends one that is still
// waiting within 1 s (issue 21's acceptance).
func TestSilentClusterEnds(t *testing.T) {
	endToEnd(t)
	silent := testsupport.SilentListener(t)
	up := startCluster(t)
	tests := []struct {
		name string
		args []string
		want []string // in the output, in order
	}{
		{"consume, silent broker", []string{"consume", "--until-end", "-b", silent, "--registry", "http://" + up.registry},
			[]string{"kafka broker " + silent, "answered nothing within", "check kafka.brokers (-b)"}},
		{"produce, silent broker", []string{"produce", "-e", "1", "-b", silent, "--registry", "http://" + up.registry},
			[]string{"kafka broker " + silent, "answered nothing within", "check kafka.brokers (-b)"}},
		{"doctor, silent broker", []string{"doctor", "-b", silent, "--registry", "http://" + up.registry},
			[]string{"kafka api", "kafka broker " + silent, "answered nothing within", "check kafka.brokers (-b)"}},
		{"consume, silent registry", []string{"consume", "--until-end", "-b", up.broker, "--registry", "http://" + silent},
			[]string{"registry http://" + silent, "answered nothing within", "check registry.url (--registry)"}},
		{"produce, silent registry", []string{"produce", "-e", "1", "-b", up.broker, "--registry", "http://" + silent},
			[]string{"registry http://" + silent, "answered nothing within", "check registry.url (--registry)"}},
		{"doctor, silent registry", []string{"doctor", "-b", up.broker, "--registry", "http://" + silent},
			[]string{"registry http://" + silent, "answered nothing within", "check registry.url (--registry)"}},
		{"consume, registry on the broker port", []string{"consume", "--until-end", "-b", up.registry, "--registry", "http://" + up.registry},
			[]string{"kafka broker " + up.registry, "answers HTTP, not Kafka", "check kafka.brokers (-b)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			stdout, stderr, code := kafkaplot(t, tt.args...)
			out := stdout + stderr
			if code == 0 {
				t.Fatalf("exit 0, want a failure:\n%s", out)
			}
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("ended after %s, want within 20 s", took.Round(time.Millisecond))
			}
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order %q):\n%s", w, tt.want, out)
				}
				rest = rest[i+len(w):]
			}
		})
	}
	t.Run("SIGINT while connecting", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(kafkaplotBin, "consume", "-b", silent, "--registry", "http://"+up.registry)
		cmd.Dir = t.TempDir()
		p := testsupport.Start(t, cmd, os.Interrupt, 130)
		// Well inside the probe's 5 s wait for an answer: 130 (interrupted)
		// rather than 1 (the probe's own failure) shows the signal ended it.
		time.Sleep(time.Second)
		start := time.Now()
		p.Stop(os.Interrupt, 130)
		if took := time.Since(start); took > time.Second {
			t.Errorf("SIGINT ended it after %s, want within 1 s", took.Round(time.Millisecond))
		}
	})
}
