package main

import (
	"os"
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
