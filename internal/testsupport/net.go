package testsupport

import (
	"net"
	"testing"
	"time"
)

// FreeAddr returns a loopback address that was free a moment ago.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// WaitListening waits until addr accepts connections, failing the test
// after within.
func WaitListening(tb testing.TB, addr string, within time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not listen within %s: %v", addr, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitUntil polls cond every 50 ms until it holds, failing the test with
// what it waited for after within.
func WaitUntil(tb testing.TB, what string, within time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
