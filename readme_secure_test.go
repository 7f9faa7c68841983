package main

import (
	"encoding"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kafkaplot/kafkaplot/config"
)

// TestREADMEConfigReference checks that the config reference (in
// docs/configuration.md, linked from the README) is
// the table config.Config describes: a row per key in field order, with the
// field's default tag, its environment variable (config.EnvName), 🔒 for a
// secret and the field's comment. Run with -update to rewrite the table.
func TestREADMEConfigReference(t *testing.T) {
	want := configReference(t)
	data, err := os.ReadFile(configDoc)
	if err != nil {
		t.Fatal(err)
	}
	head, section, ok := strings.Cut(string(data), "\n## Config reference\n")
	if !ok {
		t.Fatal(configDoc + " has no \"## Config reference\" section")
	}
	section, tail, found := strings.Cut(section, "\n## ")
	lines := strings.Split(section, "\n")
	first := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "| `") })
	if first < 0 {
		t.Fatal("config reference has no table rows")
	}
	last := first
	for last < len(lines) && strings.HasPrefix(lines[last], "| `") {
		last++
	}
	if u := flag.Lookup("update"); u != nil && u.Value.String() == "true" {
		section = strings.Join(slices.Concat(lines[:first], want, lines[last:]), "\n")
		if found {
			section += "\n## " + tail
		}
		if err := os.WriteFile(configDoc, []byte(head+"\n## Config reference\n"+section), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := lines[first:last]
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(got):
			t.Errorf("config reference lacks row %d:\n%s", i+1, want[i])
		case i >= len(want):
			t.Errorf("config reference row %d is no key of config.Config:\n%s", i+1, got[i])
		case got[i] != want[i]:
			t.Errorf("config reference row %d\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if t.Failed() {
		t.Log("go test -run TestREADMEConfigReference -update . rewrites the table")
	}
}

// configDoc holds the config reference.
const configDoc = "docs/configuration.md"

// configReference renders the reference table rows of every leaf of config.Config.
func configReference(t *testing.T) []string {
	t.Helper()
	docs := fieldComments(t, "config")
	var rows, keys []string
	textType := reflect.TypeFor[encoding.TextUnmarshaler]()
	var walk func(rt reflect.Type, prefix string)
	walk = func(rt reflect.Type, prefix string) {
		for i := range rt.NumField() {
			f := rt.Field(i)
			key := prefix + f.Tag.Get("toml")
			if f.Type.Kind() == reflect.Struct && !reflect.PointerTo(f.Type).Implements(textType) {
				walk(f.Type, key+".")
				continue
			}
			doc := docs[rt.Name()+"."+f.Name]
			if doc == "" {
				t.Errorf("config.%s.%s (%s) has no comment for the README", rt.Name(), f.Name, key)
			}
			if slices.Contains(strings.Split(f.Tag.Get("opt"), ","), "secret") {
				doc = "🔒 " + doc
			}
			def := " "
			if d := f.Tag.Get("default"); d != "" {
				def = " `" + d + "` "
			}
			rows = append(rows, "| `"+key+"` |"+def+"| `"+config.EnvName(key)+"` | "+doc+" |")
			keys = append(keys, key)
		}
	}
	walk(reflect.TypeFor[config.Config](), "")
	if !slices.Equal(keys, config.Keys()) {
		t.Errorf("config.Keys() = %q, want the struct's keys %q", config.Keys(), keys)
	}
	return rows
}

// fieldComments returns the doc comment of every struct field in the Go
// files of dir (above or after it), by "Type.Field", on one line.
func fieldComments(t *testing.T, dir string) map[string]string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, pkg := range pkgs {
		ast.Inspect(pkg, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					for _, name := range f.Names {
						out[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(f.Doc.Text()+f.Comment.Text()), " ")
					}
				}
			}
			return true
		})
	}
	return out
}
