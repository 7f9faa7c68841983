package main

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestClusterUsageErrors checks that cluster refuses bad flags with a usage
// error naming the flag, before starting anything.
func TestClusterUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"--no-415 without --secure", []string{"--no-415"}, "--no-415: only with --secure"},
		{"no partitions", []string{"--partitions", "0"}, "--partitions 0: want 1 to 1024"},
		{"project id with a slash", []string{"--secure", t.TempDir(), "--project-id", "1/2"}, `--project-id "1/2"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"cluster"}, tc.args...), io.Discard, io.Discard)
			var usage usageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a usage error with %q", err, tc.want)
			}
		})
	}
}
