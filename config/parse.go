package config

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
// wrong type and values their check refuses are errors, all of them, each
// naming the key and its line. Whether the configuration is complete is
// Validate's job, once environment and flags have been applied.
func Parse(data []byte, name string) (Config, error) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if !errors.As(err, &de) {
			return Config{}, fmt.Errorf("parse %s: %w", name, err)
		}
		line, _ := de.Position()
		return Config{}, &Error{File: name, Line: line, Key: keyOnLine(data, line), Err: errors.New(strings.TrimPrefix(de.Error(), "toml: "))}
	}
	p := &parser{cfg: Default(), name: name, lines: map[string]int{}, headers: map[string]bool{}, set: map[string]bool{}}
	p.fields = fields(&p.cfg)
	p.index(data)
	p.walk(doc, "")
	byLine := func(a, b error) int { return a.(*Error).Line - b.(*Error).Line }
	slices.SortStableFunc(p.unknown, byLine)
	slices.SortStableFunc(p.errs, byLine)
	if n := len(p.unknown); n > maxUnknown {
		more := &Error{File: name, Line: p.unknown[maxUnknown].(*Error).Line, Err: fmt.Errorf("%d more unknown keys", n-maxUnknown)}
		p.unknown = append(p.unknown[:maxUnknown], more)
	}
	if errs := append(p.unknown, p.errs...); len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	if !p.set["kafka.security_protocol"] && p.cfg.Hops.URL != "" && len(p.cfg.Kafka.Brokers) == 0 {
		p.cfg.Kafka.SecurityProtocol = ProtocolSSL // the tutorial's Hopsworks
	}
	return p.cfg, nil
}

const maxUnknown = 20 // unknown keys reported one by one

// parser is one Parse: the document decoded by go-toml into maps, stored
// key by key in cfg, with the line of each key from go-toml's parser.
type parser struct {
	cfg     Config
	name    string
	fields  []field
	lines   map[string]int  // line of every key, dotted-key prefix and [table] of the document
	headers map[string]bool // the document's [table] headers
	set     map[string]bool // the keys the document set
	unknown []error         // unknown keys and tables, each an *Error
	errs    []error         // bad values, each an *Error
}

// index records the line where each key and table of data first appears, in lower case.
func (p *parser) index(data []byte) {
	var up unstable.Parser
	up.Reset(data)
	table := ""
	for up.NextExpression() {
		e := up.Expression() // a key = value, a [table] or an [[array table]]
		key, line := table, 0
		if e.Kind != unstable.KeyValue {
			key = ""
		}
		for it := e.Key(); it.Next(); {
			key = strings.TrimPrefix(key+"."+strings.ToLower(string(it.Node().Data)), ".")
			line = cmp.Or(line, up.Shape(it.Node().Raw).Start.Line)
			if _, ok := p.lines[key]; !ok {
				p.lines[key] = line
			}
		}
		if e.Kind != unstable.KeyValue {
			table, p.headers[key] = key, true
		}
	}
}

// walk stores the values of m, the document's table named prefix, in p.cfg.
func (p *parser) walk(m map[string]any, prefix string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key := prefix + strings.ToLower(k)
		sub, isTable := m[k].(map[string]any)
		i := slices.IndexFunc(p.fields, func(f field) bool { return f.key == key })
		section := slices.ContainsFunc(p.fields, func(f field) bool { return strings.HasPrefix(f.key, key+".") })
		switch {
		case isTable && p.headers[key] && !section:
			p.fail(key, ErrUnknownTable)
		case i >= 0:
			p.store(p.fields[i], m[k])
		case isTable: // a section, or the keys under an unknown dotted or inline key
			p.walk(sub, key+".")
		case section:
			p.fail(key, fmt.Errorf("want a table, got %s", describe(m[k])))
		default:
			p.fail(key, ErrUnknownKey)
		}
	}
}

// store converts, resolves and checks the value of a key.
func (p *parser) store(f field, val any) {
	err := setTOML(f.v, f.tag, val)
	if err == nil && hasOpt(f.tag, "path") {
		switch x := f.v.Addr().Interface().(type) {
		case *string:
			*x = resolve(*x, filepath.Dir(p.name))
		case *Verify:
			x.CAFile = resolve(x.CAFile, filepath.Dir(p.name))
		}
	}
	if err = cmp.Or(err, checkValue(f.v, f.tag)); err != nil {
		p.fail(f.key, err)
	}
	p.set[f.key] = true
}

// fail records a problem of key at its line, or at its nearest parent's (keys of an inline table).
func (p *parser) fail(key string, err error) {
	line, ok := p.lines[key]
	for k := key; !ok && k != ""; {
		k = k[:max(strings.LastIndex(k, "."), 0)]
		line, ok = p.lines[k]
	}
	e := &Error{File: p.name, Line: line, Key: key, Err: err}
	if errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrUnknownTable) {
		p.unknown = append(p.unknown, e)
	} else {
		p.errs = append(p.errs, e)
	}
}

// resolve joins a relative, non-empty path to dir.
func resolve(p, dir string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// keyText matches the start of a [table] header or of a key's line.
var keyText = regexp.MustCompile(`^\s*(\[*)\s*([A-Za-z0-9_.-]+)\s*(\]|=)`)

// keyOnLine names the key a syntax error on a line is about, as written
// there: a [table] header, or a bare key under the last header above it.
func keyOnLine(data []byte, line int) string {
	lines := strings.Split(string(data), "\n")
	key := ""
	for i := min(line, len(lines)) - 1; i >= 0; i-- {
		m := keyText.FindStringSubmatch(lines[i])
		switch {
		case m != nil && m[1] != "":
			return strings.ToLower(strings.TrimSuffix(m[2]+"."+key, "."))
		case i == line-1 && m == nil:
			return ""
		case i == line-1:
			key = m[2]
		}
	}
	return strings.ToLower(key)
}

// ApplyEnv overrides c with the KAFKAPLOT_<SECTION>_<KEY> variable of every
// key (see EnvName) that lookup finds, written as the key's default is:
// KAFKAPLOT_KAFKA_BROKERS=a:9092,b:9092, KAFKAPLOT_PLOT_WINDOW=30s. Paths
// are taken as given. On error, which names the variable, c is unchanged.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	n := *c
	var errs []error
	for _, f := range fields(&n) {
		if s, ok := lookup(EnvName(f.key)); ok {
			if err := cmp.Or(setText(f.v, f.tag, s), checkValue(f.v, f.tag)); err != nil {
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
