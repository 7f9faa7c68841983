package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/kafkaplot/kafkaplot/config"
	"github.com/kafkaplot/kafkaplot/internal/connect"
)

// TestAssignorsFlag checks that --assignors overrides the configuration
// and is checked as the key is.
func TestAssignorsFlag(t *testing.T) {
	tests := []struct {
		name    string
		flag    string
		want    []string
		wantErr string
	}{
		{name: "default", want: []string{"cooperative-sticky", "range", "roundrobin"}},
		{name: "flag", flag: "range,roundrobin", want: []string{"range", "roundrobin"}},
		{name: "unknown", flag: "sticky", wantErr: `kafka.consumer.partition_assignment_strategy: unknown name "sticky"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Kafka.Brokers = []string{"127.0.0.1:9092"}
			groupFlags{assignors: tt.flag}.apply(&cfg)
			err := cfg.Validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Validate = %v; want error %q", err, tt.wantErr)
				}
				return
			}
			if got := cfg.Kafka.Consumer.AssignmentStrategies(); err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("assignors = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestPlotFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want config.Plot
	}{
		{"none keeps the file's", nil, config.Plot{Series: "id", Value: []string{"value"}}},
		{"all", []string{"--series", "creative_id", "--value", "cost, location.lat", "--time", "@time"},
			config.Plot{Series: "creative_id", Value: []string{"cost", "location.lat"}, Time: "@time"}},
		{"empty value clears", []string{"--value", ""}, config.Plot{Series: "id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
			var pf plotFlags
			pf.register(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			cfg := config.Config{Plot: config.Plot{Series: "id", Value: []string{"value"}}}
			pf.apply(fs, &cfg)
			if fmt.Sprint(cfg.Plot) != fmt.Sprint(tc.want) {
				t.Errorf("plot = %+v, want %+v", cfg.Plot, tc.want)
			}
		})
	}
}

func TestSubjectName(t *testing.T) {
	for _, tc := range []struct {
		name     string
		strategy string
		subject  string
		want     string
		err      string
	}{
		{"config's default: record name", "", "", "sensor", ""},
		{"topic name", "topic-name", "", "temperature-value", ""},
		{"topic record, any case", "Topic-Record", "", "temperature-sensor", ""},
		{"registry.subject wins", "topic-name", "mine", "mine", ""},
		{"unknown", "TopicNameStrategy", "", "", `--subject-strategy "TopicNameStrategy": want record-name, topic-name or topic-record`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Registry.Subject = tc.subject
			got, err := subjectName(cfg, tc.strategy)
			if tc.err != "" {
				var ue usageError
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &ue) {
					t.Errorf("err = %v, want usage error %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("subjectName = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// codedError is an engine's error that chooses its exit code.
type codedError struct{ code int }

func (e codedError) Error() string { return "coded" }
func (e codedError) ExitCode() int { return e.code }

// TestExitCode checks the mapping of run's errors to exit codes and what
// is printed.
func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		err        error
		wantCode   int
		wantStderr string
	}{
		{"success", nil, 0, ""},
		{"interrupted", fmt.Errorf("consume: %w", connect.ErrInterrupted), 130, ""},
		{"an engine's code", fmt.Errorf("wrapped: %w", codedError{7}), 7, "kafkaplot: wrapped: coded\n"},
		{"usage", helpHint{err: usageError{errors.New("bad flag")}, command: "kafkaplot consume"}, 2,
			"kafkaplot: bad flag\nRun 'kafkaplot consume -h' for help.\n"},
		{"other", errors.New("broken"), 1, "kafkaplot: broken\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			if code := exitCode(tc.err, &stderr); code != tc.wantCode || stderr.String() != tc.wantStderr {
				t.Errorf("exitCode = %d, printed %q; want %d, %q", code, stderr.String(), tc.wantCode, tc.wantStderr)
			}
		})
	}
}

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

// TestPlotUsageErrors checks plot's flags before anything is read.
func TestPlotUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "x.png"}, "--from: parse time: empty; want RFC 3339"},
		{[]string{"--from", "yesterday", "-o", "x.png"}, `--from: parse time "yesterday"`},
		{[]string{"--from", "-1h", "--to", "soon", "-o", "x.png"}, `--to: parse time "soon"`},
		{[]string{"--from", "-1h", "--to", "-2h", "-o", "x.png"}, "--from -1h --to -2h: the end must be after the start"},
		{[]string{"--from", "-1h"}, "-o, --output: no picture file named: name a .png, .svg or .pdf file"},
		{[]string{"--from", "-1h", "-o", "x.jpg"}, "-o, --output: picture x.jpg: format .jpg unknown"},
		{[]string{"--from", "-1h", "-o", "x.png", "--width", "100"}, "--width 100 --height 0: picture width 100 px: must be 320 to 16000"},
		{[]string{"--from", "-1h", "-o", "x.png", "--height", "99999"}, "--width 1600 --height 99999: picture height 99999 px: must be 320 to 16000"},
		{[]string{"--from", "-1h", "-o", "x.png", "--partitions", "a"}, `--partitions "a": "a" is not a partition number`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"plot"}, tc.args...), &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tc.want)
			}
		})
	}
}

// rootLines is the most non-test lines the root package may have: it is
// the command line only (issue 17).
const rootLines = 900

// TestRootIsTheCommandLine keeps the root package small: the cobra tree,
// flag definitions and their checks, usage errors and exit codes. A
// command's engine belongs in its package under internal/.
func TestRootIsTheCommandLine(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		total += bytes.Count(data, []byte("\n"))
	}
	if total == 0 || total > rootLines {
		t.Errorf("the root package has %d non-test lines, want 1 to %d: move what is not the command line into the command's engine under internal/", total, rootLines)
	}
}

// maxFileLines is the most lines a non-test Go file may have: past it, a
// file holds more than one job and is split along them.
const maxFileLines = 500

// TestNoFileOverMaxLines keeps every non-test Go file of the module at most
// maxFileLines long.
func TestNoFileOverMaxLines(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if n := bytes.Count(data, []byte("\n")); n > maxFileLines {
			t.Errorf("%s has %d lines, want at most %d: split it by job", path, n, maxFileLines)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
