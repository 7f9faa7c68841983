package embedded_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestCloseCutsARequestInFlight: a registry client stuck in a request (here
// one that never finishes its headers) does not make stopping the cluster
// fail; its connection is cut.
func TestCloseCutsARequestInFlight(t *testing.T) {
	e, err := embedded.Start(context.Background(), embedded.Config{BrokerAddr: testsupport.FreeAddr(t), RegistryAddr: testsupport.FreeAddr(t)})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.RegistryURL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /subjects HTTP/1.1\r\nHost: registry\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close with a request in flight: %v, want nil", err)
	}
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Error("the stuck request's connection is still open")
	}
}
