package dashboard

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/embedded"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestEmbeddedStartOrJoin checks the choice between starting the embedded
// cluster and joining one: a cluster that does not answer the first quick
// look (a tiny detection time, or a registry slow under load) is joined once
// starting finds its ports taken; a port held by something else gets one
// error naming the address and the flags.
func TestEmbeddedStartOrJoin(t *testing.T) {
	tests := []struct {
		name       string
		occupy     func(t *testing.T, broker, registry string) // what holds the addresses before
		wantJoined bool
		wantErr    []string // parts of the error; nil = no error
	}{
		{
			name:   "nothing there: started",
			occupy: func(*testing.T, string, string) {},
		},
		{
			name: "a cluster not seen by the first look: joined",
			occupy: func(t *testing.T, broker, registry string) {
				emb, err := embedded.Start(context.Background(), embedded.Config{BrokerAddr: broker, RegistryAddr: registry})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { emb.Close() })
			},
			wantJoined: true,
		},
		{
			name: "a registry answering after 1.5 s: joined",
			occupy: func(t *testing.T, broker, registry string) {
				listen(t, broker, nil)
				listen(t, registry, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(1500 * time.Millisecond)
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte("[]"))
				}))
			},
			wantJoined: true,
		},
		{
			name: "registry port held by another server",
			occupy: func(t *testing.T, broker, registry string) {
				listen(t, registry, http.NotFoundHandler())
			},
			wantErr: []string{"is in use by something that is not a kafkaplot cluster", "--embedded-broker", "--embedded-registry"},
		},
		{
			name: "broker port held by a silent listener",
			occupy: func(t *testing.T, broker, registry string) {
				listen(t, broker, nil)
			},
			wantErr: []string{"is in use by something that is not a kafkaplot cluster", "--embedded-broker", "--embedded-registry"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, registry := testsupport.FreeAddr(t), testsupport.FreeAddr(t)
			tt.occupy(t, broker, registry)
			j := embeddedJoin{
				cfg:         embedded.Config{BrokerAddr: broker, RegistryAddr: registry},
				registryURL: "http://" + registry,
				detect:      time.Nanosecond,
				recheck:     5 * time.Second,
			}
			emb, joined, err := j.startOrJoin(context.Background())
			if emb != nil {
				emb.Close()
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("startOrJoin: no error, joined %v", joined)
				}
				for _, part := range tt.wantErr {
					if !strings.Contains(err.Error(), part) {
						t.Errorf("error %q lacks %q", err, part)
					}
				}
				held := broker
				if strings.Contains(tt.name, "registry") {
					held = registry
				}
				if !strings.Contains(err.Error(), held) {
					t.Errorf("error %q does not name the held address %s", err, held)
				}
				return
			}
			if err != nil {
				t.Fatalf("startOrJoin: %v", err)
			}
			if joined != tt.wantJoined || (emb == nil) != joined {
				t.Errorf("joined %v with cluster %v, want joined %v", joined, emb != nil, tt.wantJoined)
			}
		})
	}
}

// listen holds addr until the test ends: serving h over HTTP, or accepting
// connections and saying nothing when h is nil.
func listen(t *testing.T, addr string, h http.Handler) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if h != nil {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
		return
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
}
