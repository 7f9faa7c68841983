package testsupport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"
)

// FreeAddr returns a loopback address that was free a moment ago. Its
// port is drawn at random below Linux's ephemeral range (32768 and up), so
// that neither another test's FreeAddr (the kernel hands out ephemeral
// ports in turn) nor an outgoing connection takes it before the test binds
// it.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	const low, high = 20000, 32768
	var err error
	for range 100 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", low+rand.IntN(high-low))); err == nil {
			defer ln.Close()
			return ln.Addr().String()
		}
	}
	tb.Fatalf("find a free port in %d-%d: %v", low, high-1, err)
	return ""
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

// SilentListener returns the address of a listener that accepts
// connections and never writes a byte, like an address a wedged process or
// a firewall holds open. It closes when the test ends.
func SilentListener(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return ln.Addr().String()
}
