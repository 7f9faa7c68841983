// Package doctor is kafkaplot doctor's engine: it checks each hop from the
// configuration to the consumer group and the registry, prints one line
// per check (✓, ! or ✗ with what to fix), and returns an error whose exit
// code is the class of the first failure. It does not parse flags.
package doctor

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/connect"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Summary is kafkaplot doctor's help: the checks and the exit codes.
const Summary = `kafkaplot doctor: check each hop from the configuration to the consumer group
and say what to fix: config parsed; credentials loaded; for every broker DNS,
TCP, the TLS handshake (server certificate subject, issuer and expiry; client
certificate accepted?), SASL and Kafka API versions; cluster metadata; the
topic and its partitions; the registry's DNS, TCP, TLS, credentials, subject
and compatibility level; the consumer group's state. One line per check, ✓ or ✗.

Exit status: 0 when every check passes, else the class of the first failure:
3 configuration or credentials, 4 network (DNS, TCP), 5 TLS, 6 authentication
(SASL, registry API key or password), 7 Kafka (metadata, topic, group),
8 registry (subject, compatibility).`

// Exit codes of kafkaplot doctor: the class of the first failed check.
const (
	ExitConfig   = 3 // the configuration or the credentials it names
	ExitNetwork  = 4 // DNS or TCP to a broker or the registry
	ExitTLS      = 5 // a TLS handshake
	ExitAuth     = 6 // SASL, or the registry's API key or password
	ExitKafka    = 7 // Kafka requests: API versions, metadata, topic, group
	ExitRegistry = 8 // the registry's answers: subject, compatibility
)

// Error is the outcome of a doctor run with failed checks.
type Error struct {
	Failed int    // the checks that failed
	First  string // the first failed check
	Code   int    // its class: an Exit constant
}

func (e *Error) Error() string {
	return fmt.Sprintf("doctor: %d check(s) failed, the first: %s", e.Failed, e.First)
}

// ExitCode returns the class of the first failure.
func (e *Error) ExitCode() int { return e.Code }

// doctor prints checks and remembers the first failure.
type doctor struct {
	out    io.Writer
	failed int
	first  string
	code   int
}

func (d *doctor) ok(check, detail string) {
	fmt.Fprintf(d.out, "✓ %-15s %s\n", check, detail)
}

func (d *doctor) note(check, detail string) {
	fmt.Fprintf(d.out, "! %-15s %s\n", check, detail)
}

// fail prints a failed check: what is wrong and, when known, the fix.
func (d *doctor) fail(check string, code int, err error) {
	line := connect.OneLine(err.Error())
	var h *connect.HopError
	if errors.As(err, &h) {
		line = connect.OneLine(h.What)
		if h.Fix != "" {
			line += " → " + connect.OneLine(h.Fix)
		}
	}
	fmt.Fprintf(d.out, "✗ %-15s %s\n", check, line)
	d.failed++
	if d.first == "" {
		d.first, d.code = check, code
	}
}

func (d *doctor) result() error {
	if d.failed == 0 {
		return nil
	}
	return &Error{Failed: d.failed, First: d.first, Code: d.code}
}

// Options are the doctor's.
type Options struct {
	Conn    connect.Options // the connection flags
	Group   string          // the consumer group; "": kafka.consumer.group_id
	Timeout time.Duration   // bound of each network step
	// LookupEnv reads the environment; nil: os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// Run checks each hop to the cluster and says what to fix, one line per
// check on stdout. Its error, when a check failed, has an ExitCode method:
// the class of the first failure.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	d := &doctor{out: stdout}
	lookupEnv := o.LookupEnv
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	s, err := connect.Resolve(o.Conn, lookupEnv)
	if err != nil {
		d.fail("config", ExitConfig, err)
		return d.result()
	}
	s.Warn, s.RequestTimeout = stderr, o.Timeout
	if o.Group != "" {
		s.Cfg.Kafka.Consumer.GroupID = o.Group
	}
	d.ok("config", fmt.Sprintf("%s: %s to %s, registry %s, topic %s", s.Source, s.Cfg.Kafka.SecurityProtocol,
		strings.Join(s.Cfg.BrokerList(), ","), s.Cfg.Redacted().RegistryURL(), s.Cfg.Kafka.Topic))

	conn, info, err := s.Dial()
	if err != nil {
		d.fail("credentials", ExitConfig, err)
	} else {
		d.ok("credentials", describeCredentials(s.Cfg, info))
		conn.DialTimeout = o.Timeout
		if d.kafka(ctx, s, conn, info) {
			d.group(ctx, s, conn)
		}
	}
	if ctx.Err() == nil {
		d.registry(ctx, s, o.Timeout)
	}
	if ctx.Err() != nil {
		return connect.ErrInterrupted
	}
	return d.result()
}

// describeCredentials says what the Kafka connection authenticates with.
func describeCredentials(cfg config.Config, info tlsfiles.Info) string {
	var parts []string
	if cfg.UsesTLS() {
		if info.Certificate != nil {
			parts = append(parts, fmt.Sprintf("client certificate %s from %s %s (%s), valid until %s", connect.CertName(info.Certificate),
				info.CertificateSetting, info.CertificatePath, info.CertificateFormat, info.Certificate.NotAfter.UTC().Format(time.DateOnly)))
		} else {
			parts = append(parts, "no client certificate")
		}
		if info.RootsSetting != "" {
			parts = append(parts, fmt.Sprintf("%d CA certificate(s) from %s %s (%s)", len(info.Roots), info.RootsSetting, info.RootsPath, info.RootsFormat))
		} else {
			parts = append(parts, "the system's CAs")
		}
		if info.SkipHostname {
			parts = append(parts, "host names not verified (tls.skip_hostname_verification)")
		}
	}
	if cfg.UsesSASL() {
		parts = append(parts, fmt.Sprintf("SASL %s as %q", cfg.Kafka.SASLMechanism, cfg.Kafka.SASLUsername))
	}
	if len(parts) == 0 {
		return cfg.Kafka.SecurityProtocol + ": none needed"
	}
	return strings.Join(parts, "; ")
}

// stageCheck is a probe stage as a doctor check.
type stageCheck struct {
	stage, check string
	code         int
}

// brokerChecks lists the stages of a broker probe in order, with check
// names and exit classes, leaving out TLS and SASL when conn uses neither.
func brokerChecks(conn stream.Connection) []stageCheck {
	checks := []stageCheck{
		{stream.StageDNS, "kafka dns", ExitNetwork},
		{stream.StageTCP, "kafka tcp", ExitNetwork},
		{stream.StageTLS, "kafka tls", ExitTLS},
		{stream.StageSASL, "kafka sasl", ExitAuth},
		{stream.StageAPI, "kafka api", ExitKafka},
	}
	return slices.DeleteFunc(checks, func(c stageCheck) bool {
		return (c.stage == stream.StageTLS && conn.TLS == nil) || (c.stage == stream.StageSASL && conn.SASL == nil)
	})
}

// registryChecks lists the stages of the registry's probe: DNS for a host
// name, TCP, and TLS for https.
func registryChecks(isName, https bool) []stageCheck {
	var checks []stageCheck
	if isName {
		checks = append(checks, stageCheck{stream.StageDNS, "registry dns", ExitNetwork})
	}
	checks = append(checks, stageCheck{stream.StageTCP, "registry tcp", ExitNetwork})
	if https {
		checks = append(checks, stageCheck{stream.StageTLS, "registry tls", ExitTLS})
	}
	return checks
}

// stages prints one line per probe stage: ✓ (or ! when describe says so)
// up to the stage that failed, ✗ on it, explained. It reports whether every
// stage passed.
func (d *doctor) stages(checks []stageCheck, p stream.BrokerProbe, err error, explain func(error) error, describe func(stage string, p stream.BrokerProbe) (detail string, warn bool)) bool {
	var pe *stream.ProbeError
	if err != nil && !errors.As(err, &pe) {
		last := checks[len(checks)-1]
		d.fail(last.check, last.code, explain(err))
		return false
	}
	for _, st := range checks {
		if pe != nil && pe.Stage == st.stage {
			d.fail(st.check, st.code, explain(err))
			return false
		}
		if detail, warn := describe(st.stage, p); warn {
			d.note(st.check, detail)
		} else {
			d.ok(st.check, detail)
		}
	}
	return err == nil
}

// kafka probes every broker, then reads the metadata and the topic; it
// reports whether the cluster answered.
func (d *doctor) kafka(ctx context.Context, s connect.Settings, conn stream.Connection, info tlsfiles.Info) bool {
	explain := func(err error) error { return connect.ExplainProbe(err, s.Cfg, info) }
	describe := func(stage string, p stream.BrokerProbe) (string, bool) { return describeStage(stage, p, s.Cfg), false }
	// All at once, so that brokers that never answer cost one timeout.
	type probed struct {
		p   stream.BrokerProbe
		err error
	}
	results := make([]probed, len(conn.Brokers))
	var wg sync.WaitGroup
	for i, b := range conn.Brokers {
		wg.Go(func() {
			p, err := conn.Probe(ctx, b)
			results[i] = probed{p, err}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return false // interrupted: no verdict
	}
	var reached []string
	for i, r := range results {
		if d.stages(brokerChecks(conn), r.p, r.err, explain, describe) {
			reached = append(reached, conn.Brokers[i])
		}
	}
	if len(reached) == 0 {
		return false
	}
	// The metadata comes from a broker that answered.
	conn.Brokers = reached
	meta, err := conn.Cluster(ctx)
	if err != nil {
		d.fail("kafka metadata", ExitKafka, err)
		return false
	}
	d.ok("kafka metadata", fmt.Sprintf("cluster %q: %d broker(s) %s, controller %d", meta.ClusterID, len(meta.Brokers), strings.Join(meta.Brokers, ","), meta.Controller))
	n, err := conn.Partitions(ctx, s.Cfg.Kafka.Topic)
	if err != nil {
		d.fail("topic", ExitKafka, &connect.HopError{What: connect.OneLine(err.Error()), Fix: "check kafka.topic, or create the topic", Err: err})
		return true
	}
	d.ok("topic", fmt.Sprintf("%s: %d partition(s)", s.Cfg.Kafka.Topic, n))
	return true
}

// describeStage says what a successful probe stage found.
func describeStage(stage string, p stream.BrokerProbe, cfg config.Config) string {
	switch stage {
	case stream.StageDNS:
		return fmt.Sprintf("%s: %s", p.Broker, strings.Join(p.Addrs, ", "))
	case stream.StageTCP:
		return p.Broker + ": connected"
	case stream.StageTLS:
		return p.Broker + ": " + describeTLS(p.TLS) + "; " + describeClientCert(p)
	case stream.StageSASL:
		return fmt.Sprintf("%s: user %q authenticated with %s", p.Broker, cfg.Kafka.SASLUsername, cfg.Kafka.SASLMechanism)
	}
	return fmt.Sprintf("%s: %d Kafka APIs", p.Broker, p.APIs)
}

func describeClientCert(p stream.BrokerProbe) string {
	switch {
	case !p.ClientCertificateRequested:
		return "no client certificate asked for"
	case p.ClientCertificateSent:
		return "client certificate accepted"
	}
	return "client certificate asked for, none sent (optional on this broker)"
}

// describeTLS names the protocol and the server's certificate.
func describeTLS(cs *tls.ConnectionState) string {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return "TLS"
	}
	leaf := cs.PeerCertificates[0]
	return fmt.Sprintf("%s, server certificate %s issued by %q, valid until %s", tls.VersionName(cs.Version), connect.CertName(leaf),
		leaf.Issuer.String(), leaf.NotAfter.UTC().Format(time.DateOnly))
}

// group describes the consumer group.
func (d *doctor) group(ctx context.Context, s connect.Settings, conn stream.Connection) {
	g, err := conn.Group(ctx, s.Cfg.Kafka.Consumer.GroupID)
	if err != nil {
		d.fail("group", ExitKafka, &connect.HopError{What: connect.OneLine(err.Error()), Fix: "check kafka.consumer.group_id and the user's rights on it", Err: err})
		return
	}
	detail := fmt.Sprintf("%s: %s, %d member(s)", s.Cfg.Kafka.Consumer.GroupID, g.State, g.Members)
	if g.State == "Dead" || g.State == "" {
		detail = fmt.Sprintf("%s: not known to the cluster yet; a new member starts at %s", s.Cfg.Kafka.Consumer.GroupID, s.Cfg.Kafka.Consumer.AutoOffsetReset)
	}
	d.ok("group", detail)
}

// registry checks the registry: DNS, TCP, TLS, credentials, subject and
// compatibility level.
func (d *doctor) registry(ctx context.Context, s connect.Settings, timeout time.Duration) {
	raw := s.Cfg.RegistryURL()
	if raw == "" {
		d.fail("registry", ExitConfig, errors.New("no schema registry configured: set registry.url or hops.url"))
		return
	}
	client, info, err := s.NewRegistryClient()
	if err != nil {
		d.fail("registry", ExitConfig, err)
		return
	}
	addr, err := connect.RegistryHostPort(raw)
	if err != nil {
		d.fail("registry", ExitConfig, err)
		return
	}
	host, _, _ := net.SplitHostPort(addr)
	https := strings.HasPrefix(raw, "https://")
	probe := stream.Connection{DialTimeout: timeout}
	if https {
		tc, _, _ := s.RegistryTLS()
		probe.TLS = tc
	}
	p, err := probe.ProbeTransport(ctx, addr)
	if ctx.Err() != nil {
		return // interrupted: no verdict
	}
	explain := func(err error) error { return connect.ExplainRegistry(err, s.Cfg, info) }
	describe := func(stage string, p stream.BrokerProbe) (string, bool) {
		switch stage {
		case stream.StageDNS:
			return fmt.Sprintf("%s: %s", host, strings.Join(p.Addrs, ", ")), false
		case stream.StageTCP:
			return addr + ": connected", false
		}
		if info.Insecure {
			return describeTLS(p.TLS) + "; NOT verified (hops.verify = false, testing only)", true
		}
		return describeTLS(p.TLS) + "; verified against " + connect.VerifySource(info), false
	}
	if !d.stages(registryChecks(net.ParseIP(host) == nil, https), p, err, explain, describe) {
		return
	}
	creds, _ := connect.CredentialSource(s.Cfg)
	accepted := creds + " accepted"
	if s.Cfg.API.Key == "" && s.Cfg.API.KeyFile == "" && s.Cfg.Registry.Username == "" {
		accepted = "no credentials needed"
	}
	subject := s.Cfg.Subject()
	latest, err := client.Latest(ctx, subject)
	explained := connect.ExplainRegistry(err, s.Cfg, info)
	switch {
	case err == nil:
		d.ok("registry auth", accepted)
		d.ok("subject", fmt.Sprintf("%s: version %d, schema id %d", subject, latest.Version, latest.ID))
	case errors.Is(explained, connect.ErrRegistryAuth):
		d.fail("registry auth", ExitAuth, explained)
		return
	case errors.Is(err, schema.ErrUnknownSchema) || isNotFound(err):
		d.ok("registry auth", accepted)
		d.fail("subject", ExitRegistry, &connect.HopError{What: fmt.Sprintf("subject %s not found in %s", subject, s.Cfg.Redacted().RegistryURL()),
			Fix: "check kafka.schema (registry.subject), or register it: kafkaplot produce --register", Err: err})
		return
	default:
		d.fail("registry", ExitRegistry, explained)
		return
	}
	level, err := client.Compatibility(ctx, subject)
	if err != nil {
		d.fail("compatibility", ExitRegistry, err)
		return
	}
	d.ok("compatibility", fmt.Sprintf("%s: %s", subject, level))
}

// isNotFound reports whether err is a registry 404.
func isNotFound(err error) bool {
	var ae *schema.APIError
	return errors.As(err, &ae) && ae.StatusCode == 404
}
