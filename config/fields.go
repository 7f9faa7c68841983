package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// fieldFlags tell how a field is read, resolved and printed.
type fieldFlags uint8

const (
	// path fields are file paths, resolved against the config file's directory.
	path fieldFlags = 1 << iota
	// secret fields are replaced by Redacted.
	secret
	// number string fields also accept a TOML integer (the tutorial quotes them).
	number
	// upper fields are normalised to upper case.
	upper
	// lower fields are normalised to lower case.
	lower
)

// field is one configurable key: where it lives in Config and how it is checked.
type field struct {
	key   string             // dotted TOML key
	ptr   func(*Config) any  // pointer to the Config field: *string, *bool, *int, *float64, *Duration, *Verify or *[]string
	flags fieldFlags         // how the value is read, resolved and printed
	check func(Config) error // the value's own constraints, or nil; the error does not repeat the key
}

// fields lists every key kafkaplot reads, in file order.
func fields() []field {
	return []field{
		{key: "hops.url", ptr: func(c *Config) any { return &c.Hops.URL }, check: checkHopsURL},
		{key: "hops.verify", ptr: func(c *Config) any { return &c.Hops.Verify }, flags: path},

		{key: "project.name", ptr: func(c *Config) any { return &c.Project.Name }},
		{key: "project.id", ptr: func(c *Config) any { return &c.Project.ID }, flags: number},
		{key: "project.ca_file", ptr: func(c *Config) any { return &c.Project.CAFile }, flags: path},
		{key: "project.certificate_file", ptr: func(c *Config) any { return &c.Project.CertificateFile }, flags: path},
		{key: "project.key_file", ptr: func(c *Config) any { return &c.Project.KeyFile }, flags: path},
		{key: "project.key_password", ptr: func(c *Config) any { return &c.Project.KeyPassword }, flags: secret},

		{key: "kafka.topic", ptr: func(c *Config) any { return &c.Kafka.Topic }},
		{key: "kafka.schema", ptr: func(c *Config) any { return &c.Kafka.Schema }},
		{key: "kafka.port", ptr: func(c *Config) any { return &c.Kafka.Port }, flags: number, check: checkPort},
		{key: "kafka.brokers", ptr: func(c *Config) any { return &c.Kafka.Brokers }, check: checkBrokers},
		{key: "kafka.security_protocol", ptr: func(c *Config) any { return &c.Kafka.SecurityProtocol }, flags: upper, check: checkProtocol},
		{key: "kafka.sasl_mechanism", ptr: func(c *Config) any { return &c.Kafka.SASLMechanism }, flags: upper, check: checkMechanism},
		{key: "kafka.sasl_username", ptr: func(c *Config) any { return &c.Kafka.SASLUsername }},
		{key: "kafka.sasl_password", ptr: func(c *Config) any { return &c.Kafka.SASLPassword }, flags: secret},
		{key: "kafka.consumer.group_id", ptr: func(c *Config) any { return &c.Kafka.Consumer.GroupID }},
		{key: "kafka.consumer.auto_offset_reset", ptr: func(c *Config) any { return &c.Kafka.Consumer.AutoOffsetReset }, check: checkReset},
		{key: "kafka.consumer.partition_assignment_strategy", ptr: func(c *Config) any { return &c.Kafka.Consumer.PartitionAssignmentStrategy }, flags: lower},

		{key: "api.base", ptr: func(c *Config) any { return &c.API.Base }},
		{key: "api.key", ptr: func(c *Config) any { return &c.API.Key }, flags: secret},
		{key: "api.key_file", ptr: func(c *Config) any { return &c.API.KeyFile }, flags: path},

		{key: "registry.url", ptr: func(c *Config) any { return &c.Registry.URL }, check: checkRegistryURL},
		{key: "registry.username", ptr: func(c *Config) any { return &c.Registry.Username }},
		{key: "registry.password", ptr: func(c *Config) any { return &c.Registry.Password }, flags: secret},
		{key: "registry.subject", ptr: func(c *Config) any { return &c.Registry.Subject }},
		{key: "registry.subject_strategy", ptr: func(c *Config) any { return &c.Registry.SubjectStrategy }, flags: lower, check: checkSubjectStrategy},

		{key: "tls.keystore", ptr: func(c *Config) any { return &c.TLS.Keystore }, flags: path},
		{key: "tls.keystore_password", ptr: func(c *Config) any { return &c.TLS.KeystorePassword }, flags: secret},
		{key: "tls.truststore", ptr: func(c *Config) any { return &c.TLS.Truststore }, flags: path},
		{key: "tls.truststore_password", ptr: func(c *Config) any { return &c.TLS.TruststorePassword }, flags: secret},
		{key: "tls.skip_hostname_verification", ptr: func(c *Config) any { return &c.TLS.InsecureSkipHostname }},

		{key: "plot.window", ptr: func(c *Config) any { return &c.Plot.Window }, check: checkWindow},
		{key: "plot.points", ptr: func(c *Config) any { return &c.Plot.Points }, check: checkPoints},
		{key: "plot.rate", ptr: func(c *Config) any { return &c.Plot.Rate }, check: checkRate},
		{key: "plot.series", ptr: func(c *Config) any { return &c.Plot.Series }, check: checkSeries},
		{key: "plot.value", ptr: func(c *Config) any { return &c.Plot.Value }, check: checkValue},
		{key: "plot.time", ptr: func(c *Config) any { return &c.Plot.Time }, check: checkTime},
	}
}

// Keys returns every dotted TOML key kafkaplot reads, in file order.
func Keys() []string {
	fs := fields()
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}

// EnvName returns the environment variable that overrides a dotted key, e.g. KAFKAPLOT_KAFKA_PORT.
func EnvName(key string) string {
	return "KAFKAPLOT_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// setTOML stores a decoded TOML value into the field f of c.
func (f field) setTOML(c *Config, v any) error {
	switch p := f.ptr(c).(type) {
	case *string:
		switch x := v.(type) {
		case string:
			*p = x
		case int64:
			if f.flags&number == 0 {
				return fmt.Errorf("want a string, got %s", describe(v))
			}
			*p = strconv.FormatInt(x, 10)
		default:
			if f.flags&number != 0 {
				return fmt.Errorf("want a string or an integer, got %s", describe(v))
			}
			return fmt.Errorf("want a string, got %s", describe(v))
		}
		if f.flags&upper != 0 {
			*p = strings.ToUpper(*p)
		}
		if f.flags&lower != 0 {
			*p = strings.ToLower(*p)
		}
	case *bool:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %s", describe(v))
		}
		*p = x
	case *int:
		x, ok := v.(int64)
		if !ok {
			return fmt.Errorf("want an integer, got %s", describe(v))
		}
		if x < math.MinInt || x > math.MaxInt {
			return fmt.Errorf("integer out of range: %d", x)
		}
		*p = int(x)
	case *float64:
		switch x := v.(type) {
		case float64:
			*p = x
		case int64:
			*p = float64(x)
		default:
			return fmt.Errorf("want a number, got %s", describe(v))
		}
	case *Duration:
		x, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a duration string such as \"2m\", got %s", describe(v))
		}
		return p.UnmarshalText([]byte(x))
	case *Verify:
		switch x := v.(type) {
		case bool:
			*p = Verify{Enabled: x}
		case string:
			return p.UnmarshalText([]byte(x))
		default:
			return fmt.Errorf("want true, false or a CA file path, got %s", describe(v))
		}
	case *[]string:
		switch x := v.(type) {
		case string:
			*p = splitList(x)
		case []any:
			list := make([]string, 0, len(x))
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("want a list of strings, got %s at index %d", describe(e), i)
				}
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			*p = nil
			if len(list) > 0 {
				*p = list
			}
		default:
			return fmt.Errorf("want a list of strings or a comma-separated string, got %s", describe(v))
		}
	default:
		return fmt.Errorf("unsupported field type %T", p)
	}
	return nil
}

// setEnv stores an environment variable's text into the field f of c.
func (f field) setEnv(c *Config, s string) error {
	switch p := f.ptr(c).(type) {
	case *string:
		*p = s
		if f.flags&upper != 0 {
			*p = strings.ToUpper(*p)
		}
		if f.flags&lower != 0 {
			*p = strings.ToLower(*p)
		}
	case *bool:
		x, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		*p = x
	case *int:
		x, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		*p = x
	case *float64:
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		*p = x
	case *Duration:
		return p.UnmarshalText([]byte(s))
	case *Verify:
		return p.UnmarshalText([]byte(s))
	case *[]string:
		*p = splitList(s)
	default:
		return fmt.Errorf("unsupported field type %T", p)
	}
	return nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var list []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			list = append(list, part)
		}
	}
	return list
}

func checkHopsURL(c Config) error {
	if c.Hops.URL == "" {
		return nil
	}
	if _, err := hopsURL(c.Hops.URL); err != nil {
		return fmt.Errorf("not a host or URL: %q", c.Hops.URL)
	}
	return nil
}

func checkPort(c Config) error {
	if c.Kafka.Port == "" {
		return nil
	}
	return validPort(c.Kafka.Port)
}

// validPort checks that s is a TCP port number.
func validPort(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	if n < 1 || n > 65535 {
		return fmt.Errorf("out of range 1-65535: %d", n)
	}
	return nil
}

func checkBrokers(c Config) error {
	var errs []error
	for _, b := range c.Kafka.Brokers {
		host, port, err := net.SplitHostPort(b)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("want host:port, got %q", b))
		case host == "":
			errs = append(errs, fmt.Errorf("no host in %q", b))
		default:
			if err := validPort(port); err != nil {
				errs = append(errs, fmt.Errorf("port of %q: %w", b, err))
			}
		}
	}
	return errors.Join(errs...)
}

func checkProtocol(c Config) error {
	switch c.Kafka.SecurityProtocol {
	case ProtocolPlaintext, ProtocolSSL, ProtocolSASLPlaintext, ProtocolSASLSSL:
		return nil
	}
	return fmt.Errorf("want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got %q", c.Kafka.SecurityProtocol)
}

func checkMechanism(c Config) error {
	switch c.Kafka.SASLMechanism {
	case "", MechanismPlain, MechanismSCRAMSHA256, MechanismSCRAMSHA512:
		return nil
	}
	return fmt.Errorf("want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got %q", c.Kafka.SASLMechanism)
}

func checkReset(c Config) error {
	switch c.Kafka.Consumer.AutoOffsetReset {
	case ResetEarliest, ResetLatest:
		return nil
	}
	return fmt.Errorf("want earliest or latest, got %q", c.Kafka.Consumer.AutoOffsetReset)
}

func checkRegistryURL(c Config) error {
	if c.Registry.URL == "" {
		return nil
	}
	u, err := url.Parse(c.Registry.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http or https URL, got %q", redactURL(c.Registry.URL))
	}
	return nil
}

func checkWindow(c Config) error {
	if c.Plot.Window.Duration <= 0 {
		return fmt.Errorf("must be positive, got %s", c.Plot.Window.Duration)
	}
	return nil
}

func checkPoints(c Config) error {
	if c.Plot.Points < 16 {
		return fmt.Errorf("must be at least 16, got %d", c.Plot.Points)
	}
	return nil
}

func checkRate(c Config) error {
	r := c.Plot.Rate
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return fmt.Errorf("must be a positive number of steps per second, got %v", r)
	}
	return nil
}

func checkSubjectStrategy(c Config) error {
	switch c.Registry.SubjectStrategy {
	case SubjectRecordName, SubjectTopicName, SubjectTopicRecord:
		return nil
	}
	return fmt.Errorf("want %s, %s or %s, got %q", SubjectRecordName, SubjectTopicName, SubjectTopicRecord, c.Registry.SubjectStrategy)
}

// checkFieldPath checks a dotted field path: no empty part, no spaces.
func checkFieldPath(p string) error {
	for _, part := range strings.Split(p, ".") {
		if part == "" || strings.ContainsAny(part, " \t") {
			return fmt.Errorf("not a dotted field path: %q", p)
		}
	}
	return nil
}

func checkSeries(c Config) error {
	if c.Plot.Series == "" || c.Plot.Series == SeriesKey {
		return nil
	}
	return checkFieldPath(c.Plot.Series)
}

func checkValue(c Config) error {
	var errs []error
	for _, v := range c.Plot.Value {
		if err := checkFieldPath(v); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func checkTime(c Config) error {
	if c.Plot.Time == "" || c.Plot.Time == TimeRecord {
		return nil
	}
	return checkFieldPath(c.Plot.Time)
}
