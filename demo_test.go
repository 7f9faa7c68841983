package main

import (
	"os/exec"
	"testing"
)

// TestDemoTapeValid checks demo.tape with vhs itself (rendering needs ttyd,
// which is not available here).
func TestDemoTapeValid(t *testing.T) {
	vhs := needTool(t, "vhs")
	out, err := exec.Command(vhs, "validate", "demo.tape").CombinedOutput()
	if err != nil {
		t.Fatalf("vhs validate demo.tape: %v\n%s", err, out)
	}
}
