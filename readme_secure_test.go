package main

import (
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"

	"github.com/kafkaplot/kafkaplot/config"
)

// TestREADMEConfigReference checks the README's config reference against
// the configuration itself: every key of config.Keys, in order, with its
// default (config.Default) and its environment variable (config.EnvName).
func TestREADMEConfigReference(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Config reference\n")
	if !ok {
		t.Fatal("README has no \"## Config reference\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	type row struct{ key, def, env, what string }
	var rows []row
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 4 {
			t.Fatalf("row %q: %d cells, want key | default | environment | what", line, len(cells))
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, row{strings.Trim(cells[0], "`"), cells[1], strings.Trim(cells[2], "`"), cells[3]})
	}
	defaults := defaultCells(t)
	keys := config.Keys()
	for i, key := range keys {
		want := fmt.Sprintf("| `%s` | %s | `%s` | … |", key, defaults[key], config.EnvName(key))
		if i >= len(rows) || rows[i].key != key {
			t.Fatalf("config reference row %d: want key %s; the row should read\n%s", i+1, key, want)
		}
		r := rows[i]
		if r.def != defaults[key] || r.env != config.EnvName(key) || r.what == "" {
			t.Errorf("config reference row of %s: got default %q, environment %q; want\n%s", key, r.def, r.env, want)
		}
	}
	if len(rows) > len(keys) {
		t.Errorf("config reference has %d rows for %d keys: %q is not a key", len(rows), len(keys), rows[len(keys)].key)
	}
}

// defaultCells renders config.Default's value of every key as the README
// writes it: empty for an empty string or list, else in backquotes.
func defaultCells(t *testing.T) map[string]string {
	t.Helper()
	b, err := toml.Marshal(config.Default())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			key := prefix + k
			switch x := v.(type) {
			case map[string]any:
				walk(key+".", x)
			case string:
				out[key] = quoted(x)
			case bool:
				out[key] = quoted(strconv.FormatBool(x))
			case int64:
				out[key] = quoted(strconv.FormatInt(x, 10))
			case float64:
				out[key] = quoted(strconv.FormatFloat(x, 'g', -1, 64))
			case []any:
				if len(x) > 0 {
					t.Fatalf("%s: a non-empty default list needs a rendering rule", key)
				}
				out[key] = ""
			default:
				t.Fatalf("%s: no rendering rule for %s", key, reflect.TypeOf(v))
			}
		}
	}
	walk("", doc)
	for _, k := range config.Keys() {
		if _, ok := out[k]; !ok {
			t.Fatalf("config.Default has no value for key %s", k)
		}
	}
	return out
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}
