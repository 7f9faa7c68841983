package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/internal/testsupport/kgomember"
)

// groupMember is a member of a consumer group that a test starts and
// stops: kafkaplot (consume or the dashboard) or another client.
type groupMember interface {
	// owns returns the partitions the member says it owns ("0,1"; "" for
	// none) and whether it said yet.
	owns() (string, bool)
	// stop leaves the group the member's ordinary way and waits.
	stop()
}

// waitOwns waits until m owns want.
func waitOwns(t *testing.T, what string, m groupMember, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	testsupport.WaitUntil(t, fmt.Sprintf("%s to own [%s]", what, want), within, func() bool {
		got, ok := m.owns()
		return ok && got == want
	})
	return time.Since(start)
}

// waitSplit waits until a and b own one partition each, not the same.
func waitSplit(t *testing.T, what string, a, b groupMember, within time.Duration) {
	t.Helper()
	testsupport.WaitUntil(t, what+" to split the partitions", within, func() bool {
		x, okx := a.owns()
		y, oky := b.owns()
		return okx && oky && len(x) == 1 && len(y) == 1 && x != y
	})
}

// splitBothWays checks a two-partition group of kafkaplot and another
// client in both join orders: the first member owns both partitions, the
// second joining splits them 1+1 with the group on protocol, and when
// either leaves the other owns both again well within the leaver's
// session timeout (half of it: a member that does not leave the group is
// noticed only when its session times out).
func splitBothWays(t *testing.T, broker, group, protocol string, ours, theirs func() groupMember, oursSession, theirsSession time.Duration) {
	t.Helper()
	const join = 30 * time.Second
	a := ours()
	waitOwns(t, "kafkaplot alone", a, "0,1", join)
	b := theirs()
	waitSplit(t, "kafkaplot (leading) and the other client", a, b, join)
	testsupport.WaitGroupProtocol(t, []string{broker}, group, protocol, 5*time.Second)
	left := time.Now()
	b.stop()
	waitOwns(t, "kafkaplot after the other client left", a, "0,1", theirsSession/2-time.Since(left))
	took := time.Since(left)
	a.stop()
	t.Logf("kafkaplot owned both %s after the other client was asked to leave", took.Round(time.Millisecond))

	b = theirs()
	waitOwns(t, "the other client alone", b, "0,1", join)
	a = ours()
	waitSplit(t, "the other client (leading) and kafkaplot", a, b, join)
	testsupport.WaitGroupProtocol(t, []string{broker}, group, protocol, 5*time.Second)
	left = time.Now()
	a.stop()
	waitOwns(t, "the other client after kafkaplot left", b, "0,1", oursSession/2-time.Since(left))
	took = time.Since(left)
	b.stop()
	t.Logf("the other client owned both %s after kafkaplot was asked to leave", took.Round(time.Millisecond))
}

// kafkaplotSession is the session timeout of consume and the dashboard
// outside the embedded cluster.
const kafkaplotSession = 10 * time.Second

// rdkafkaSession is the session timeout group_member.py sets.
const rdkafkaSession = 6 * time.Second

// kgoSession is the session timeout of kgomember's franz-go consumer.
const kgoSession = 6 * time.Second

// pyMember is testdata/interop/group_member.py: the tutorial's library as a
// subscribed consumer.
type pyMember struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr testsupport.Buffer
	done   chan struct{}

	mu      sync.Mutex
	owned   string
	said    bool
	records map[int][]int64
}

func startPython(t *testing.T, broker, group string, strategy ...string) *pyMember {
	t.Helper()
	needPythonKafka(t)
	p := &pyMember{t: t, done: make(chan struct{}), records: map[int][]int64{}}
	p.cmd = exec.Command(python, append([]string{"../testdata/interop/group_member.py", broker, group, "temperature"}, strategy...)...)
	p.cmd.Stderr = &p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			p.mu.Lock()
			switch {
			case len(f) == 2 && f[0] == "owns":
				p.owned, p.said = strings.TrimSuffix(f[1], "-"), true
			case len(f) == 3 && f[0] == "record":
				part, _ := strconv.Atoi(f[1])
				off, _ := strconv.ParseInt(f[2], 10, 64)
				p.records[part] = append(p.records[part], off)
			}
			p.mu.Unlock()
		}
		p.cmd.Wait()
	}()
	t.Cleanup(p.stop)
	return p
}

func (p *pyMember) owns() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.owned, p.said
}

// stop closes stdin, so the consumer closes and leaves the group, and
// checks that librdkafka logged no protocol error.
func (p *pyMember) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("python group member did not close")
	}
	p.checkLog()
}

// librdkafkaProblem matches what librdkafka logs when it cannot read the
// group's protocol (the bug this replaced: "Protocol read buffer
// underflow ... rd_kafka_buf_read_topic_partitions") and any error.
var librdkafkaProblem = regexp.MustCompile(`(?i)underflow|protocol|^error:|^%[0-3]\|`)

func (p *pyMember) checkLog() {
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		if librdkafkaProblem.MatchString(line) {
			p.t.Errorf("librdkafka: %s", line)
		}
	}
}

// consumeMember is a running "kafkaplot consume".
type consumeMember struct {
	t     *testing.T
	group string
	proc  *testsupport.Proc

	mu      sync.Mutex
	parsed  int // bytes of stderr read into records
	records map[int][]int64
}

var partitionsLine = regexp.MustCompile(`^group \S+: generation \d+ \((\S*)\): partitions \[([0-9 ]*)\]$`)

// errorLine is consume's line for a record it could not decode.
var errorLine = regexp.MustCompile(`(?m)^error: \S+ \[(\d+)\] at offset (\d+): `)

func startConsume(t *testing.T, c cluster, group string, extra ...string) *consumeMember {
	t.Helper()
	needBinary(t)
	cmd := exec.Command(kafkaplotBin, append(append([]string{"consume", "--quiet", "--group", group}, c.flags()...), extra...)...)
	cmd.Dir = t.TempDir()
	// Interrupted, consume commits, leaves the group and exits 130.
	return &consumeMember{t: t, group: group, proc: testsupport.Start(t, cmd, os.Interrupt, 130), records: map[int][]int64{}}
}

// owns reports the partitions of consume's last assignment line.
func (m *consumeMember) owns() (string, bool) {
	errOut := m.proc.Stderr()
	for {
		i := strings.LastIndex(errOut, "group "+m.group+": ")
		if i < 0 {
			return "", false
		}
		line, _, _ := strings.Cut(errOut[i:], "\n")
		if p := partitionsLine.FindStringSubmatch(line); p != nil {
			return strings.ReplaceAll(p[2], " ", ","), true
		}
		errOut = errOut[:i]
	}
}

// read returns the offsets consume reported, per partition: the records
// of these tests are not Avro, so consume names each in an error line.
func (m *consumeMember) read() map[int][]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	errOut := m.proc.Stderr()
	if end := strings.LastIndexByte(errOut, '\n'); end >= m.parsed {
		for _, e := range errorLine.FindAllStringSubmatch(errOut[m.parsed:end+1], -1) {
			p, _ := strconv.Atoi(e[1])
			o, _ := strconv.ParseInt(e[2], 10, 64)
			m.records[p] = append(m.records[p], o)
		}
		m.parsed = end + 1
	}
	return cloneRecords(m.records)
}

// stop interrupts consume, which commits, leaves the group and exits 130,
// and checks that it reported no trouble.
func (m *consumeMember) stop() {
	m.t.Helper()
	m.proc.Stop(os.Interrupt, 130)
	if strings.Contains(m.proc.Stderr(), "status:") {
		m.t.Errorf("consume reported trouble:\n%s", m.proc.Stderr())
	}
}

// dashboardMember is a dashboard running in a tmux window.
type dashboardMember struct {
	tm   *testsupport.Tmux
	name string
	prog *testsupport.Program
}

func startDashboard(t *testing.T, tm *testsupport.Tmux, c cluster, group, name string) *dashboardMember {
	t.Helper()
	needBinary(t)
	dir := t.TempDir()
	prog := tm.Start(name, 120, 40, dir, nil, kafkaplotBin, append([]string{"--group", group, "--log", dir + "/kafkaplot.log"}, c.flags()...)...)
	return &dashboardMember{tm: tm, name: name, prog: prog}
}

func (d *dashboardMember) owns() (string, bool) { return owns(d.tm.Screen(d.name)) }

// stop quits the dashboard with q and waits for it to exit 0.
func (d *dashboardMember) stop() { d.prog.Quit() }

// TestGroupWithLibrdkafka shares a two-partition group between kafkaplot
// (consume and the dashboard) and the tutorial's library as a subscribed
// consumer with its default assignment strategy (range,roundrobin: the
// group agrees on range), in both join orders.
func TestGroupWithLibrdkafka(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	c := startCluster(t)
	t.Run("consume", func(t *testing.T) {
		t.Parallel()
		splitBothWays(t, c.broker, "rd-consume", "range",
			func() groupMember { return startConsume(t, c, "rd-consume") },
			func() groupMember { return startPython(t, c.broker, "rd-consume") },
			kafkaplotSession, rdkafkaSession)
	})
	t.Run("dashboard", func(t *testing.T) {
		t.Parallel()
		tm := testsupport.NewTmux(t)
		n := 0
		splitBothWays(t, c.broker, "rd-dashboard", "range",
			func() groupMember { n++; return startDashboard(t, tm, c, "rd-dashboard", fmt.Sprint("dashboard", n)) },
			func() groupMember { return startPython(t, c.broker, "rd-dashboard") },
			kafkaplotSession, rdkafkaSession)
	})
}

// kgoMember is franz-go's consumer in the test's process, as a groupMember.
type kgoMember struct{ *kgomember.Member }

func startKgo(t *testing.T, broker, group string, balancers ...kgo.GroupBalancer) kgoMember {
	t.Helper()
	return kgoMember{kgomember.Start(t, kgomember.Config{Brokers: []string{broker}, Group: group, Topic: "temperature", Balancers: balancers})}
}

func (k kgoMember) owns() (string, bool) {
	owned, assigned := k.Owned()
	s := make([]string, len(owned))
	for i, p := range owned {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ","), assigned
}

// stop commits, leaves the group and closes the client.
func (k kgoMember) stop() { k.Close() }

// TestGroupWithFranzGo shares a two-partition group between kafkaplot
// (consume and the dashboard) and franz-go's consumer, with its default
// balancer (cooperative-sticky) and with range, in both join orders.
func TestGroupWithFranzGo(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	balancers := map[string][]kgo.GroupBalancer{"cooperative-sticky": nil, "range": {kgo.RangeBalancer()}}
	for _, protocol := range []string{"cooperative-sticky", "range"} {
		t.Run(protocol+"/consume", func(t *testing.T) {
			t.Parallel()
			group := "kgo-consume-" + protocol
			splitBothWays(t, c.broker, group, protocol,
				func() groupMember { return startConsume(t, c, group) },
				func() groupMember { return startKgo(t, c.broker, group, balancers[protocol]...) },
				kafkaplotSession, kgoSession)
		})
		t.Run(protocol+"/dashboard", func(t *testing.T) {
			t.Parallel()
			tm := testsupport.NewTmux(t)
			group, n := "kgo-dashboard-"+protocol, 0
			splitBothWays(t, c.broker, group, protocol,
				func() groupMember { n++; return startDashboard(t, tm, c, group, fmt.Sprint("dashboard", n)) },
				func() groupMember { return startKgo(t, c.broker, group, balancers[protocol]...) },
				kafkaplotSession, kgoSession)
		})
	}
}

// TestConsumeRefusesGroupWithoutCommonAssignor runs consume against a group
// whose member offers only kafkajs's default protocol: it stops at once with
// one line naming both sides' offers and the setting to change.
func TestConsumeRefusesGroupWithoutCommonAssignor(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	k := startKgo(t, c.broker, "js", kgomember.Renamed{GroupBalancer: kgo.RoundRobinBalancer(), Name: "RoundRobinAssigner"})
	waitOwns(t, "the kafkajs-like member", k, "0,1", 30*time.Second)
	start := time.Now()
	_, errOut, code := kafkaplot(t, append([]string{"consume", "--quiet", "--group", "js"}, c.flags()...)...)
	if code == 0 {
		t.Fatalf("consume joined a group with no assignor in common: exit 0\n%s", errOut)
	}
	var problem []string
	for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if !partitionsLine.MatchString(line) {
			problem = append(problem, line)
		}
	}
	if len(problem) != 1 {
		t.Fatalf("want one error line, got:\n%s", errOut)
	}
	for _, want := range []string{"they use RoundRobinAssigner", "kafkaplot offers cooperative-sticky,range,roundrobin",
		"[kafka.consumer] partition_assignment_strategy (or --assignors)", "franz-go"} {
		if !strings.Contains(problem[0], want) {
			t.Errorf("error %q lacks %q", problem[0], want)
		}
	}
	t.Logf("refused in %s: %s", time.Since(start).Round(time.Millisecond), problem[0])
}
