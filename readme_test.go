package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMECommands keeps the README's first lines true: they show the run
// command and the test command, and CI runs that very test command.
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
	var run, test string
	for _, line := range head {
		cmd, _, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		switch {
		case cmd == "go run .":
			run = cmd
		case strings.HasPrefix(cmd, "go vet") || strings.HasPrefix(cmd, "go test"):
			test = cmd
		}
	}
	if run == "" || test == "" {
		t.Fatalf("the README's first lines must show `go run .` and the test command; got run %q, test %q", run, test)
	}
	found := false
	for _, line := range strings.Split(string(ci), "\n") {
		if strings.TrimSpace(line) == test {
			found = true
		}
	}
	if !found {
		t.Errorf(".ci/run does not run the README's test command %q", test)
	}
}
