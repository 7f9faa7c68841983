package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ownsRE reads the partitions an instance owns from its group bar.
var ownsRE = regexp.MustCompile(`gen \d+ · owns \[([0-9,]*)\]`)

// tmux drives a private tmux server.
type tmux struct {
	socket string
}

func (t tmux) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", t.socket}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// owns returns what the dashboard in window name shows it owns, "" if
// nothing is shown (yet, or any more).
func (t tmux) owns(name string) string {
	out, err := exec.Command("tmux", "-L", t.socket, "capture-pane", "-p", "-t", "main:"+name).Output()
	if err != nil {
		return ""
	}
	m := ownsRE.FindStringSubmatch(string(out))
	if m == nil {
		return ""
	}
	return m[1]
}

// waitFor polls the screens every 10 ms until cond holds and returns how
// long that took.
func waitFor(ctx context.Context, what string, within time.Duration, cond func() bool) (time.Duration, error) {
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			return 0, fmt.Errorf("timed out after %s waiting for %s", within, what)
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start), nil
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// runRebalance runs a dashboard that starts the embedded cluster, then, for
// each round, a second dashboard: it times from launching the second until
// both screens show one partition each (join), from pressing q in the
// second until the first shows both (clean quit), and from kill -9 of a
// second until the first shows both. With --librdkafka it then times a
// mixed group: the tutorial's library (that script, run by python3) joins
// the dashboard's group and leaves it, each round.
func runRebalance(ctx context.Context, fs *flag.FlagSet, args []string, out io.Writer) error {
	bin := fs.String("bin", "", "kafkaplot binary")
	rounds := fs.Int("rounds", 3, "rounds of join, quit, join, kill")
	dir := fs.String("dir", os.TempDir(), "directory for the dashboards' logs")
	librdkafka := fs.String("librdkafka", "", "testdata/interop/group_member.py, to time a mixed group (empty: skip)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	broker, err := freePort()
	if err != nil {
		return err
	}
	registry, err := freePort()
	if err != nil {
		return err
	}
	t := tmux{socket: fmt.Sprintf("benchkit-%d", os.Getpid())}
	defer exec.Command("tmux", "-L", t.socket, "kill-server").Run()
	dashboard := func(name string) string {
		return fmt.Sprintf("exec env TERM=xterm-256color %s --embedded-broker %s --embedded-registry %s --log %s",
			*bin, broker, registry, filepath.Join(*dir, name+".log"))
	}
	if _, err := t.run("new-session", "-d", "-s", "main", "-n", "first", "-x", "160", "-y", "48", dashboard("first")); err != nil {
		return err
	}
	if _, err := waitFor(ctx, "the first dashboard to own [0,1]", 30*time.Second, func() bool { return t.owns("first") == "0,1" }); err != nil {
		return err
	}
	split := func() bool {
		a, b := t.owns("first"), t.owns("second")
		return (a == "0" && b == "1") || (a == "1" && b == "0")
	}
	firstOwnsAll := func() bool { return t.owns("first") == "0,1" }
	var joins, quits, kills []time.Duration
	for round := range *rounds {
		for _, how := range []string{"quit", "kill"} {
			launched := time.Now()
			if _, err := t.run("new-window", "-d", "-t", "main", "-n", "second", dashboard(fmt.Sprintf("second-%d-%s", round, how))); err != nil {
				return err
			}
			if _, err := waitFor(ctx, "the partitions to be split", 30*time.Second, split); err != nil {
				return err
			}
			joins = append(joins, time.Since(launched))
			time.Sleep(time.Second)
			var d time.Duration
			if how == "quit" {
				if _, err := t.run("send-keys", "-t", "main:second", "q"); err != nil {
					return err
				}
				d, err = waitFor(ctx, "the first to own both after q", 30*time.Second, firstOwnsAll)
				if err != nil {
					return err
				}
				quits = append(quits, d)
			} else {
				pidText, err := t.run("display-message", "-p", "-t", "main:second", "#{pane_pid}")
				if err != nil {
					return err
				}
				pid, err := strconv.Atoi(strings.TrimSpace(pidText))
				if err != nil {
					return fmt.Errorf("pid of the second dashboard: %w", err)
				}
				if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
					return err
				}
				d, err = waitFor(ctx, "the first to own both after kill -9", 30*time.Second, firstOwnsAll)
				if err != nil {
					return err
				}
				kills = append(kills, d)
			}
			// The window closes when its process exits.
			if _, err := waitFor(ctx, "the second window to close", 10*time.Second, func() bool {
				names, err := t.run("list-windows", "-t", "main", "-F", "#{window_name}")
				return err == nil && !slices.Contains(strings.Fields(names), "second")
			}); err != nil {
				return err
			}
			time.Sleep(time.Second)
		}
	}
	results := []struct {
		key string
		ds  []time.Duration
	}{{"rebalance_join", joins}, {"rebalance_quit", quits}, {"rebalance_kill", kills}}
	if *librdkafka != "" {
		mixedJoins, mixedLeaves, err := mixedRounds(ctx, t, *librdkafka, broker, *rounds)
		if err != nil {
			return err
		}
		results = append(results, struct {
			key string
			ds  []time.Duration
		}{"rebalance_mixed_join", mixedJoins}, struct {
			key string
			ds  []time.Duration
		}{"rebalance_mixed_leave", mixedLeaves})
	}
	for _, r := range results {
		slices.Sort(r.ds)
		fmt.Fprintf(out, "%s_median_ms=%d\n%s_max_ms=%d\n", r.key, r.ds[len(r.ds)/2].Milliseconds(), r.key, r.ds[len(r.ds)-1].Milliseconds())
	}
	return nil
}

// mixedRounds times the tutorial's library joining the first dashboard's
// group (until each owns one partition) and leaving it (until the
// dashboard owns both), rounds times.
func mixedRounds(ctx context.Context, t tmux, script, broker string, rounds int) (joins, leaves []time.Duration, err error) {
	for range rounds {
		cmd := exec.CommandContext(ctx, "/usr/bin/python3", script, broker, "kafkaplot", "temperature")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return nil, nil, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return nil, nil, err
		}
		launched := time.Now()
		if err := cmd.Start(); err != nil {
			return nil, nil, err
		}
		var mu sync.Mutex
		pyOwns := ""
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if owned, ok := strings.CutPrefix(sc.Text(), "owns "); ok {
					mu.Lock()
					pyOwns = owned
					mu.Unlock()
				}
			}
		}()
		split := func() bool {
			mu.Lock()
			defer mu.Unlock()
			a := t.owns("first")
			return (a == "0" && pyOwns == "1") || (a == "1" && pyOwns == "0")
		}
		if _, err := waitFor(ctx, "the dashboard and librdkafka to split the partitions", 30*time.Second, split); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return nil, nil, err
		}
		joins = append(joins, time.Since(launched))
		time.Sleep(time.Second)
		stdin.Close() // the script closes its consumer: it leaves the group
		d, err := waitFor(ctx, "the dashboard to own both after librdkafka left", 30*time.Second, func() bool { return t.owns("first") == "0,1" })
		cmd.Wait()
		if err != nil {
			return nil, nil, err
		}
		leaves = append(leaves, d)
		time.Sleep(time.Second)
	}
	return joins, leaves, nil
}
