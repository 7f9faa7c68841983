package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMECommands keeps the README's first lines true: they show the run
// command and the test commands (vet, then the race tests), and CI runs those
// very commands, each on its own line under set -e, in the same order, so
// that either failing fails CI (a failure on the left of && does not stop a
// set -e script).
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Split(string(readme), "\n")
	if len(head) > 12 {
		head = head[:12]
	}
	var run string
	var tests []string
	for _, line := range head {
		cmd, _, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		switch {
		case cmd == "go run .":
			run = cmd
		case strings.HasPrefix(cmd, "go vet") || strings.HasPrefix(cmd, "go test -race"):
			tests = append(tests, cmd)
		}
	}
	if run == "" || len(tests) != 2 || !strings.HasPrefix(tests[0], "go vet") {
		t.Fatalf("the README's first lines must show `go run .`, then go vet and go test -race on lines of their own; got run %q, tests %q", run, tests)
	}
	lines := strings.Split(string(ci), "\n")
	if !slices.Contains(lines, "set -euo pipefail") {
		t.Errorf(".ci/run does not run under set -euo pipefail")
	}
	at := 0
	for _, test := range tests {
		i := slices.IndexFunc(lines[at:], func(l string) bool { return strings.TrimSpace(l) == test })
		if i < 0 {
			t.Errorf(".ci/run does not run the README's test command %q on a line of its own (after %q)", test, tests[:slices.Index(tests, test)])
			continue
		}
		at += i + 1
	}
}

// TestREADMEStartsShort keeps the README a front page (issue 21): at most
// 250 lines, the reference in docs/*.md beside it, each page it links to
// there, and the configuration, security, performance and tutorial pages
// among them.
func TestREADMEStartsShort(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if n := strings.Count(text, "\n"); n > 250 {
		t.Errorf("README.md has %d lines, want at most 250: move reference to docs/*.md", n)
	}
	linked := regexp.MustCompile(`\(docs/([a-z-]+\.md)\)`).FindAllStringSubmatch(text, -1)
	seen := map[string]bool{}
	for _, m := range linked {
		seen[m[1]] = true
		if _, err := os.Stat("docs/" + m[1]); err != nil {
			t.Errorf("README links to docs/%s: %v", m[1], err)
		}
	}
	for _, page := range []string{"configuration.md", "security.md", "performance.md", "tutorial.md"} {
		if !seen[page] {
			t.Errorf("README does not link to docs/%s", page)
		}
	}
}
