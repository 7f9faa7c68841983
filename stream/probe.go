package stream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/segmentio/kafka-go"
)

// ProbeError is a failed step of Probe.
type ProbeError struct {
	// Broker is the address probed.
	Broker string
	// Stage is the step that failed: StageDNS, StageTCP, StageTLS, StageSASL or StageAPI.
	Stage string
	// Err is what went wrong: a *NoAnswerError when the broker took the
	// connection and sent nothing back in time.
	Err error
	// PeerTLS is set when a plaintext connection failed and the broker
	// completes a TLS handshake: it wants TLS.
	PeerTLS bool
	// PeerPlaintext is set when the TLS handshake failed and the broker
	// answers a plaintext Kafka request: it does not speak TLS.
	PeerPlaintext bool
	// PeerHTTP is set when the first Kafka request failed and the address
	// answers an HTTP request: it is a web server (a schema registry?).
	PeerHTTP bool
	// ClientCertificateSent is set when the server asked for a client
	// certificate during the handshake and one was given.
	ClientCertificateSent bool
}

// Error returns "<broker>: <stage>: <problem>".
func (e *ProbeError) Error() string {
	return e.Broker + ": " + e.Stage + ": " + e.Err.Error()
}

// Unwrap returns the problem.
func (e *ProbeError) Unwrap() error { return e.Err }

// NoAnswerError is a peer that took the connection and answered nothing
// within Within. It is a timeout: errors.Is matches os.ErrDeadlineExceeded
// and context.DeadlineExceeded.
type NoAnswerError struct {
	// Within is the time it was given.
	Within time.Duration
}

// Error returns "no answer within <Within>".
func (e *NoAnswerError) Error() string { return "no answer within " + e.Within.String() }

// Timeout reports true.
func (e *NoAnswerError) Timeout() bool { return true }

// Is matches the standard timeouts.
func (e *NoAnswerError) Is(target error) bool {
	return target == os.ErrDeadlineExceeded || target == context.DeadlineExceeded
}

// BrokerProbe is what Probe learned about one broker.
type BrokerProbe struct {
	// Broker is the address probed.
	Broker string
	// Addrs are the addresses its host resolved to.
	Addrs []string
	// TLS is the handshake's outcome; nil without TLS.
	TLS *tls.ConnectionState
	// ClientCertificateRequested is true when the server asked for a client certificate.
	ClientCertificateRequested bool
	// ClientCertificateSent is true when we gave one.
	ClientCertificateSent bool
	// APIs is the number of Kafka APIs the broker supports.
	APIs int
}

// Probe connects to broker one step at a time (DNS, TCP, TLS handshake,
// SASL, ApiVersions and a metadata request) and returns what it learned, or a *ProbeError naming
// the step that failed. A TLS 1.3 server rejects a client certificate only
// after the handshake, with an alert: Probe reports that as a StageTLS
// failure too. The steps together are bounded by the connection's
// DialTimeout, and a failed first request by as much again while Probe
// asks whether the address speaks TLS or HTTP instead; cancelling ctx ends
// Probe at any step.
func (c Connection) Probe(ctx context.Context, broker string) (BrokerProbe, error) {
	timeout := c.dialTimeout()
	stepCtx, cancel := context.WithTimeoutCause(ctx, timeout, &NoAnswerError{Within: timeout})
	defer cancel()
	p, conn, err := c.transport(stepCtx, broker)
	if err != nil {
		var pe *ProbeError
		if errors.As(err, &pe) && pe.Stage == StageTLS && !isCertificateError(pe.Err) && ctx.Err() == nil {
			pe.PeerPlaintext = c.answersPlaintext(ctx, broker)
		}
		return p, err
	}
	// kafka-go's Conn takes no context and clears the deadline before each
	// request: closing the connection when stepCtx ends bounds every step.
	defer context.AfterFunc(stepCtx, func() { conn.Close() })()
	defer func() { conn.Close() }()
	fail := func(stage string, err error) (BrokerProbe, error) {
		return p, &ProbeError{Broker: broker, Stage: stage, Err: ended(stepCtx, err), ClientCertificateSent: p.ClientCertificateSent}
	}

	kc := kafka.NewConnWith(conn, kafka.ConnConfig{ClientID: c.clientID()})
	if c.SASL != nil {
		established := conn
		dialer := &kafka.Dialer{
			ClientID:      c.clientID(),
			Timeout:       timeout,
			SASLMechanism: c.SASL,
			DialFunc: func(context.Context, string, string) (net.Conn, error) {
				return established, nil
			},
		}
		if kc, err = dialer.DialContext(stepCtx, "tcp", broker); err != nil {
			if isRemoteAlert(err) {
				return fail(StageTLS, err)
			}
			return fail(StageSASL, err)
		}
	}
	versions, err := kc.ApiVersions()
	if err != nil {
		if isRemoteAlert(err) {
			return fail(StageTLS, err)
		}
		pe := &ProbeError{Broker: broker, Stage: StageAPI, Err: ended(stepCtx, err), ClientCertificateSent: p.ClientCertificateSent}
		if ctx.Err() == nil {
			pe.PeerTLS, pe.PeerHTTP = c.peerProtocol(ctx, broker)
		}
		return p, pe
	}
	p.APIs = len(versions)
	// ApiVersions is allowed before authentication; a metadata request is
	// not, so it shows a broker that wants SASL we did not do.
	if _, err := kc.Brokers(); err != nil {
		if isRemoteAlert(err) {
			return fail(StageTLS, err)
		}
		return fail(StageAPI, err)
	}
	return p, nil
}

// ended returns err, or, when ctx ended first (and closed the connection
// under it), why ctx ended.
func ended(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// peerProtocol asks, both at once, whether broker completes a TLS handshake
// (only when we spoke plaintext) and whether it answers HTTP.
func (c Connection) peerProtocol(ctx context.Context, broker string) (peerTLS, peerHTTP bool) {
	tlsDone := make(chan bool, 1)
	go func() { tlsDone <- c.TLS == nil && speaksTLS(ctx, broker, c.dialTimeout()) }()
	peerHTTP = c.speaksHTTP(ctx, broker)
	return <-tlsDone, peerHTTP
}

// speaksHTTP reports whether addr answers an HTTP request (over the
// connection's TLS, if any) with an HTTP status line.
func (c Connection) speaksHTTP(ctx context.Context, addr string) bool {
	stepCtx, cancel := context.WithTimeout(ctx, c.dialTimeout())
	defer cancel()
	_, conn, err := c.transport(stepCtx, addr)
	if err != nil {
		return false
	}
	defer conn.Close()
	defer context.AfterFunc(stepCtx, func() { conn.Close() })()
	host, _, _ := net.SplitHostPort(addr)
	if _, err := io.WriteString(conn, "GET / HTTP/1.0\r\nHost: "+host+"\r\n\r\n"); err != nil {
		return false
	}
	status := make([]byte, 5)
	_, err = io.ReadFull(conn, status)
	return err == nil && string(status) == "HTTP/"
}

// ProbeTransport takes Probe's first steps to any TLS or TCP endpoint (a
// schema registry, say): DNS, TCP and, with the connection's TLS, the
// handshake; it sends nothing after. Failures are *ProbeError; every step
// is bounded by the connection's DialTimeout.
func (c Connection) ProbeTransport(ctx context.Context, addr string) (BrokerProbe, error) {
	stepCtx, cancel := context.WithTimeout(ctx, c.dialTimeout())
	defer cancel()
	p, conn, err := c.transport(stepCtx, addr)
	if err != nil {
		return p, err
	}
	// Every step passed; a failed close_notify says nothing about the endpoint.
	_ = conn.Close()
	return p, nil
}

// transport resolves addr, connects and, with TLS, completes the
// handshake, within stepCtx; it returns the open connection, or a
// *ProbeError naming the step that failed.
func (c Connection) transport(stepCtx context.Context, addr string) (BrokerProbe, net.Conn, error) {
	p := BrokerProbe{Broker: addr}
	fail := func(stage string, err error) (BrokerProbe, net.Conn, error) {
		return p, nil, &ProbeError{Broker: addr, Stage: stage, Err: err, ClientCertificateSent: p.ClientCertificateSent}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fail(StageDNS, err)
	}
	if net.ParseIP(host) == nil {
		addrs, err := net.DefaultResolver.LookupHost(stepCtx, host)
		if err != nil {
			return fail(StageDNS, err)
		}
		p.Addrs = addrs
	} else {
		p.Addrs = []string{host}
	}
	raw, err := dialDeadline(stepCtx, addr, c.dialTimeout())
	if err != nil {
		return fail(StageTCP, err)
	}
	if c.TLS == nil {
		return p, raw, nil
	}
	cfg := c.TLS.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if get := cfg.GetClientCertificate; get != nil {
		cfg.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			p.ClientCertificateRequested = true
			cert, err := get(cri)
			p.ClientCertificateSent = err == nil && cert != nil && len(cert.Certificate) > 0
			return cert, err
		}
	} else {
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			p.ClientCertificateRequested = true
			if len(c.TLS.Certificates) > 0 {
				p.ClientCertificateSent = true
				return &c.TLS.Certificates[0], nil
			}
			return &tls.Certificate{}, nil
		}
	}
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(stepCtx); err != nil {
		tc.Close()
		return fail(StageTLS, err)
	}
	state := tc.ConnectionState()
	p.TLS = &state
	return p, tc, nil
}

// isRemoteAlert reports whether err is a TLS alert the peer sent (after
// the handshake, a TLS 1.3 server's verdict on our certificate).
func isRemoteAlert(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}

// isCertificateError reports whether a handshake failed on verifying the
// server's certificate (the server did speak TLS).
func isCertificateError(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid) || isRemoteAlert(err)
}

// answersPlaintext reports whether broker answers an ApiVersions request
// sent without TLS.
func (c Connection) answersPlaintext(ctx context.Context, broker string) bool {
	conn, err := dialDeadline(ctx, broker, c.dialTimeout())
	if err != nil {
		return false
	}
	defer conn.Close()
	kc := kafka.NewConnWith(conn, kafka.ConnConfig{ClientID: c.clientID()})
	// kafka-go's Conn would clear the deadline dialDeadline set.
	if err := kc.SetDeadline(time.Now().Add(c.dialTimeout())); err != nil {
		return false
	}
	defer context.AfterFunc(ctx, func() { conn.Close() })()
	_, err = kc.ApiVersions()
	return err == nil
}

// speaksTLS reports whether broker completes a TLS handshake (certificate
// unchecked: only the protocol matters here).
func speaksTLS(ctx context.Context, broker string, timeout time.Duration) bool {
	conn, err := dialDeadline(ctx, broker, timeout)
	if err != nil {
		return false
	}
	defer conn.Close()
	// Only the protocol is probed; nothing is sent after the handshake.
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) // #nosec G402
	err = tc.HandshakeContext(ctx)
	return err == nil || isRemoteAlert(err)
}

// dialDeadline connects to broker over TCP; the connection's reads and
// writes must end within timeout too.
func dialDeadline(ctx context.Context, broker string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", broker)
	if err != nil {
		return nil, err
	}
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
