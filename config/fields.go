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
	want := map[reflect.Kind]string{reflect.String: "a string", reflect.Bool: "true or false", reflect.Int: "an integer",
		reflect.Float64: "a number", reflect.Slice: "a list of strings or a comma-separated string"}[k]
	switch x := val.(type) {
	case string:
		if k == reflect.String || k == reflect.Slice {
			return setText(v, tag, x)
		}
	case int64:
		if k == reflect.Int || k == reflect.Float64 || k == reflect.String && hasOpt(tag, "number") {
			return setText(v, tag, strconv.FormatInt(x, 10))
		}
	case float64:
		if k == reflect.Float64 {
			return setText(v, tag, strconv.FormatFloat(x, 'g', -1, 64))
		}
	case bool:
		if k == reflect.Bool {
			return setText(v, tag, strconv.FormatBool(x))
		}
	case []any:
		if k == reflect.Slice {
			return setList(v, x)
		}
	}
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
	t := strings.TrimSpace(s)
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
		fold(v, tag)
	case reflect.Bool:
		x, err := strconv.ParseBool(t)
		if err != nil {
			return fmt.Errorf("not a boolean: %q", s)
		}
		v.SetBool(x)
	case reflect.Int:
		x, err := strconv.Atoi(t)
		if err != nil {
			return fmt.Errorf("not an integer: %q", s)
		}
		v.SetInt(int64(x))
	case reflect.Float64:
		x, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		v.SetFloat(x)
	case reflect.Slice:
		v.Set(reflect.ValueOf(splitList(s)))
	default:
		return fmt.Errorf("unsupported field type %s", v.Type())
	}
	return nil
}

// fold applies the upper or lower option to a string field.
func fold(v reflect.Value, tag reflect.StructTag) {
	switch {
	case hasOpt(tag, "upper"):
		v.SetString(strings.ToUpper(v.String()))
	case hasOpt(tag, "lower"):
		v.SetString(strings.ToLower(v.String()))
	}
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
// its arguments, separated by spaces. The error does not repeat the key.
//
//	host          empty, or a host, host:port or URL (hops.url)
//	port          empty, or a TCP port number
//	hostports     a list of host:port
//	url           empty, or an http or https URL
//	oneof A B…    one of the words; empty too when the default is empty
//	listof A B…   a comma-separated list of the words
//	positive      a positive number or duration
//	min N         an integer at least N
//	fieldpath S   empty, S, or a dotted field path
//	fieldpaths    a list of dotted field paths
//	history       window, none or a positive duration
func checkValue(v reflect.Value, tag reflect.StructTag) error {
	args := strings.Fields(tag.Get("check"))
	if len(args) == 0 {
		return nil
	}
	rule, words := args[0], args[1:]
	s := ""
	if v.Kind() == reflect.String {
		s = v.String()
	}
	switch rule {
	case "host":
		if _, err := hopsURL(s); s != "" && err != nil {
			return fmt.Errorf("not a host or URL: %q", s)
		}
	case "port":
		if s != "" {
			return validPort(s)
		}
	case "hostports":
		return eachOf(v, checkBroker)
	case "url":
		if u, err := url.Parse(s); s != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			return fmt.Errorf("want an http or https URL, got %q", redactURL(s))
		}
	case "oneof":
		if !slices.Contains(words, s) && (s != "" || tag.Get("default") != "") {
			return fmt.Errorf("want %s, got %q", alternatives(words), s)
		}
	case "listof":
		return checkNames(s, words)
	case "positive":
		return checkPositive(v)
	case "min":
		if n, _ := strconv.Atoi(words[0]); v.Int() < int64(n) {
			return fmt.Errorf("must be at least %d, got %d", n, v.Int())
		}
	case "fieldpath":
		if s != "" && s != words[0] {
			return checkFieldPath(s)
		}
	case "fieldpaths":
		return eachOf(v, checkFieldPath)
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
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// eachOf checks every element of a []string, joining the errors.
func eachOf(v reflect.Value, check func(string) error) error {
	var errs []error
	for _, s := range v.Interface().([]string) {
		if err := check(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkNames checks a comma-separated list of names, each one of valid, none twice.
func checkNames(s string, valid []string) error {
	var seen []string
	for _, n := range strings.Split(s, ",") {
		switch n = strings.TrimSpace(n); {
		case !slices.Contains(valid, n):
			return fmt.Errorf("unknown name %q: want %s", n, alternatives(valid))
		case slices.Contains(seen, n):
			return fmt.Errorf("%s named twice", n)
		}
		seen = append(seen, n)
	}
	return nil
}

// checkPositive checks that a float or a Duration is positive (and finite).
func checkPositive(v reflect.Value) error {
	if d, ok := v.Interface().(Duration); ok {
		if d.Duration <= 0 {
			return fmt.Errorf("must be positive, got %s", d.Duration)
		}
		return nil
	}
	if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return fmt.Errorf("must be a positive number, got %v", f)
	}
	return nil
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

// checkBroker checks one host:port.
func checkBroker(b string) error {
	host, port, err := net.SplitHostPort(b)
	switch {
	case err != nil:
		return fmt.Errorf("want host:port, got %q", b)
	case host == "":
		return fmt.Errorf("no host in %q", b)
	}
	if err := validPort(port); err != nil {
		return fmt.Errorf("port of %q: %w", b, err)
	}
	return nil
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
