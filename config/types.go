package config

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kinds of configuration problems, matched with errors.Is.
var (
	ErrUnknownKey   = errors.New("unknown key")   // a key of the file that kafkaplot does not know
	ErrUnknownTable = errors.New("unknown table") // a table of the file that kafkaplot does not know
	ErrRequired     = errors.New("required")      // a key that must be set
)

// Error is a configuration problem tied to a key and, when it comes from a file, a line.
type Error struct {
	File string // file name given to Load or Parse; empty for Validate
	Line int    // 1-based line in File; 0 when unknown
	Key  string // dotted TOML key such as "kafka.port"; empty when unknown
	Env  string // environment variable, for ApplyEnv errors; named instead of Key
	Err  error  // what is wrong
}

// Error formats the problem as "file:line: key: problem" or "file:line: unknown key kafka.prot".
func (e *Error) Error() string {
	at, name := "", cmp.Or(e.Env, e.Key)
	if e.File != "" {
		at = e.File + ": "
	}
	if e.File != "" && e.Line > 0 {
		at = fmt.Sprintf("%s:%d: ", e.File, e.Line)
	}
	switch {
	case name == "":
		return at + e.Err.Error()
	case errors.Is(e.Err, ErrUnknownKey) || errors.Is(e.Err, ErrUnknownTable):
		return at + e.Err.Error() + " " + name
	}
	return at + name + ": " + e.Err.Error()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// Verify is hops.verify: whether TLS certificates of Hopsworks are verified, and against what.
//
// In TOML it is true, false or a string holding a CA file path (as Python's
// requests takes it); the strings "true" and "false" mean the booleans.
type Verify struct {
	Enabled bool   // false turns verification off (testing only)
	CAFile  string // PEM CA bundle to verify against; empty means the system roots
}

// UnmarshalText reads a boolean ("true", "false", "1", "0", ...) or a CA file path.
func (v *Verify) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if s == "" {
		return errors.New("want true, false or a CA file path, got an empty string")
	}
	if b, err := strconv.ParseBool(s); err == nil {
		*v = Verify{Enabled: b}
		return nil
	}
	*v = Verify{Enabled: true, CAFile: s}
	return nil
}

// MarshalText writes "true", "false" or the CA file path.
func (v Verify) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// String returns "true", "false" or the CA file path.
func (v Verify) String() string {
	if v.Enabled && v.CAFile != "" {
		return v.CAFile
	}
	return strconv.FormatBool(v.Enabled)
}

// Duration is a time.Duration written in TOML as a string such as "2m" or "30s".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string such as "2m" or "1m30s".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(text)))
	if err != nil {
		return fmt.Errorf("not a duration: %q", text)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.Duration.String()), nil }

// describe names the TOML type and value of a decoded value for error messages.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("float %v", x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}
