package config

import (
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

	"github.com/pelletier/go-toml/v2/unstable"
)

// field is one key of the configuration: a leaf of Config.
type field struct {
	key   string            // dotted TOML key, e.g. "kafka.consumer.group_id"
	index []int             // path of the field from Config, for FieldByIndex
	tag   reflect.StructTag // its toml, default, check and opt tags
}

// value returns the field of c.
func (f field) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(f.index)
}

// fields lists every key of Config, in declaration order.
func fields() []field {
	var out []field
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			sf := t.Field(i)
			key := prefix + sf.Tag.Get("toml")
			idx := append(slices.Clone(index), i)
			if isSection(sf.Type) {
				walk(sf.Type, key+".", idx)
				continue
			}
			out = append(out, field{key: key, index: idx, tag: sf.Tag})
		}
	}
	walk(reflect.TypeFor[Config](), "", nil)
	return out
}

// isSection reports whether a field of type t is a table of keys rather than one key.
func isSection(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// Keys returns every dotted TOML key kafkaplot reads, in file order.
func Keys() []string {
	var keys []string
	for _, f := range fields() {
		keys = append(keys, f.key)
	}
	return keys
}

// EnvName returns the environment variable that overrides a dotted key, e.g. KAFKAPLOT_KAFKA_PORT.
func EnvName(key string) string {
	return "KAFKAPLOT_" + strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(key))
}

// hasOpt reports whether the opt tag lists o.
func hasOpt(tag reflect.StructTag, o string) bool {
	return slices.Contains(strings.Split(tag.Get("opt"), ","), o)
}

// setTOML stores a decoded TOML value (raw is its text) in v, a leaf of
// Config: through the field type's own UnmarshalTOML, or as setText would
// take the value's text when its TOML type suits the field.
func setTOML(v reflect.Value, tag reflect.StructTag, raw []byte, val any) error {
	if u, ok := v.Addr().Interface().(unstable.Unmarshaler); ok {
		return u.UnmarshalTOML(raw)
	}
	k := v.Kind()
	if _, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		k = reflect.String // a Duration: from a string only
	}
	var text string
	ok := false
	switch x := val.(type) {
	case string:
		text, ok = x, k == reflect.String || k == reflect.Slice
	case int64:
		text, ok = strconv.FormatInt(x, 10), k == reflect.Int || k == reflect.Float64 || k == reflect.String && hasOpt(tag, "number")
	case float64:
		text, ok = strconv.FormatFloat(x, 'g', -1, 64), k == reflect.Float64
	case bool:
		text, ok = strconv.FormatBool(x), k == reflect.Bool
	case []any:
		if k == reflect.Slice {
			return setList(v, x)
		}
	}
	if ok {
		return setText(v, tag, text)
	}
	want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "true or false", reflect.Int: "an integer",
		reflect.Float64: "a number", reflect.Slice: "a list of strings or a comma-separated string"}[k]
	if hasOpt(tag, "number") {
		want = "a string or an integer"
	}
	return fmt.Errorf("want %s, got %s", want, describe(val))
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
		v.SetString(s)
		if hasOpt(tag, "upper") {
			v.SetString(strings.ToUpper(s))
		} else if hasOpt(tag, "lower") {
			v.SetString(strings.ToLower(s))
		}
	case reflect.Slice:
		v.Set(reflect.ValueOf(splitList(s)))
	case reflect.Bool:
		var x bool
		if x, err = strconv.ParseBool(t); err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		v.SetBool(x)
	case reflect.Int:
		var x int
		if x, err = strconv.Atoi(t); err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		v.SetInt(int64(x))
	case reflect.Float64:
		var x float64
		if x, err = strconv.ParseFloat(t, 64); err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetFloat(x)
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
		host, port, err := net.SplitHostPort(s)
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
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	if n < 1 || n > 65535 {
		return fmt.Errorf("out of range 1-65535: %d", n)
	}
	return nil
}
