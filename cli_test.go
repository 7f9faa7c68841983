package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/kafkaplot/kafkaplot/internal/cmdline"
	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// TestHelp keeps every command's -h in testdata/TestHelp (refresh with
// go test -run TestHelp -update).
func TestHelp(t *testing.T) {
	for _, name := range []string{"kafkaplot", "produce", "consume", "plot", "group", "cluster", "doctor", "completion"} {
		t.Run(name, func(t *testing.T) {
			args := []string{name, "-h"}
			if name == "kafkaplot" {
				args = []string{"-h"}
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 0 || stderr.Len() > 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr.String())
			}
			if want, _ := os.ReadFile(filepath.Join("testdata", t.Name()+".golden")); string(want) != stdout.String() {
				t.Log("help changed: if that is meant, refresh the golden files with go test -run TestHelp -update .")
			}
			golden.RequireEqual(t, stdout.Bytes())
			// "help COMMAND" prints the same.
			var viaHelp bytes.Buffer
			if err := run(context.Background(), append([]string{"help"}, args[:len(args)-1]...), &viaHelp, io.Discard); err != nil {
				t.Fatal(err)
			}
			if viaHelp.String() != stdout.String() {
				t.Errorf("kafkaplot help %s differs from -h:\n%s", name, viaHelp.String())
			}
		})
	}
}

// TestUsageErrors: a mistake in the command line is one line naming it and
// one line pointing to the command's help, exit status 2.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"produce", "-e", "abc"}, `-e, --events "abc": want an integer`},
		{[]string{"produce", "-d", "-1"}, "-d -1: must not be negative"},
		{[]string{"produce", "--delay=fast"}, `-d, --delay "fast": want a number`},
		{[]string{"produce", "--noise=maybe"}, `--noise "maybe": want true or false`},
		{[]string{"--window", "5"}, `--window "5": want a duration such as 30s or 2m`},
		{[]string{"consume", "--nosuch"}, "unknown flag: --nosuch"},
		{[]string{"consume", "extra"}, `unexpected argument "extra"`},
		{[]string{"consume", "--output", "xml"}, `--output "xml": want text, csv or jsonl`},
		{[]string{"--snapshot-dir", "/nonexistent/pictures"}, "--snapshot-dir /nonexistent/pictures: not a directory"},
		{[]string{"consume", "-brokers", "b:9092"}, "-brokers: long flags take two dashes: --brokers"},
		{[]string{"-topic=x"}, "-topic=x: long flags take two dashes: --topic=x"},
		{[]string{"produec"}, `unknown command "produec" (did you mean produce?)`},
		{[]string{"cluster", "--partitions", "0"}, "--partitions 0: want 1 to 1024"},
		{[]string{"doctor", "-c"}, "flag needs an argument: 'c' in -c"},
		{[]string{"completion"}, "completion: name one shell: bash, zsh or fish"},
		{[]string{"help", "nosuch"}, `help: unknown command "nosuch"`},
		{[]string{"--from", "middle"}, `--from "middle": want earliest or latest`},
		{[]string{"completion", "tcsh"}, `completion "tcsh": want bash, zsh or fish`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			cmd := "kafkaplot"
			if tc.args[0] != "produec" && !strings.HasPrefix(tc.args[0], "-") {
				cmd += " " + tc.args[0]
			}
			want := "kafkaplot: " + tc.want + "\nRun '" + cmd + " -h' for help.\n"
			if stderr.String() != want || stdout.Len() > 0 {
				t.Errorf("stderr:\n%s\nwant:\n%s\nstdout: %q", stderr.String(), want, stdout.String())
			}
		})
	}
}

// TestCompletion: each shell's script is generated, bash's is valid bash,
// and flag values complete from what the flag takes.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"completion", shell}, &out, io.Discard); err != nil {
			t.Fatalf("completion %s: %v", shell, err)
		}
		if !strings.Contains(out.String(), "kafkaplot") || out.Len() < 1000 {
			t.Errorf("completion %s: %d bytes", shell, out.Len())
		}
		if shell == "bash" {
			script := filepath.Join(t.TempDir(), "kafkaplot.bash")
			if err := os.WriteFile(script, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if msg, err := exec.Command(testsupport.NeedTool(t, "bash"), "-n", script).CombinedOutput(); err != nil {
				t.Errorf("bash -n: %v\n%s", err, msg)
			}
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"consume", "--from", ""}, []string{"earliest", "latest"}},
		{[]string{"produce", "--subject-strategy", "topic"}, []string{"topic-name", "topic-record"}},
		{[]string{"pro"}, []string{"produce\t"}},
		{[]string{"consume", "--unt"}, []string{"--until-end\t"}},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), append([]string{"__complete"}, tc.args...), &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("complete %q: no %q in\n%s", tc.args, w, out.String())
			}
		}
	}
}

// TestREADMEFlagsParse runs every kafkaplot command line of the README and
// the docs it links to, in code blocks and inline code, through the flag
// parser.
func TestREADMEFlagsParse(t *testing.T) {
	docs, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range append([]string{"README.md"}, docs...) {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := commandLines(string(text))
		if path == "README.md" && len(lines) < 15 {
			t.Fatalf("found %d kafkaplot command lines in the README, want at least 15: %q", len(lines), lines)
		}
		for _, args := range lines {
			if err := parseOnly(args); err != nil {
				t.Errorf("%s: kafkaplot %s: %v", path, strings.Join(args, " "), err)
			}
		}
	}
}

// TestParseOnly shows that parseOnly, which the README test relies on,
// refuses what run refuses.
func TestParseOnly(t *testing.T) {
	for _, tc := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"produce", "-e", "5", "-d", "0.5", "-t", "5"}, true},
		{[]string{"-b", "localhost:9092", "-t", "clicks", "-g", "me", "--value", "cost"}, true},
		{[]string{"cluster", "--secure", "/tmp/hops"}, true},
		{[]string{"produce", "--topic", "x", "-c", "config.toml"}, true},
		{[]string{"produce", "-e", "abc"}, false},
		{[]string{"consume", "-brokers", "x"}, false},
		{[]string{"cluster", "-c", "x.toml"}, false},
		{[]string{"doctor", "extra"}, false},
		{[]string{"consmue"}, false},
	} {
		if err := parseOnly(tc.args); (err == nil) != tc.ok {
			t.Errorf("parseOnly(%q) = %v, want ok %v", tc.args, err, tc.ok)
		}
	}
}

// parseOnly parses args as run would, without running the command.
func parseOnly(args []string) error {
	root := newRootCmd(io.Discard, io.Discard)
	cmd, rest, err := root.Find(args)
	if err != nil {
		return err
	}
	if err := cmdline.SingleDashLong(cmd.Flags(), rest); err != nil {
		return usageError{err}
	}
	cmd.InitDefaultHelpFlag()
	if err := cmd.ParseFlags(rest); err != nil {
		return cmdline.FlagError(err)
	}
	return cmd.ValidateArgs(cmd.Flags().Args())
}

var (
	fence      = regexp.MustCompile("(?ms)^[ \t]*```[a-z]*\n(.*?)^[ \t]*```")
	inlineCode = regexp.MustCompile("`([^`]+)`")
	envAssign  = regexp.MustCompile(`^[A-Z_]+=`)
)

// commandLines returns the arguments of every kafkaplot command in the
// README's code blocks and inline code.
func commandLines(readme string) [][]string {
	var cmds []string
	for _, block := range fence.FindAllStringSubmatch(readme, -1) {
		for _, line := range strings.Split(block[1], "\n") {
			line, _, _ = strings.Cut(line, " #")
			cmds = append(cmds, line)
		}
	}
	prose := fence.ReplaceAllString(readme, "")
	for _, para := range strings.Split(prose, "\n\n") {
		for _, m := range inlineCode.FindAllStringSubmatch(strings.ReplaceAll(para, "\n", " "), -1) {
			cmds = append(cmds, m[1])
		}
	}
	var out [][]string
	for _, c := range cmds {
		for _, seg := range regexp.MustCompile(`&&|\|\||[|;&>]`).Split(c, -1) {
			words := strings.Fields(strings.NewReplacer("[", "", "]", "", "'", "", `"`, "").Replace(seg))
			for len(words) > 0 && envAssign.MatchString(words[0]) {
				words = words[1:]
			}
			if len(words) > 0 && words[0] == "kafkaplot" {
				out = append(out, words[1:])
			}
		}
	}
	return out
}

// TestClusterOutputColumns: kafkaplot cluster prints its addresses with
// every value in one column.
func TestClusterOutputColumns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut testsupport.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"cluster", "--broker", testsupport.FreeAddr(t), "--registry", testsupport.FreeAddr(t), "-t", "columns"}, &out, &errOut)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl-c") {
		select {
		case err := <-done:
			t.Fatalf("cluster exited before it started: %v; stdout %q, stderr %q", err, out.String(), errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster did not start within 20 s: stdout %q, stderr %q", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var columns []int
	for _, line := range strings.Split(out.String(), "\n") {
		if m := regexp.MustCompile(`^[a-z]+( [a-z]+)? +`).FindString(line); m != "" {
			columns = append(columns, len(m))
		}
	}
	if len(columns) != 4 {
		t.Fatalf("want 4 label lines:\n%s", out.String())
	}
	for _, c := range columns {
		if c != columns[0] {
			t.Fatalf("values start in columns %v:\n%s", columns, out.String())
		}
	}
	if !strings.Contains(out.String(), "topic           columns (2 partitions)") {
		t.Errorf("no topic line:\n%s", out.String())
	}
}
