package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestVersionFlag checks that --version of the binary TestMain built (with
// Go's default VCS stamping) names the commit it was built from. (Go
// stamps a clone, as CI checks out; in a git worktree it stamps nothing,
// and the revision is "unknown".)
func TestVersionFlag(t *testing.T) {
	endToEnd(t)
	git := needTool(t, "git")
	out, errOut, code := kafkaplot(t, "--version")
	if code != 0 {
		t.Fatalf("--version: exit %d: %s", code, errOut)
	}
	line := strings.TrimSpace(out)
	if !regexp.MustCompile(`^kafkaplot \S+ \(revision \S+`).MatchString(line) || strings.Contains(line, "\n") {
		t.Fatalf("--version: %q", line)
	}
	head, err := exec.Command(git, "-C", "..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	if info, err := os.Stat("../.git"); err == nil && info.IsDir() {
		if rev := strings.TrimSpace(string(head)); !strings.Contains(line, "revision "+rev) {
			t.Errorf("--version %q does not name HEAD %s", line, rev)
		}
	} else if !strings.Contains(line, "revision unknown") {
		t.Errorf("--version %q: want revision unknown in a worktree", line)
	}
}
