package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
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

// Parse reads a TOML document over Default.
//
// name is used in error messages and its directory resolves relative file
// paths (project.ca_file, certificate_file, key_file, api.key_file,
// tls.keystore, tls.truststore and a hops.verify CA path). Unknown keys, values
// of the wrong type and values outside their allowed set are errors that name
// the key and its line. Parse does not check that the configuration is
// complete (a topic, a broker source...): that is Validate's job, once
// environment and flags have been applied.
func Parse(data []byte, name string) (Config, error) {
	idx := indexKeys(data)
	doc := data
	if len(idx.unknown) > maxUnknown {
		// go-toml rescans the whole document for each unknown key it reports:
		// decode only up to the first keys too many, which fails anyway.
		doc = data[:idx.starts[idx.unknown[maxUnknown]-1]]
	}
	raw, err := decodeRaw(doc)
	if err == nil && len(doc) < len(data) {
		// The count of unknown keys was wrong: decode the whole document.
		doc = data
		raw, err = decodeRaw(doc)
	}
	if err != nil {
		err = decodeError(doc, name, err)
		if len(doc) < len(data) {
			more := &Error{File: name, Line: idx.unknown[maxUnknown], Err: fmt.Errorf("%d more unknown keys", len(idx.unknown)-maxUnknown)}
			err = errors.Join(err, more)
		}
		return Config{}, err
	}
	values := map[string]any{}
	flatten(reflect.ValueOf(raw), "", values)
	lines := idx.lines

	c := Default()
	dir := filepath.Dir(name)
	var errs []error
	for _, f := range fields() {
		v, ok := values[f.key]
		if !ok {
			continue
		}
		if err := f.setTOML(&c, v); err != nil {
			errs = append(errs, &Error{File: name, Line: lines[f.key], Key: f.key, Err: err})
			continue
		}
		if f.flags&path != 0 {
			resolvePath(f.ptr(&c), dir)
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	if _, ok := values["kafka.security_protocol"]; !ok {
		c.Kafka.SecurityProtocol = derivedProtocol(c)
	}
	for _, f := range fields() {
		if _, ok := values[f.key]; !ok || f.check == nil {
			continue
		}
		if err := f.check(c); err != nil {
			errs = append(errs, &Error{File: name, Line: lines[f.key], Key: f.key, Err: err})
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// ApplyEnv overrides c with KAFKAPLOT_<SECTION>_<KEY> variables found by lookup.
//
// Every key of the file has a variable (see EnvName), typed like the TOML
// field: KAFKAPLOT_KAFKA_PORT=9093, KAFKAPLOT_HOPS_VERIFY=false,
// KAFKAPLOT_KAFKA_BROKERS=a:9092,b:9092, KAFKAPLOT_PLOT_WINDOW=30s. Paths are
// taken as given (relative to the working directory). On error, which names
// the variable, c is left unchanged.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	n := *c
	var errs []error
	for _, f := range fields() {
		name := EnvName(f.key)
		s, ok := lookup(name)
		if !ok {
			continue
		}
		err := f.setEnv(&n, s)
		if err == nil && f.check != nil {
			err = f.check(n)
		}
		if err != nil {
			errs = append(errs, &Error{Key: f.key, Env: name, Err: err})
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	*c = n
	return nil
}

// decodeRaw decodes a document strictly, rejecting unknown keys.
func decodeRaw(doc []byte) (rawConfig, error) {
	var raw rawConfig
	err := toml.NewDecoder(bytes.NewReader(doc)).DisallowUnknownFields().Decode(&raw)
	return raw, err
}

// resolvePath makes a relative path field (a *string or a *Verify's CA file) relative to dir.
func resolvePath(p any, dir string) {
	switch x := p.(type) {
	case *string:
		*x = resolve(*x, dir)
	case *Verify:
		x.CAFile = resolve(x.CAFile, dir)
	}
}

// resolve joins a relative, non-empty path to dir.
func resolve(p, dir string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// decodeError turns go-toml's errors into Errors naming the file, line and key.
func decodeError(data []byte, name string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		errs := make([]error, 0, len(strict.Errors))
		for i := range strict.Errors {
			e := &strict.Errors[i]
			line, _ := e.Position()
			kind := ErrUnknownKey
			if strings.HasSuffix(e.Error(), "missing table") {
				kind = ErrUnknownTable
			}
			errs = append(errs, &Error{File: name, Line: line, Key: strings.Join(e.Key(), "."), Err: kind})
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		idx := indexKeys(data)
		return &Error{File: name, Line: line, Key: idx.keyAt(data, line, de.Key()), Err: errors.New(msg)}
	}
	return fmt.Errorf("parse %s: %w", name, err)
}

// maxUnknown is the number of unknown keys reported before Parse stops looking.
const maxUnknown = 20

// rawConfig mirrors Config with untyped leaves: go-toml rejects unknown keys
// and keeps TOML's own types, which the field table then converts with
// errors that name the key.
type rawConfig struct {
	Hops struct {
		URL    any `toml:"url"`
		Verify any `toml:"verify"`
	} `toml:"hops"`
	Project struct {
		Name            any `toml:"name"`
		ID              any `toml:"id"`
		CAFile          any `toml:"ca_file"`
		CertificateFile any `toml:"certificate_file"`
		KeyFile         any `toml:"key_file"`
		KeyPassword     any `toml:"key_password"`
	} `toml:"project"`
	Kafka struct {
		Topic            any `toml:"topic"`
		Schema           any `toml:"schema"`
		Port             any `toml:"port"`
		Brokers          any `toml:"brokers"`
		SecurityProtocol any `toml:"security_protocol"`
		SASLMechanism    any `toml:"sasl_mechanism"`
		SASLUsername     any `toml:"sasl_username"`
		SASLPassword     any `toml:"sasl_password"`
		Consumer         struct {
			GroupID                     any `toml:"group_id"`
			AutoOffsetReset             any `toml:"auto_offset_reset"`
			PartitionAssignmentStrategy any `toml:"partition_assignment_strategy"`
		} `toml:"consumer"`
	} `toml:"kafka"`
	API struct {
		Base    any `toml:"base"`
		Key     any `toml:"key"`
		KeyFile any `toml:"key_file"`
	} `toml:"api"`
	Registry struct {
		URL             any `toml:"url"`
		Username        any `toml:"username"`
		Password        any `toml:"password"`
		Subject         any `toml:"subject"`
		SubjectStrategy any `toml:"subject_strategy"`
	} `toml:"registry"`
	TLS struct {
		Keystore             any `toml:"keystore"`
		KeystorePassword     any `toml:"keystore_password"`
		Truststore           any `toml:"truststore"`
		TruststorePassword   any `toml:"truststore_password"`
		InsecureSkipHostname any `toml:"skip_hostname_verification"`
	} `toml:"tls"`
	Plot struct {
		Window any `toml:"window"`
		Points any `toml:"points"`
		Rate   any `toml:"rate"`
		Series any `toml:"series"`
		Value  any `toml:"value"`
		Time   any `toml:"time"`
	} `toml:"plot"`
}

// flatten collects the set leaves of a rawConfig by dotted key.
func flatten(v reflect.Value, prefix string, out map[string]any) {
	t := v.Type()
	for i := range t.NumField() {
		key := t.Field(i).Tag.Get("toml")
		if prefix != "" {
			key = prefix + "." + key
		}
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Struct:
			flatten(fv, key, out)
		case reflect.Interface:
			if !fv.IsNil() {
				out[key] = fv.Interface()
			}
		}
	}
}

// keyIndex locates keys in a TOML document.
//
// Keys are stored in lower case because go-toml matches struct fields case
// insensitively: [KAFKA] Port = 1 sets kafka.port.
type keyIndex struct {
	lines   map[string]int // lower-cased dotted key of every key-value and table header -> line
	tables  []header       // table headers in document order
	unknown []int          // lines of the unknown keys go-toml's strict mode reports, in order
	starts  []int          // offset of the start of every line
}

// header is a [table] or [[array table]] header.
type header struct {
	line int
	key  string
}

// indexKeys records the line of every key up to the end of the document or
// the first syntax error, in time linear in the document's size.
func indexKeys(data []byte) keyIndex {
	idx := keyIndex{lines: map[string]int{}, starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			idx.starts = append(idx.starts, i+1)
		}
	}
	known := knownKeys()
	var p unstable.Parser
	p.Reset(data)
	var table []string
	tableKnown := true
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var line int
			table, line = idx.keyParts(e.Key(), nil)
			key := strings.ToLower(strings.Join(table, "."))
			idx.tables = append(idx.tables, header{line: line, key: key})
			if _, ok := idx.lines[key]; !ok {
				idx.lines[key] = line
			}
			tableKnown = known[key]
			if !tableKnown {
				idx.unknown = append(idx.unknown, line)
			}
		case unstable.KeyValue:
			idx.addKeyValue(table, e, known, tableKnown)
		}
	}
	return idx
}

// addKeyValue records a key-value and, for an inline table, its members.
func (idx *keyIndex) addKeyValue(prefix []string, kv *unstable.Node, known map[string]bool, count bool) {
	full, line := idx.keyParts(kv.Key(), prefix)
	// A dotted key (a.b.c = 1) also defines the tables a and a.b on its line.
	for i := len(prefix) + 1; i <= len(full); i++ {
		k := strings.ToLower(strings.Join(full[:i], "."))
		if _, ok := idx.lines[k]; !ok {
			idx.lines[k] = line
		}
	}
	key := strings.ToLower(strings.Join(full, "."))
	if !known[key] {
		if count {
			idx.unknown = append(idx.unknown, line)
		}
		return
	}
	v := kv.Value()
	if v == nil || v.Kind != unstable.InlineTable {
		return
	}
	it := v.Children()
	for it.Next() {
		if n := it.Node(); n.Kind == unstable.KeyValue {
			idx.addKeyValue(full, n, known, count)
		}
	}
}

// keyParts appends the parts of a key to a copy of prefix and returns the line of its first part.
func (idx *keyIndex) keyParts(it unstable.Iterator, prefix []string) ([]string, int) {
	parts := append([]string(nil), prefix...)
	line := 0
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = idx.lineAt(int(n.Raw.Offset))
		}
		parts = append(parts, string(n.Data))
	}
	return parts, line
}

// lineAt returns the 1-based line holding a byte offset.
func (idx *keyIndex) lineAt(offset int) int {
	return sort.Search(len(idx.starts), func(i int) bool { return idx.starts[i] > offset })
}

// knownKeys returns every key of the field table and every table above one.
func knownKeys() map[string]bool {
	known := map[string]bool{}
	for _, f := range fields() {
		parts := strings.Split(f.key, ".")
		for i := range parts {
			known[strings.Join(parts[:i+1], ".")] = true
		}
	}
	return known
}

// keyAt names the key a decode error on line is about: a key indexed on that
// line (preferring one ending with the relative key go-toml reports), else the
// enclosing table plus the bare key written on that line, else "".
func (idx keyIndex) keyAt(data []byte, line int, rel toml.Key) string {
	suffix := strings.ToLower(strings.Join(rel, "."))
	found := ""
	for k, l := range idx.lines {
		if l != line {
			continue
		}
		switch {
		case suffix != "" && (k == suffix || strings.HasSuffix(k, "."+suffix)):
			return k
		case found == "" || len(k) > len(found) || (len(k) == len(found) && k < found):
			found = k
		}
	}
	if found != "" {
		return found
	}
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return suffix
	}
	text := strings.TrimSpace(lines[line-1])
	if strings.HasPrefix(text, "[") {
		return strings.ToLower(bareKey(strings.Trim(text, "[] \t")))
	}
	before, _, ok := strings.Cut(text, "=")
	if !ok {
		return suffix
	}
	key := strings.ToLower(bareKey(strings.TrimSpace(before)))
	if key == "" {
		return suffix
	}
	table := ""
	for _, h := range idx.tables {
		if h.line < line {
			table = h.key
		}
	}
	if table == "" {
		return key
	}
	return table + "." + key
}

// bareKey returns s if it is a (possibly dotted) bare TOML key, else "".
func bareKey(s string) string {
	if s == "" {
		return ""
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		default:
			return ""
		}
	}
	return s
}
