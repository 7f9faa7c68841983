package main

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
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/tlsfiles"
)

// Exit codes of kafkaplot doctor: the class of the first failed check.
const (
	exitConfig   = 3 // the configuration or the credentials it names
	exitNetwork  = 4 // DNS or TCP to a broker or the registry
	exitTLS      = 5 // a TLS handshake
	exitAuth     = 6 // SASL, or the registry's API key or password
	exitKafka    = 7 // Kafka requests: API versions, metadata, topic, group
	exitRegistry = 8 // the registry's answers: subject, compatibility
)

const doctorSummary = `kafkaplot doctor: check each hop from the configuration to the consumer group
and say what to fix: config parsed; credentials loaded; for every broker DNS,
TCP, the TLS handshake (server certificate subject, issuer and expiry; client
certificate accepted?), SASL and Kafka API versions; cluster metadata; the
topic and its partitions; the registry's DNS, TCP, TLS, credentials, subject
and compatibility level; the consumer group's state. One line per check, ✓ or ✗.

Exit status: 0 when every check passes, else the class of the first failure:
3 configuration or credentials, 4 network (DNS, TCP), 5 TLS, 6 authentication
(SASL, registry API key or password), 7 Kafka (metadata, topic, group),
8 registry (subject, compatibility).`

// doctorError is the outcome of a doctor run with failed checks.
type doctorError struct {
	failed int
	first  string
	code   int
}

func (e *doctorError) Error() string {
	return fmt.Sprintf("doctor: %d check(s) failed, the first: %s", e.failed, e.first)
}

// ExitCode returns the class of the first failure.
func (e *doctorError) ExitCode() int { return e.code }

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
	line := oneLine(err.Error())
	var h *hopError
	if errors.As(err, &h) {
		line = oneLine(h.what)
		if h.fix != "" {
			line += " → " + oneLine(h.fix)
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
	return &doctorError{failed: d.failed, first: d.first, code: d.code}
}

// doctorFlags are doctor's flags.
type doctorFlags struct {
	conn    connFlags
	group   string
	timeout time.Duration
}

// newDoctorCmd is "kafkaplot doctor".
func newDoctorCmd() *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor [flags]",
		Short: "check each hop to the cluster and say what to fix",
		Long:  doctorSummary,
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runDoctor(c.Context(), c.Flags(), &f, c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	f.conn.register(cmd.Flags(), "t")
	inGroup(cmd.Flags(), groupGroup, func(fs *pflag.FlagSet) {
		fs.StringVarP(&f.group, "group", "g", "", "consumer group to describe (default kafka.consumer.group_id, else kafkaplot)")
	})
	inGroup(cmd.Flags(), "Doctor", func(fs *pflag.FlagSet) {
		fs.DurationVar(&f.timeout, "timeout", 5*time.Second, "bound of each network step")
	})
	f.conn.completions(cmd)
	cmd.RegisterFlagCompletionFunc("group", cobra.NoFileCompletions)
	cmd.RegisterFlagCompletionFunc("timeout", cobra.NoFileCompletions)
	return cmd
}

// runDoctor checks each hop to the cluster and says what to fix.
func runDoctor(ctx context.Context, fs *pflag.FlagSet, f *doctorFlags, stdout, stderr io.Writer) error {
	d := &doctor{out: stdout}
	s, err := f.conn.resolve(fs, os.LookupEnv)
	if err != nil {
		d.fail("config", exitConfig, err)
		return d.result()
	}
	s.warn = stderr
	if f.group != "" {
		s.cfg.Kafka.Consumer.GroupID = f.group
	}
	d.ok("config", fmt.Sprintf("%s: %s to %s, registry %s, topic %s", s.source, s.cfg.Kafka.SecurityProtocol,
		strings.Join(s.cfg.BrokerList(), ","), s.cfg.Redacted().RegistryURL(), s.cfg.Kafka.Topic))

	conn, info, err := s.dial()
	if err != nil {
		d.fail("credentials", exitConfig, err)
	} else {
		d.ok("credentials", describeCredentials(s.cfg, info))
		conn.DialTimeout = f.timeout
		if d.kafka(ctx, s, conn, info) {
			d.group(ctx, s, conn)
		}
	}
	d.registry(ctx, s, f.timeout)
	return d.result()
}

// describeCredentials says what the Kafka connection authenticates with.
func describeCredentials(cfg config.Config, info tlsfiles.Info) string {
	var parts []string
	if cfg.UsesTLS() {
		if info.Certificate != nil {
			parts = append(parts, fmt.Sprintf("client certificate %s from %s %s (%s), valid until %s", certName(info.Certificate),
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
		{stream.StageDNS, "kafka dns", exitNetwork},
		{stream.StageTCP, "kafka tcp", exitNetwork},
		{stream.StageTLS, "kafka tls", exitTLS},
		{stream.StageSASL, "kafka sasl", exitAuth},
		{stream.StageAPI, "kafka api", exitKafka},
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
		checks = append(checks, stageCheck{stream.StageDNS, "registry dns", exitNetwork})
	}
	checks = append(checks, stageCheck{stream.StageTCP, "registry tcp", exitNetwork})
	if https {
		checks = append(checks, stageCheck{stream.StageTLS, "registry tls", exitTLS})
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
func (d *doctor) kafka(ctx context.Context, s settings, conn stream.Connection, info tlsfiles.Info) bool {
	reached := false
	explain := func(err error) error { return explainProbe(err, s.cfg, info) }
	describe := func(stage string, p stream.BrokerProbe) (string, bool) { return describeStage(stage, p, s.cfg), false }
	for _, b := range conn.Brokers {
		p, err := conn.Probe(ctx, b)
		if d.stages(brokerChecks(conn), p, err, explain, describe) {
			reached = true
		}
	}
	if !reached {
		return false
	}
	meta, err := conn.Cluster(ctx)
	if err != nil {
		d.fail("kafka metadata", exitKafka, err)
		return false
	}
	d.ok("kafka metadata", fmt.Sprintf("cluster %q: %d broker(s) %s, controller %d", meta.ClusterID, len(meta.Brokers), strings.Join(meta.Brokers, ","), meta.Controller))
	n, err := conn.Partitions(ctx, s.cfg.Kafka.Topic)
	if err != nil {
		d.fail("topic", exitKafka, &hopError{what: oneLine(err.Error()), fix: "check kafka.topic, or create the topic", err: err})
		return true
	}
	d.ok("topic", fmt.Sprintf("%s: %d partition(s)", s.cfg.Kafka.Topic, n))
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
	return fmt.Sprintf("%s, server certificate %s issued by %q, valid until %s", tls.VersionName(cs.Version), certName(leaf),
		leaf.Issuer.String(), leaf.NotAfter.UTC().Format(time.DateOnly))
}

// group describes the consumer group.
func (d *doctor) group(ctx context.Context, s settings, conn stream.Connection) {
	g, err := conn.Group(ctx, s.cfg.Kafka.Consumer.GroupID)
	if err != nil {
		d.fail("group", exitKafka, &hopError{what: oneLine(err.Error()), fix: "check kafka.consumer.group_id and the user's rights on it", err: err})
		return
	}
	detail := fmt.Sprintf("%s: %s, %d member(s)", s.cfg.Kafka.Consumer.GroupID, g.State, g.Members)
	if g.State == "Dead" || g.State == "" {
		detail = fmt.Sprintf("%s: not known to the cluster yet; a new member starts at %s", s.cfg.Kafka.Consumer.GroupID, s.cfg.Kafka.Consumer.AutoOffsetReset)
	}
	d.ok("group", detail)
}

// registry checks the registry: DNS, TCP, TLS, credentials, subject and
// compatibility level.
func (d *doctor) registry(ctx context.Context, s settings, timeout time.Duration) {
	raw := s.cfg.RegistryURL()
	if raw == "" {
		d.fail("registry", exitConfig, errors.New("no schema registry configured: set registry.url or hops.url"))
		return
	}
	client, info, err := s.newRegistryClient()
	if err != nil {
		d.fail("registry", exitConfig, err)
		return
	}
	addr, err := registryHostPort(raw)
	if err != nil {
		d.fail("registry", exitConfig, err)
		return
	}
	host, _, _ := net.SplitHostPort(addr)
	https := strings.HasPrefix(raw, "https://")
	probe := stream.Connection{DialTimeout: timeout}
	if https {
		tc, _, _ := s.registryTLS()
		probe.TLS = tc
	}
	p, err := probe.ProbeTransport(ctx, addr)
	explain := func(err error) error { return explainRegistry(err, s.cfg, info) }
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
		return describeTLS(p.TLS) + "; verified against " + verifySource(info), false
	}
	if !d.stages(registryChecks(net.ParseIP(host) == nil, https), p, err, explain, describe) {
		return
	}
	stepCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	creds, _ := credentialSource(s.cfg)
	accepted := creds + " accepted"
	if s.cfg.API.Key == "" && s.cfg.API.KeyFile == "" && s.cfg.Registry.Username == "" {
		accepted = "no credentials needed"
	}
	subject := s.cfg.Subject()
	latest, err := client.Latest(stepCtx, subject)
	explained := explainRegistry(err, s.cfg, info)
	switch {
	case err == nil:
		d.ok("registry auth", accepted)
		d.ok("subject", fmt.Sprintf("%s: version %d, schema id %d", subject, latest.Version, latest.ID))
	case errors.Is(explained, errRegistryAuth):
		d.fail("registry auth", exitAuth, explained)
		return
	case errors.Is(err, schema.ErrUnknownSchema) || isNotFound(err):
		d.ok("registry auth", accepted)
		d.fail("subject", exitRegistry, &hopError{what: fmt.Sprintf("subject %s not found in %s", subject, s.cfg.Redacted().RegistryURL()),
			fix: "check kafka.schema (registry.subject), or register it: kafkaplot produce --register", err: err})
		return
	default:
		d.fail("registry", exitRegistry, explained)
		return
	}
	level, err := client.Compatibility(stepCtx, subject)
	if err != nil {
		d.fail("compatibility", exitRegistry, err)
		return
	}
	d.ok("compatibility", fmt.Sprintf("%s: %s", subject, level))
}

// isNotFound reports whether err is a registry 404.
func isNotFound(err error) bool {
	var ae *schema.APIError
	return errors.As(err, &ae) && ae.StatusCode == 404
}
