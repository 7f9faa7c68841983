package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Load reads the TOML file at path over Default; see Parse.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("load %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse reads a TOML document over Default. name is used in error messages
// and its directory resolves relative paths. Unknown keys, values of the
// wrong type and values their check refuses are errors that name the key and
// its line. Whether the configuration is complete is Validate's job, once
// environment and flags have been applied.
func Parse(data []byte, name string) (Config, error) {
	d := &decoding{cfg: Default(), dir: filepath.Dir(name), set: map[string]bool{}}
	if err := d.decode(data, ""); err != nil {
		if d.table != "" {
			// A [table] header named a key: without that key, go-toml reports the header's line.
			err = cmpErr(d.decode(data, d.table), err)
		}
		return Config{}, d.fileError(data, name, err)
	}
	if !d.set["kafka.security_protocol"] && d.cfg.Hops.URL != "" && len(d.cfg.Kafka.Brokers) == 0 {
		d.cfg.Kafka.SecurityProtocol = ProtocolSSL // the tutorial's Hopsworks
	}
	return d.cfg, nil
}

// cmpErr returns the first non-nil error.
func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// ApplyEnv overrides c with the KAFKAPLOT_<SECTION>_<KEY> variable of every
// key (see EnvName) that lookup finds, written as the key's default is:
// KAFKAPLOT_KAFKA_BROKERS=a:9092,b:9092, KAFKAPLOT_PLOT_WINDOW=30s. Paths
// are taken as given. On error, which names the variable, c is unchanged.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	n := *c
	var errs []error
	for _, f := range fields() {
		if s, ok := lookup(EnvName(f.key)); ok {
			v := f.value(&n)
			if err := cmpErr(setText(v, f.tag, s), checkValue(v, f.tag)); err != nil {
				errs = append(errs, &Error{Key: f.key, Env: EnvName(f.key), Err: err})
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	*c = n
	return nil
}

// decoding is one Parse: go-toml decodes the document strictly into a value
// shaped like Config whose leaves are setters of cfg's fields, so that it
// reports unknown keys, syntax errors and the setters' errors with their line.
type decoding struct {
	cfg   Config
	dir   string          // directory of the file, for relative paths
	set   map[string]bool // keys the document set
	err   *Error          // the setter's error go-toml reports, if any
	table string          // key a [table] header was given to, if any
}

// decode decodes data into d.cfg, leaving out the key skip.
func (d *decoding) decode(data []byte, skip string) error {
	target := d.shadow(reflect.ValueOf(&d.cfg).Elem(), "", skip)
	return toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().EnableUnmarshalerInterface().
		Decode(target.Addr().Interface())
}

// shadow returns a struct with the toml tags of v's type and a *setter for every leaf of v.
func (d *decoding) shadow(v reflect.Value, prefix, skip string) reflect.Value {
	var fields []reflect.StructField
	var values []reflect.Value
	for i := range v.NumField() {
		sf := v.Type().Field(i)
		if key := prefix + sf.Tag.Get("toml"); key != skip {
			fv := reflect.ValueOf(&setter{d: d, key: key, v: v.Field(i), tag: sf.Tag})
			if isSection(sf.Type) {
				fv = d.shadow(v.Field(i), key+".", skip)
			}
			fields = append(fields, reflect.StructField{Name: sf.Name, Type: fv.Type(), Tag: `toml:"` + reflect.StructTag(sf.Tag.Get("toml")) + `"`})
			values = append(values, fv)
		}
	}
	s := reflect.New(reflect.StructOf(fields)).Elem()
	for i, fv := range values {
		s.Field(i).Set(fv)
	}
	return s
}

// setter stores the value go-toml found for one key in its field of Config.
type setter struct {
	d   *decoding
	key string
	v   reflect.Value
	tag reflect.StructTag
}

// UnmarshalTOML converts, resolves and checks the raw TOML value of the key.
func (s *setter) UnmarshalTOML(raw []byte) error {
	val, err := rawValue(raw)
	if err != nil { // not one value: the body of a [table] named after this key
		s.d.table = s.key
		return fmt.Errorf("table %s: %w", s.key, err)
	}
	if err = setTOML(s.v, s.tag, raw, val); err == nil && hasOpt(s.tag, "path") {
		switch p := s.v.Addr().Interface().(type) {
		case *string:
			*p = resolve(*p, s.d.dir)
		case *Verify:
			p.CAFile = resolve(p.CAFile, s.d.dir)
		}
	}
	if err = cmpErr(err, checkValue(s.v, s.tag)); err != nil {
		s.d.err = &Error{Key: s.key, Err: err}
		return &unstable.ParserError{Highlight: raw, Message: err.Error(), Key: strings.Split(s.key, ".")}
	}
	s.d.set[s.key] = true
	return nil
}

// resolve joins a relative, non-empty path to dir.
func resolve(p, dir string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// maxUnknown is the number of unknown keys reported one by one.
const maxUnknown = 20

// fileError turns go-toml's errors into Errors naming the file, line and key.
func (d *decoding) fileError(data []byte, name string, err error) error {
	var strict *toml.StrictMissingError
	var de *toml.DecodeError
	switch {
	case errors.As(err, &strict):
		var errs []error
		for i, e := range strict.Errors {
			line, _ := e.Position()
			kind := ErrUnknownKey
			if strings.HasSuffix(e.Error(), "missing table") {
				kind = ErrUnknownTable
			}
			if i == maxUnknown {
				return errors.Join(append(errs, &Error{File: name, Line: line, Err: fmt.Errorf("%d more unknown keys", len(strict.Errors)-i)})...)
			}
			errs = append(errs, &Error{File: name, Line: line, Key: strings.ToLower(strings.Join(e.Key(), ".")), Err: kind})
		}
		return errors.Join(errs...)
	case !errors.As(err, &de):
		return fmt.Errorf("parse %s: %w", name, err)
	case d.err != nil:
		line, _ := de.Position()
		return &Error{File: name, Line: line, Key: d.err.Key, Err: d.err.Err}
	}
	line, _ := de.Position()
	return &Error{File: name, Line: line, Key: keyOnLine(data, line), Err: errors.New(strings.TrimPrefix(de.Error(), "toml: "))}
}

var (
	headerLine = regexp.MustCompile(`^\s*\[+\s*([A-Za-z0-9_.-]+)\s*\]+`)
	keyLine    = regexp.MustCompile(`^\s*([A-Za-z0-9_.-]+)\s*=`)
)

// keyOnLine names the key a syntax error on a line is about, as written
// there: a [table] header, or a bare key under the last header above it.
func keyOnLine(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	if m := headerLine.FindStringSubmatch(lines[line-1]); m != nil {
		return strings.ToLower(m[1])
	}
	m := keyLine.FindStringSubmatch(lines[line-1])
	for i := line - 2; m != nil && i >= 0; i-- {
		if h := headerLine.FindStringSubmatch(lines[i]); h != nil {
			return strings.ToLower(h[1] + "." + m[1])
		}
	}
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}
