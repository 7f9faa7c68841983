package cluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestRun runs the cluster in-process, plain and as a secure rehearsal: it
// says where it listens, the rehearsal writes its files, and Run returns
// nil once its context ends.
func TestRun(t *testing.T) {
	for _, tt := range []struct {
		name     string
		secure   bool
		wantOut  []string
		wantFile string
	}{
		{name: "plain", wantOut: []string{"kafka broker", "schema registry http://", "topic           temperature (3 partitions)", "subject         sensor", "Press Ctrl-c to stop."}},
		{name: "secure", secure: true, wantOut: []string{"secure rehearsal cluster", "(TLS, client certificate required)", "(API key required)", "wrote", "try             kafkaplot produce -c "},
			wantFile: embedded.FileConfig},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{Broker: testsupport.FreeAddr(t), Registry: testsupport.FreeAddr(t), Topic: "temperature", Partitions: 3, Subject: "sensor",
				Project: "Kafka_Tutorial", ProjectID: "1143"}
			if tt.secure {
				o.Secure = t.TempDir()
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out testsupport.Buffer
			done := make(chan error, 1)
			go func() { done <- Run(ctx, o, &out) }()
			testsupport.WaitUntil(t, "the cluster's address lines", 20*time.Second, func() bool {
				select {
				case err := <-done:
					t.Fatalf("Run returned early: %v\n%s", err, out.String())
				default:
				}
				return strings.Contains(out.String(), "Press Ctrl-c to stop.")
			})
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			if tt.wantFile != "" {
				if _, err := os.Stat(filepath.Join(o.Secure, tt.wantFile)); err != nil {
					t.Errorf("the rehearsal did not write %s: %v", tt.wantFile, err)
				}
			}
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("Run did not return within 20 s of its context's end")
			}
		})
	}
}
