package neterr

import (
	"errors"
	"fmt"
	"net"
	"testing"
)

// TestClassifiesRealErrors makes each error the way the platform does and
// checks that only its own test accepts it.
func TestClassifiesRealErrors(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	_, bindErr := net.Listen("tcp", held.Addr().String())

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := closed.Addr().String()
	closed.Close()
	_, dialErr := net.Dial("tcp", addr)

	tests := []struct {
		name                     string
		err                      error
		inUse, refused, wasReset bool
	}{
		{"bind to a held port", bindErr, true, false, false},
		{"dial a closed port", dialErr, false, true, false},
		{"wrapped", fmt.Errorf("start: %w", bindErr), true, false, false},
		{"another error", errors.New("no"), false, false, false},
		{"nil", nil, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AddrInUse(tt.err); got != tt.inUse {
				t.Errorf("AddrInUse(%v) = %v", tt.err, got)
			}
			if got := ConnRefused(tt.err); got != tt.refused {
				t.Errorf("ConnRefused(%v) = %v", tt.err, got)
			}
			if got := ConnReset(tt.err); got != tt.wasReset {
				t.Errorf("ConnReset(%v) = %v", tt.err, got)
			}
		})
	}
}
