package config

import (
	"cmp"
	"encoding"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// field is one key of the configuration: a leaf of a Config.
type field struct {
	key string            // dotted TOML key, e.g. "kafka.consumer.group_id"
	v   reflect.Value     // the field of the Config
	tag reflect.StructTag // its toml, default, check and opt tags
}

// fields lists every key of c, in declaration order.
func fields(c *Config) []field {
	var out []field
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			text := reflect.PointerTo(sf.Type).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
			if key := prefix + sf.Tag.Get("toml"); sf.Type.Kind() == reflect.Struct && !text {
				walk(v.Field(i), key+".")
			} else {
				out = append(out, field{key: key, v: v.Field(i), tag: sf.Tag})
			}
		}
	}
	walk(reflect.ValueOf(c).Elem(), "")
	return out
}

// Keys returns every dotted TOML key kafkaplot reads, in file order.
func Keys() []string {
	var keys []string
	for _, f := range fields(&Config{}) {
		keys = append(keys, f.key)
	}
	return keys
}

// UnknownEnv returns the KAFKAPLOT_ variables of environ (KEY=value
// entries, as os.Environ gives them) that override no key, sorted.
func UnknownEnv(environ []string) []string {
	known := map[string]bool{}
	for _, k := range Keys() {
		known[EnvName(k)] = true
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "KAFKAPLOT_") && !known[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// EnvName returns the environment variable that overrides a dotted key, e.g. KAFKAPLOT_KAFKA_PORT.
func EnvName(key string) string {
	return "KAFKAPLOT_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// hasOpt reports whether the opt tag lists o.
func hasOpt(tag reflect.StructTag, o string) bool {
	return slices.Contains(strings.Split(tag.Get("opt"), ","), o)
}

// setTOML stores a value decoded by go-toml in v, a leaf of Config, when its
// TOML type suits the field, through its text as setText takes it.
func setTOML(v reflect.Value, tag reflect.StructTag, val any) error {
	k, verify := v.Kind(), v.Type() == reflect.TypeFor[Verify]()
	if k == reflect.Struct {
		k = reflect.String // Duration and Verify: from their text
	}
	text, ok := "", false
	switch x := val.(type) {
	case string:
		text, ok = x, k == reflect.String || k == reflect.Slice
	case int64:
		text, ok = strconv.FormatInt(x, 10), k == reflect.Int || k == reflect.Float64 || hasOpt(tag, "number")
	case float64:
		text, ok = strconv.FormatFloat(x, 'g', -1, 64), k == reflect.Float64
	case bool:
		text, ok = strconv.FormatBool(x), k == reflect.Bool || verify
	case []any:
		if k == reflect.Slice {
			return setList(v, x)
		}
	}
	switch {
	case ok:
		return setText(v, tag, text)
	case hasOpt(tag, "number"):
		return fmt.Errorf("want a string or an integer, got %s", describe(val))
	case verify:
		return fmt.Errorf("want true, false or a CA file path, got %s", describe(val))
	}
	return fmt.Errorf("want %s, got %s", kindName(k), describe(val))
}

// kindName names what a field of kind k holds, for error messages.
func kindName(k reflect.Kind) string {
	return cmp.Or(map[reflect.Kind]string{reflect.Bool: "a boolean", reflect.Int: "an integer", reflect.Float64: "a number",
		reflect.Slice: "a list of strings or a comma-separated string"}[k], "a string")
}

// setList stores a TOML array of strings in a []string.
func setList(v reflect.Value, x []any) error {
	var list []string
	for i, e := range x {
		s, ok := e.(string)
		if !ok {
			return fmt.Errorf("want a list of strings, got %s at index %d", describe(e), i)
		}
		if s = strings.TrimSpace(s); s != "" {
			list = append(list, s)
		}
	}
	v.Set(reflect.ValueOf(list))
	return nil
}

// setText stores the text of an environment variable or a default tag in v, a leaf of Config.
func setText(v reflect.Value, tag reflect.StructTag, s string) error {
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return u.UnmarshalText([]byte(s))
	}
	var err error
	switch t := strings.TrimSpace(s); v.Kind() {
	case reflect.String:
		switch {
		case hasOpt(tag, "upper"):
			s = strings.ToUpper(s)
		case hasOpt(tag, "lower"):
			s = strings.ToLower(s)
		}
		v.SetString(s)
	case reflect.Slice:
		v.Set(reflect.ValueOf(splitList(s)))
	case reflect.Bool:
		var b bool
		b, err = strconv.ParseBool(t)
		v.SetBool(b)
	case reflect.Int:
		var n int
		n, err = strconv.Atoi(t)
		v.SetInt(int64(n))
	case reflect.Float64:
		var f float64
		f, err = strconv.ParseFloat(t, 64)
		v.SetFloat(f)
	}
	if err != nil {
		return fmt.Errorf("not %s: %q", kindName(v.Kind()), s)
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

// checkValue checks v, a leaf of Config, against its check tag: a rule and
// its words. A list is checked element by element; the error does not
// repeat the key.
//
//	host          empty, or a host, host:port or URL
//	port          empty, or a TCP port number
//	hostport      host:port
//	url           empty, or an http or https URL
//	oneof A B…    one of the words; empty too when the default is empty
//	listof A B…   a comma-separated list of the words, none twice
//	positive      a positive number or duration
//	min N         an integer at least N
//	fieldpath S…  empty, one of the words, or a dotted field path
//	history       window, none or a positive duration
func checkValue(v reflect.Value, tag reflect.StructTag) error {
	rule, arg, _ := strings.Cut(tag.Get("check"), " ")
	words := strings.Fields(arg)
	switch v.Kind() {
	case reflect.Slice:
		var errs []error
		for _, s := range v.Interface().([]string) {
			errs = append(errs, checkString(rule, words, s, false))
		}
		return errors.Join(errs...)
	case reflect.String:
		return checkString(rule, words, v.String(), tag.Get("default") == "")
	case reflect.Int:
		if n, _ := strconv.Atoi(arg); rule == "min" && v.Int() < int64(n) {
			return fmt.Errorf("must be at least %d, got %d", n, v.Int())
		}
	case reflect.Float64:
		if f := v.Float(); rule == "positive" && (math.IsNaN(f) || math.IsInf(f, 0) || f <= 0) {
			return fmt.Errorf("must be a positive number, got %v", f)
		}
	default:
		if d, ok := v.Interface().(Duration); ok && rule == "positive" && d.Duration <= 0 {
			return fmt.Errorf("must be positive, got %s", d.Duration)
		}
	}
	return nil
}

// checkString checks a string against a rule of checkValue; optional lets oneof take "".
func checkString(rule string, words []string, s string, optional bool) error {
	if s == "" && rule != "oneof" && rule != "listof" && rule != "history" {
		return nil
	}
	switch rule {
	case "":
	case "host":
		if _, err := hopsURL(s); err != nil {
			return fmt.Errorf("not a host or URL: %q", s)
		}
	case "port":
		return validPort(s)
	case "hostport":
		host, port, err := net.SplitHostPort(WithDefaultPort(s))
		switch {
		case err != nil:
			return fmt.Errorf("want host:port, got %q", s)
		case host == "":
			return fmt.Errorf("no host in %q", s)
		case validPort(port) != nil:
			return fmt.Errorf("port of %q: %w", s, validPort(port))
		}
	case "url":
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("want an http or https URL, got %q", redactURL(s))
		}
	case "oneof":
		if !slices.Contains(words, s) && (s != "" || !optional) {
			return fmt.Errorf("want %s, got %q", alternatives(words), s)
		}
	case "listof":
		var seen []string
		for _, n := range strings.Split(s, ",") {
			switch n = strings.TrimSpace(n); {
			case !slices.Contains(words, n):
				return fmt.Errorf("unknown name %q: want %s", n, alternatives(words))
			case slices.Contains(seen, n):
				return fmt.Errorf("%s named twice", n)
			}
			seen = append(seen, n)
		}
	case "fieldpath":
		for _, part := range strings.Split(s, ".") {
			if !slices.Contains(words, s) && (part == "" || strings.ContainsAny(part, " \t")) {
				return fmt.Errorf("not a dotted field path: %q", s)
			}
		}
	case "history":
		if d, err := time.ParseDuration(s); s != "window" && s != "none" && (err != nil || d <= 0) {
			return fmt.Errorf("want window, none or a positive duration such as 5m, got %q", s)
		}
	default:
		return fmt.Errorf("unknown check %q", rule)
	}
	return nil
}

// alternatives writes words as "a, b or c".
func alternatives(words []string) string {
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// validPort checks that s is a TCP port number.
func validPort(s string) error {
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return fmt.Errorf("not a number: %q", s)
	case n < 1 || n > 65535:
		return fmt.Errorf("out of range 1-65535: %d", n)
	}
	return nil
}
