package main

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
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Classes of registry failures that callers act on, matched with
// errors.Is through a hopError.
var (
	// errRegistryAuth: the registry refused the credentials (401, 403).
	errRegistryAuth = errors.New("registry refused the credentials")
	// errRegistryUnreachable: the registry's host is unknown or refuses
	// connections; it may come up later.
	errRegistryUnreachable = errors.New("registry unreachable")
)

// hopError is a failed step on the way to the cluster: what is wrong, on
// one line, and the setting to change. It never holds a secret.
type hopError struct {
	class error  // errRegistryAuth, errRegistryUnreachable or nil
	what  string // what is wrong
	fix   string // what to change; may be empty
	err   error  // the cause, for errors.Is and errors.As
}

// Is reports whether target is the class of e.
func (e *hopError) Is(target error) bool { return e.class != nil && target == e.class }

// Error returns "what; fix".
func (e *hopError) Error() string {
	if e.fix == "" {
		return e.what
	}
	return e.what + "; " + e.fix
}

// Unwrap returns the cause.
func (e *hopError) Unwrap() error { return e.err }

// brokerSetting names the setting the broker addresses come from.
func brokerSetting(cfg config.Config) string {
	if len(cfg.Kafka.Brokers) > 0 {
		return "kafka.brokers"
	}
	return "hops.url and kafka.port"
}

// certName describes a certificate by subject, for messages.
func certName(c *x509.Certificate) string {
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
	return fmt.Sprintf("client certificate %s from %s %s", certName(info.Certificate), info.CertificateSetting, info.CertificatePath)
}

// explainProbe turns a failed broker probe into a one-line error naming
// what to fix.
func explainProbe(err error, cfg config.Config, info tlsfiles.Info) error {
	var pe *stream.ProbeError
	if !errors.As(err, &pe) {
		return err
	}
	b := "kafka broker " + pe.Broker
	h := &hopError{err: err}
	switch pe.Stage {
	case stream.StageDNS:
		h.what = fmt.Sprintf("%s: host not found (%v)", b, rootCause(pe.Err))
		h.fix = "check " + brokerSetting(cfg)
	case stream.StageTCP:
		h.what = fmt.Sprintf("%s: cannot connect (%v)", b, rootCause(pe.Err))
		h.fix = "check " + brokerSetting(cfg) + " (is the broker running, is the port right?)"
	case stream.StageTLS:
		explainTLS(h, b, pe, info)
	case stream.StageSASL:
		mech := cfg.Kafka.SASLMechanism
		switch {
		case errors.Is(pe.Err, kafka.SASLAuthenticationFailed):
			h.what = fmt.Sprintf("%s rejected SASL %s authentication of user %q", b, mech, cfg.Kafka.SASLUsername)
			h.fix = "check kafka.sasl_username and kafka.sasl_password"
		case errors.Is(pe.Err, kafka.UnsupportedSASLMechanism):
			h.what = fmt.Sprintf("%s does not offer SASL %s", b, mech)
			h.fix = "check kafka.sasl_mechanism (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)"
		default:
			h.what = fmt.Sprintf("%s: SASL %s authentication failed (%v)", b, mech, rootCause(pe.Err))
			h.fix = "check kafka.security_protocol and kafka.sasl_mechanism"
		}
	default: // stream.StageAPI
		switch {
		case pe.PeerTLS:
			h.what = fmt.Sprintf("%s speaks TLS, but kafka.security_protocol is %s", b, cfg.Kafka.SecurityProtocol)
			h.fix = "set kafka.security_protocol = SSL (or SASL_SSL) with the cluster's CA (project.ca_file or tls.truststore) and client certificate"
		case cfg.UsesSASL():
			h.what = fmt.Sprintf("%s refused the first request after authentication (%v)", b, rootCause(pe.Err))
			h.fix = "check that user " + fmt.Sprintf("%q", cfg.Kafka.SASLUsername) + " may describe the cluster"
		default:
			h.what = fmt.Sprintf("%s closed the connection on the first request (%v)", b, rootCause(pe.Err))
			h.fix = "if it requires SASL, set kafka.security_protocol = SASL_SSL or SASL_PLAINTEXT and kafka.sasl_*"
		}
	}
	return h
}

// explainTLS fills h for a failed TLS handshake with a broker.
func explainTLS(h *hopError, b string, pe *stream.ProbeError, info tlsfiles.Info) {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var op *net.OpError
	switch {
	case pe.PeerPlaintext:
		h.what = b + " does not speak TLS (it answers plaintext Kafka requests)"
		h.fix = "set kafka.security_protocol = PLAINTEXT (or SASL_PLAINTEXT), or use the broker's TLS port"
	case errors.As(pe.Err, &unknown):
		h.what = fmt.Sprintf("%s: server certificate%s is issued by %s, which is not a CA in %s", b, leafName(pe.Err), issuerName(unknown.Cert), rootsSource(info))
		h.fix = "set project.ca_file or tls.truststore to the cluster's CA"
	case errors.As(pe.Err, &host):
		names := append([]string(nil), host.Certificate.DNSNames...)
		for _, ip := range host.Certificate.IPAddresses {
			names = append(names, ip.String())
		}
		h.what = fmt.Sprintf("%s: server certificate is for %s, not %s", b, strings.Join(names, ", "), host.Host)
		h.fix = "set tls.skip_hostname_verification = true (Hopsworks brokers need it) or connect by a name the certificate lists"
	case errors.As(pe.Err, &invalid) && invalid.Reason == x509.Expired:
		h.what = fmt.Sprintf("%s: server certificate %s is outside its validity (%s to %s)", b, certName(invalid.Cert),
			invalid.Cert.NotBefore.UTC().Format(time.RFC3339), invalid.Cert.NotAfter.UTC().Format(time.RFC3339))
		h.fix = "the broker's certificate must be renewed (or this machine's clock is wrong)"
	case errors.As(pe.Err, &op) && op.Op == "remote error":
		alert := op.Err.Error()
		switch {
		case !pe.ClientCertificateSent:
			h.what = fmt.Sprintf("%s requires a client certificate (%s)", b, alert)
			h.fix = "set tls.keystore, or project.certificate_file and project.key_file"
		default:
			h.what = fmt.Sprintf("%s refused the %s (%s)", b, clientSource(info), alert)
			h.fix = "use the certificate the cluster issued (is it signed by the cluster's CA, still valid?)"
		}
	case errors.Is(pe.Err, context.DeadlineExceeded) || errors.Is(pe.Err, os.ErrDeadlineExceeded) || errors.Is(pe.Err, io.EOF) || errors.Is(pe.Err, syscall.ECONNRESET):
		h.what = fmt.Sprintf("%s: no TLS handshake (%v)", b, rootCause(pe.Err))
		h.fix = "check kafka.security_protocol and that the port is the broker's TLS listener"
	default:
		h.what = fmt.Sprintf("%s: TLS handshake failed (%v)", b, rootCause(pe.Err))
		h.fix = "check the CA (project.ca_file, tls.truststore) and kafka.security_protocol"
	}
}

// rootCause strips the "failed to dial: ..." wrappers of kafka-go and net
// down to the innermost message, keeping errors short and on one line.
func rootCause(err error) string {
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
	return oneLine(err.Error())
}

// oneLine puts text on one line: the lines of joined errors separated by
// "; ", runs of white space within a line folded into one space.
func oneLine(s string) string {
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
		return "registry.url"
	}
	return "hops.url"
}

// credentialSource names the registry credentials in use, for messages.
func credentialSource(cfg config.Config) (string, string) {
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

// explainRegistry turns a registry failure into a one-line error naming what
// to fix; errors it does not recognise are returned unchanged.
func explainRegistry(err error, cfg config.Config, info tlsfiles.Info) error {
	base := cfg.Redacted().RegistryURL()
	var ae *schema.APIError
	if errors.As(err, &ae) {
		creds, fix := credentialSource(cfg)
		switch ae.StatusCode {
		case 401:
			return &hopError{class: errRegistryAuth, what: fmt.Sprintf("registry %s refused %s (401 %s)", base, creds, ae.Message), fix: fix, err: err}
		case 403:
			return &hopError{class: errRegistryAuth, what: fmt.Sprintf("registry %s: the %s may not read project %s's schemas (403 %s)", base, creds, cfg.Project.ID, ae.Message),
				fix: "check that the key's user is a member of the project (project.id) and the key has the kafka scope", err: err}
		}
		return err
	}
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	h := &hopError{err: err}
	switch {
	case errors.As(err, &unknown):
		h.what = fmt.Sprintf("registry %s: certificate%s is issued by %s, which is not a CA in %s", base, leafName(err), issuerName(unknown.Cert), verifySource(info))
		h.fix = "set hops.verify to the registry's CA file (false skips verification: testing only)"
	case errors.As(err, &host):
		h.what = fmt.Sprintf("registry %s: certificate is not for %s", base, host.Host)
		h.fix = "use the host name the certificate names in " + registrySetting(cfg) + ", or set hops.verify = false (testing only)"
	case errors.As(err, &invalid):
		h.what = fmt.Sprintf("registry %s: certificate %s is not valid now (%v)", base, certIssuer(invalid.Cert), invalid.Reason)
		h.fix = "the registry's certificate must be renewed, or set hops.verify = false (testing only)"
	case errors.As(err, &rh) || errors.Is(err, http.ErrSchemeMismatch):
		h.what = fmt.Sprintf("registry %s speaks plain HTTP, not HTTPS", base)
		h.fix = "use http:// in registry.url"
	case errors.Is(err, syscall.ECONNREFUSED):
		h.class = errRegistryUnreachable
		h.what = fmt.Sprintf("registry %s: connection refused", base)
		h.fix = "check " + registrySetting(cfg) + " and its port"
	case isDNSError(err):
		h.class = errRegistryUnreachable
		h.what = fmt.Sprintf("registry %s: host not found", base)
		h.fix = "check " + registrySetting(cfg)
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
		return " " + certName(ve.UnverifiedCertificates[0])
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
	return fmt.Sprintf("%s issued by %q", certName(c), c.Issuer.String())
}

func verifySource(info tlsfiles.Info) string {
	if info.RootsSetting == "" {
		return "the system's CAs (hops.verify = true)"
	}
	return info.RootsSetting + " " + info.RootsPath
}

func isDNSError(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// registryHostPort returns the host:port of a registry URL.
func registryHostPort(raw string) (string, error) {
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
