package stream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// returns runs f and fails the test if it has not returned after a
// minute: f must end by itself.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not return", what)
	}
}

func TestProbeSilentAndHTTPPeers(t *testing.T) {
	web := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(web.Close)
	tests := []struct {
		name     string
		addr     string
		noAnswer bool
		http     bool
	}{
		{name: "accepts and never answers", addr: testsupport.SilentListener(t), noAnswer: true},
		// Go's HTTP server waits for the end of a request line that a
		// Kafka request never sends.
		{name: "an HTTP server", addr: strings.TrimPrefix(web.URL, "http://"), noAnswer: true, http: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := Connection{Brokers: []string{tt.addr}, DialTimeout: 300 * time.Millisecond}
			var err error
			returns(t, "Probe", func() { _, err = conn.Probe(context.Background(), tt.addr) })
			var pe *ProbeError
			if !errors.As(err, &pe) {
				t.Fatalf("Probe: %v, want a *ProbeError", err)
			}
			if pe.Stage != StageAPI || pe.Broker != tt.addr {
				t.Errorf("failed at %s of %s, want %s of %s", pe.Stage, pe.Broker, StageAPI, tt.addr)
			}
			var na *NoAnswerError
			if got := errors.As(err, &na); got != tt.noAnswer {
				t.Errorf("%v: no answer = %v, want %v", err, got, tt.noAnswer)
			}
			if tt.noAnswer && (!errors.Is(err, os.ErrDeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 300ms")) {
				t.Errorf("%v: want a timeout saying how long it waited", err)
			}
			if pe.PeerHTTP != tt.http || pe.PeerTLS {
				t.Errorf("PeerHTTP = %v, PeerTLS = %v; want %v, false", pe.PeerHTTP, pe.PeerTLS, tt.http)
			}
		})
	}
}

func TestProbeEndsWhenCancelled(t *testing.T) {
	addr := testsupport.SilentListener(t)
	conn := Connection{Brokers: []string{addr}, DialTimeout: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	var err error
	returns(t, "Probe", func() { _, err = conn.Probe(ctx, addr) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Probe: %v, want context.Canceled", err)
	}
}

// TestRequestsToSilentBrokerEnd checks that the requests with no deadline
// of their own (a leader lookup through the Dialer, a group description)
// end with an error after RequestTimeout.
func TestRequestsToSilentBrokerEnd(t *testing.T) {
	addr := testsupport.SilentListener(t)
	conn := Connection{Brokers: []string{addr}, DialTimeout: time.Second, RequestTimeout: 300 * time.Millisecond}
	tests := []struct {
		name string
		call func() error
	}{
		{"Dialer().LookupPartitions", func() error {
			_, err := conn.Dialer().LookupPartitions(context.Background(), "tcp", addr, "temperature")
			return err
		}},
		{"Group", func() error {
			_, err := conn.Group(context.Background(), "kafkaplot")
			return err
		}},
		{"Partitions", func() error {
			_, err := conn.Partitions(context.Background(), "temperature")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			returns(t, tt.name, func() { err = tt.call() })
			if err == nil {
				t.Fatal("a broker that never answers gave no error")
			}
		})
	}
}
