package tlsfiles_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// TestVerifyChainOnly handshakes with a server whose certificate names
// another host: refused by default, accepted with SkipHostname
// (tls.skip_hostname_verification), and still refused when its CA is unknown.
func TestVerifyChainOnly(t *testing.T) {
	m := getMaterial(t)
	dir := t.TempDir()
	projectCA := testsupport.WriteFile(t, filepath.Join(dir, "ca.pem"), testsupport.CertsPEM(m.ca.Cert))
	strangerCA := testsupport.WriteFile(t, filepath.Join(dir, "stranger-ca.pem"), testsupport.CertsPEM(m.stranger.Cert))
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{m.server.TLSCertificate()}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				conn.(*tls.Conn).Handshake()
				conn.Close()
			}()
		}
	}()
	cases := []struct {
		name      string
		skip      bool
		ca        string
		host      string
		wantError any // nil, or the x509 error type expected
	}{
		{"host name checked", false, projectCA, "127.0.0.1", x509.HostnameError{}},
		{"host name matches", false, projectCA, "broker.internal", nil},
		{"host name skipped", true, projectCA, "127.0.0.1", nil},
		{"unknown CA with host name skipped", true, strangerCA, "127.0.0.1", x509.UnknownAuthorityError{}},
		{"unknown CA", false, strangerCA, "broker.internal", x509.UnknownAuthorityError{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := tlsfiles.Client{Roots: tlsfiles.Source{Setting: "project.ca_file", Path: c.ca}, SkipHostname: c.skip}
			tc, _, err := client.Load(time.Now())
			if err != nil {
				t.Fatal(err)
			}
			tc.ServerName = c.host
			conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", ln.Addr().String(), tc)
			if conn != nil {
				conn.Close()
			}
			switch c.wantError.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
			case x509.HostnameError:
				var want x509.HostnameError
				if !errors.As(err, &want) {
					t.Fatalf("got %v, want a host name error", err)
				}
			case x509.UnknownAuthorityError:
				var want x509.UnknownAuthorityError
				if !errors.As(err, &want) {
					t.Fatalf("got %v, want an unknown authority error", err)
				}
			}
		})
	}
}
