package testsupport

import (
	"os"
	"os/exec"
	"testing"
)

// EndToEnd marks a test that starts processes, clusters or external tools:
// it is skipped by go test -short and runs in parallel with the others
// (each uses free ports, its own temporary directory and tmux socket, and
// passes environment variables to the programs it starts only).
func EndToEnd(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: skipped by -short")
	}
	t.Parallel()
}

// NeedTool returns the path of a program, skipping the test when it is
// missing, except in CI (CI set) where .ci/run installs it and a missing
// tool is a failure.
func NeedTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("%s is not installed (CI must install it): %v", name, err)
		}
		tb.Skipf("%s is not installed", name)
	}
	return path
}
