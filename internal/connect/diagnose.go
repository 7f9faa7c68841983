package connect

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/neterr"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Classes of registry failures that callers act on, matched with
// errors.Is through a HopError.
var (
	// ErrRegistryAuth: the registry refused the credentials (401, 403).
	ErrRegistryAuth = errors.New("registry refused the credentials")
	// ErrRegistryUnreachable: the registry's host is unknown or refuses
	// connections; it may come up later.
	ErrRegistryUnreachable = errors.New("registry unreachable")
)

// HopError is a failed step on the way to the cluster: what is wrong, on
// one line, and the setting to change. It never holds a secret.
type HopError struct {
	Class error  // ErrRegistryAuth, ErrRegistryUnreachable or nil
	What  string // what is wrong
	Fix   string // what to change; may be empty
	Err   error  // the cause, for errors.Is and errors.As
}

// Is reports whether target is the class of e.
func (e *HopError) Is(target error) bool { return e.Class != nil && target == e.Class }

// Error returns "what; fix".
func (e *HopError) Error() string {
	if e.Fix == "" {
		return e.What
	}
	return e.What + "; " + e.Fix
}

// Unwrap returns the cause.
func (e *HopError) Unwrap() error { return e.Err }

// brokerSetting names the setting the broker addresses come from.
func brokerSetting(cfg config.Config) string {
	if len(cfg.Kafka.Brokers) > 0 {
		return "kafka.brokers (-b)"
	}
	return "hops.url and kafka.port"
}

// CertName describes a certificate by subject, for messages.
func CertName(c *x509.Certificate) string {
	return fmt.Sprintf("%q", c.Subject.String())
}

// rootsSource names where the trusted CAs came from.
func rootsSource(info tlsfiles.Info) string {
	if info.RootsSetting == "" {
		return "the system's CAs (set project.ca_file or tls.truststore for the cluster's own CA)"
	}
	return info.RootsSetting + " " + info.RootsPath
}

// clientSource names where the client certificate came from.
func clientSource(info tlsfiles.Info) string {
	if info.Certificate == nil {
		return "no client certificate"
	}
	return fmt.Sprintf("client certificate %s from %s %s", CertName(info.Certificate), info.CertificateSetting, info.CertificatePath)
}

// ExplainProbe turns a failed broker probe into a one-line error naming
// what to fix.
func ExplainProbe(err error, cfg config.Config, info tlsfiles.Info) error {
	var pe *stream.ProbeError
	if !errors.As(err, &pe) {
		return err
	}
	b := "kafka broker " + pe.Broker
	h := &HopError{Err: err}
	switch pe.Stage {
	case stream.StageDNS:
		h.What = fmt.Sprintf("%s: host not found (%v)", b, RootCause(pe.Err))
		h.Fix = "check " + brokerSetting(cfg)
	case stream.StageTCP:
		h.What = fmt.Sprintf("%s: cannot connect (%v)", b, RootCause(pe.Err))
		h.Fix = "check " + brokerSetting(cfg) + " (is the broker running, is the port right?)"
	case stream.StageTLS:
		explainTLS(h, b, pe, info)
	case stream.StageSASL:
		mech := cfg.Kafka.SASLMechanism
		switch {
		case errors.Is(pe.Err, kafka.SASLAuthenticationFailed):
			h.What = fmt.Sprintf("%s rejected SASL %s authentication of user %q", b, mech, cfg.Kafka.SASLUsername)
			h.Fix = "check kafka.sasl_username and kafka.sasl_password"
		case errors.Is(pe.Err, kafka.UnsupportedSASLMechanism):
			h.What = fmt.Sprintf("%s does not offer SASL %s", b, mech)
			h.Fix = "check kafka.sasl_mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"
		default:
			h.What = fmt.Sprintf("%s: SASL %s authentication failed (%v)", b, mech, RootCause(pe.Err))
			h.Fix = "check kafka.security_protocol and kafka.sasl_mechanism"
		}
	default: // stream.StageAPI
		var silent *stream.NoAnswerError
		switch {
		case pe.PeerHTTP:
			h.What = fmt.Sprintf("%s answers HTTP, not Kafka (a schema registry or another web server?)", b)
			h.Fix = "check " + brokerSetting(cfg) + ": give a Kafka listener's port (the registry's URL goes in registry.url or --registry)"
		case pe.PeerTLS:
			h.What = fmt.Sprintf("%s speaks TLS, but kafka.security_protocol is %s", b, cfg.Kafka.SecurityProtocol)
			h.Fix = "set kafka.security_protocol = SSL (or SASL_SSL) with the cluster's CA (project.ca_file or tls.truststore) and client certificate"
		case errors.As(pe.Err, &silent):
			h.What = fmt.Sprintf("%s took the connection but answered nothing within %s", b, silent.Within)
			h.Fix = "check " + brokerSetting(cfg) + ": is it a Kafka broker's address, and is the broker alive?"
		case cfg.UsesSASL():
			h.What = fmt.Sprintf("%s refused the first request after authentication (%v)", b, RootCause(pe.Err))
			h.Fix = "check that user " + fmt.Sprintf("%q", cfg.Kafka.SASLUsername) + " may describe the cluster"
		default:
			h.What = fmt.Sprintf("%s closed the connection on the first request (%v)", b, RootCause(pe.Err))
			h.Fix = "if it requires SASL, set kafka.security_protocol = SASL_SSL or SASL_PLAINTEXT and kafka.sasl_*"
		}
	}
	return h
}

// explainTLS fills h for a failed TLS handshake with a broker.
func explainTLS(h *HopError, b string, pe *stream.ProbeError, info tlsfiles.Info) {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var op *net.OpError
	switch {
	case pe.PeerPlaintext:
		h.What = b + " does not speak TLS (it answers plaintext Kafka requests)"
		h.Fix = "set kafka.security_protocol = PLAINTEXT (or SASL_PLAINTEXT), or use the broker's TLS port"
	case errors.As(pe.Err, &unknown):
		h.What = fmt.Sprintf("%s: server certificate%s is issued by %s, which is not a CA in %s", b, leafName(pe.Err), issuerName(unknown.Cert), rootsSource(info))
		h.Fix = "set project.ca_file or tls.truststore to the cluster's CA"
	case errors.As(pe.Err, &host):
		names := append([]string(nil), host.Certificate.DNSNames...)
		for _, ip := range host.Certificate.IPAddresses {
			names = append(names, ip.String())
		}
		h.What = fmt.Sprintf("%s: server certificate is for %s, not %s", b, strings.Join(names, ", "), host.Host)
		h.Fix = "set tls.skip_hostname_verification = true (Hopsworks brokers need it) or connect by a name the certificate lists"
	case errors.As(pe.Err, &invalid) && invalid.Reason == x509.Expired:
		h.What = fmt.Sprintf("%s: server certificate %s is outside its validity (%s to %s)", b, CertName(invalid.Cert),
			invalid.Cert.NotBefore.UTC().Format(time.RFC3339), invalid.Cert.NotAfter.UTC().Format(time.RFC3339))
		h.Fix = "the broker's certificate must be renewed (or this machine's clock is wrong)"
	case errors.As(pe.Err, &op) && op.Op == "remote error":
		alert := op.Err.Error()
		switch {
		case !pe.ClientCertificateSent:
			h.What = fmt.Sprintf("%s requires a client certificate (%s)", b, alert)
			h.Fix = "set tls.keystore, or project.certificate_file and project.key_file"
		default:
			h.What = fmt.Sprintf("%s refused the %s (%s)", b, clientSource(info), alert)
			h.Fix = "use the certificate the cluster issued (is it signed by the cluster's CA, still valid?)"
		}
	case errors.Is(pe.Err, context.DeadlineExceeded) || errors.Is(pe.Err, os.ErrDeadlineExceeded) || errors.Is(pe.Err, io.EOF) || neterr.ConnReset(pe.Err):
		h.What = fmt.Sprintf("%s: no TLS handshake (%v)", b, RootCause(pe.Err))
		h.Fix = "check kafka.security_protocol and that the port is the broker's TLS listener"
	default:
		h.What = fmt.Sprintf("%s: TLS handshake failed (%v)", b, RootCause(pe.Err))
		h.Fix = "check the CA (project.ca_file, tls.truststore) and kafka.security_protocol"
	}
}

// RootCause strips the "failed to dial: ..." wrappers of kafka-go and net
// down to the innermost message, keeping errors short and on one line.
func RootCause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	return OneLine(err.Error())
}

// OneLine puts text on one line: the lines of joined errors separated by
// "; ", runs of white space within a line folded into one space.
func OneLine(s string) string {
	var parts []string
	for line := range strings.Lines(s) {
		if f := strings.Fields(line); len(f) > 0 {
			parts = append(parts, strings.Join(f, " "))
		}
	}
	return strings.Join(parts, "; ")
}

// registrySetting names the setting the registry URL comes from.
func registrySetting(cfg config.Config) string {
	if cfg.Registry.URL != "" {
		return "registry.url (--registry)"
	}
	return "hops.url"
}

// CredentialSource names the registry credentials in use, for messages.
func CredentialSource(cfg config.Config) (string, string) {
	switch {
	case cfg.API.Key != "":
		return "the API key from api.key", "check api.key (or KAFKAPLOT_API_KEY): a Hopsworks API key with the kafka scope"
	case cfg.API.KeyFile != "":
		return "the API key from api.key_file " + cfg.API.KeyFile, "check the key in api.key_file " + cfg.API.KeyFile + ": a Hopsworks API key with the kafka scope"
	case cfg.Registry.Username != "":
		return fmt.Sprintf("basic auth as %q", cfg.Registry.Username), "check registry.username and registry.password"
	}
	return "a request without credentials", "set api.key or api.key_file (Hopsworks), or registry.username and registry.password (Confluent Cloud)"
}

// ExplainRegistry turns a registry failure into a one-line error naming what
// to fix; errors it does not recognise are returned unchanged.
func ExplainRegistry(err error, cfg config.Config, info tlsfiles.Info) error {
	base := cfg.Redacted().RegistryURL()
	var ae *schema.APIError
	if errors.As(err, &ae) {
		creds, fix := CredentialSource(cfg)
		switch ae.StatusCode {
		case 401:
			return &HopError{Class: ErrRegistryAuth, What: fmt.Sprintf("registry %s refused %s (401 %s)", base, creds, ae.Message), Fix: fix, Err: err}
		case 403:
			return &HopError{Class: ErrRegistryAuth, What: fmt.Sprintf("registry %s: the %s may not read project %s's schemas (403 %s)", base, creds, cfg.Project.ID, ae.Message),
				Fix: "check that the key's user is a member of the project (project.id) and the key has the kafka scope", Err: err}
		}
		return err
	}
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var silent *schema.NoAnswerError
	h := &HopError{Err: err}
	switch {
	case errors.As(err, &unknown):
		h.What = fmt.Sprintf("registry %s: certificate%s is issued by %s, which is not a CA in %s", base, leafName(err), issuerName(unknown.Cert), VerifySource(info))
		h.Fix = "set hops.verify to the registry's CA file (false skips verification: testing only)"
	case errors.As(err, &host):
		h.What = fmt.Sprintf("registry %s: certificate is not for %s", base, host.Host)
		h.Fix = "use the host name the certificate names in " + registrySetting(cfg) + ", or set hops.verify = false (testing only)"
	case errors.As(err, &invalid):
		h.What = fmt.Sprintf("registry %s: certificate %s is not valid now (%v)", base, certIssuer(invalid.Cert), invalid.Reason)
		h.Fix = "the registry's certificate must be renewed, or set hops.verify = false (testing only)"
	case errors.As(err, &rh) || errors.Is(err, http.ErrSchemeMismatch):
		h.What = fmt.Sprintf("registry %s speaks plain HTTP, not HTTPS", base)
		h.Fix = "use http:// in registry.url"
	case errors.As(err, &silent):
		h.What = fmt.Sprintf("registry %s took the connection but answered nothing within %s", base, silent.Within)
		h.Fix = "check " + registrySetting(cfg) + ": is it the registry's address, and is the registry alive?"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		h.What = fmt.Sprintf("registry %s closed the connection without an HTTP answer", base)
		h.Fix = "check " + registrySetting(cfg) + ": is the port the registry's, not a Kafka broker's?"
	case neterr.ConnRefused(err):
		h.Class = ErrRegistryUnreachable
		h.What = fmt.Sprintf("registry %s: connection refused", base)
		h.Fix = "check " + registrySetting(cfg) + " and its port"
	case isDNSError(err):
		h.Class = ErrRegistryUnreachable
		h.What = fmt.Sprintf("registry %s: host not found", base)
		h.Fix = "check " + registrySetting(cfg)
	default:
		return err
	}
	return h
}

// leafName returns ` "CN=..."` for the server certificate a failed
// verification was about, or "" when the error does not carry it.
func leafName(err error) string {
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) && len(ve.UnverifiedCertificates) > 0 {
		return " " + CertName(ve.UnverifiedCertificates[0])
	}
	return ""
}

// issuerName names the issuer of the last certificate a verification reached.
func issuerName(c *x509.Certificate) string {
	if c == nil {
		return "an unknown issuer"
	}
	return fmt.Sprintf("%q", c.Issuer.String())
}

func certIssuer(c *x509.Certificate) string {
	if c == nil {
		return "(none)"
	}
	return fmt.Sprintf("%s issued by %q", CertName(c), c.Issuer.String())
}

func VerifySource(info tlsfiles.Info) string {
	if info.RootsSetting == "" {
		return "the system's CAs (hops.verify = true)"
	}
	return info.RootsSetting + " " + info.RootsPath
}

func isDNSError(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// RegistryHostPort returns the host:port of a registry URL.
func RegistryHostPort(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}
