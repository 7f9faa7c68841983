package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
)

// describedPartition is a partition row of kafkaplot group: partition,
// committed, end, lag, behind, owner.
var describedPartition = regexp.MustCompile(`(?m)^(\d+)\s+(\d+|-)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)$`)

// TestGroupCommandMixedGroup describes a group of librdkafka (the
// tutorial's library), franz-go and the kafkaplot binary with kafkaplot
// group, then watches it while the librdkafka member is frozen (SIGSTOP)
// past its session timeout: the stall is told, then the member's leaving,
// the partition's move and the stall's end.
func TestGroupCommandMixedGroup(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	c := startCluster(t, "--partitions", "3")
	const group = "described"
	testsupport.RawProducer(t, []string{c.broker}, "temperature", 24, 50*time.Millisecond)
	py := startPython(t, c.broker, group)
	k := startKgo(t, c.broker, group, kgo.RangeBalancer())
	consume := startConsume(t, c, group)
	members := map[string]groupMember{"rdkafka": py, "franz-go": k, "kafkaplot": consume}
	testsupport.WaitUntil(t, "each member owns a partition", 60*time.Second, func() bool {
		for _, m := range members {
			if got, _ := m.owns(); got == "" || strings.Contains(got, ",") {
				return false
			}
		}
		return true
	})
	testsupport.WaitGroupProtocol(t, []string{c.broker}, group, "range", 20*time.Second)

	// The description: every member, every partition owned by the member
	// that says it owns it, and its lag measured in time.
	var out string
	testsupport.WaitUntil(t, "a description with every partition's lag in time", 30*time.Second, func() bool {
		var errOut string
		var code int
		out, errOut, code = kafkaplot(t, append([]string{"group", "-g", group}, c.flags()...)...)
		if code != 0 {
			t.Fatalf("kafkaplot group: exit %d: %s", code, errOut)
		}
		rows := describedPartition.FindAllStringSubmatch(out, -1)
		if len(rows) != 3 {
			return false
		}
		for _, r := range rows {
			if r[2] == "-" || r[5] == "-" {
				return false
			}
		}
		return strings.Contains(out, "· Stable · range · generation ")
	})
	for _, want := range []string{"group described · topic temperature", "3 members", "rdkafka", "franz-go", "kafkaplot-"} {
		if !strings.Contains(out, want) {
			t.Errorf("the description lacks %q:\n%s", want, out)
		}
	}
	for _, r := range describedPartition.FindAllStringSubmatch(out, -1) {
		owner := r[6]
		if strings.HasPrefix(owner, "kafkaplot-") {
			owner = "kafkaplot"
		}
		if m, ok := members[owner]; !ok {
			t.Errorf("p%s: owner %q is not a member", r[1], r[6])
		} else if got, _ := m.owns(); got != r[1] {
			t.Errorf("p%s is %s's, which says it owns %q", r[1], owner, got)
		}
	}
	if t.Failed() {
		t.Fatalf("description:\n%s", out)
	}

	// The watch: librdkafka frozen past its session.
	cmd := exec.Command(kafkaplotBin, append([]string{"group", "-g", group, "--watch"}, c.flags()...)...)
	cmd.Dir = t.TempDir()
	watch := testsupport.Start(t, cmd, os.Interrupt, 130)
	testsupport.WaitUntil(t, "the watch's description", 20*time.Second, func() bool { return strings.Contains(watch.Stdout(), "OWNER") })
	frozen, _ := py.owns()
	if err := py.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	frozenAt := time.Now()
	defer func() {
		py.cmd.Process.Signal(syscall.SIGCONT)
		py.cmd.Process.Kill() // frozen, it may log its own eviction: not a protocol problem
		<-py.done
	}()
	line := func(pattern string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\S* ` + pattern + `$`)
	}
	stalled := line(fmt.Sprintf(`p%s stalled: rdkafka committed nothing for \S+ while the lag grew \d+ → \d+( \(\S+ behind\))?`, frozen))
	testsupport.WaitUntil(t, "the stall of p"+frozen, 20*time.Second, func() bool { return stalled.MatchString(watch.Stdout()) })
	if took := time.Since(frozenAt); took > 8*time.Second {
		t.Errorf("the stall was told %s after the freeze, want within 8s (5s without a commit, reads every second)", took.Round(100*time.Millisecond))
	}
	for _, want := range []*regexp.Regexp{
		line(`member left: rdkafka \(rdkafka-\S+\)`),
		line(fmt.Sprintf(`p%s moved: rdkafka → (franz-go|kafkaplot-\S+)`, frozen)),
		line(fmt.Sprintf(`p%s stall of rdkafka ended after \S+: the partition moved`, frozen)),
	} {
		testsupport.WaitUntil(t, "a watch line "+want.String(), 30*time.Second, func() bool { return want.MatchString(watch.Stdout()) })
	}
	// The generation is inferred from the generations the members name in
	// their subscriptions (DescribeGroups carries none), so a rebalance may
	// leave it untold; a generation it tells only ever goes up.
	for _, m := range line(`generation (\d+) → (\d+)`).FindAllStringSubmatch(watch.Stdout(), -1) {
		if mustAtoi(t, m[1]) >= mustAtoi(t, m[2]) {
			t.Errorf("the watch told %q: a generation goes up", m[0])
		}
	}
	watch.Stop(os.Interrupt, 130)
	t.Logf("watch:\n%s", watch.Stdout())
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
