package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestConsumeUntilEndRegistryDown: consume --until-end with the registry
// down ends non-zero — at once when it is down at start, within the outage
// limit when it fails on the first schema to fetch — naming the registry,
// and for an outage the partition and offset it stopped at; each retry is
// reported once, naming its partition.
func TestConsumeUntilEndRegistryDown(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "2", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce exit %d: %s", code, errOut)
	}
	// A registry that lists its subjects but cannot serve a schema: down
	// after consume's check at start.
	half := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/subjects" {
			fmt.Fprint(w, `["sensor"]`)
			return
		}
		http.Error(w, `{"error_code":50301,"message":"down for maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer half.Close()
	down := "http://" + freeAddr(t)
	const limit = 3 * time.Second
	tests := []struct {
		name     string
		registry string
		within   time.Duration
		want     []string
	}{
		{name: "down at start", registry: down, within: 5 * time.Second,
			want: []string{"schema registry " + down, "connection refused"}},
		{name: "down after the start", registry: half.URL, within: limit + 5*time.Second,
			want: []string{"consume stopped at offset 0 in temperature [", "the schema registry could not be reached for more than 3s", "down for maintenance"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			started := time.Now()
			_, errOut, code := kafkaplot(t, "consume", "--until-end", "--outage-limit", limit.String(), "--group", strings.ReplaceAll(tt.name, " ", "-"),
				"--brokers", c.broker, "--registry", tt.registry)
			took := time.Since(started)
			if code == 0 {
				t.Fatalf("exit 0, want non-zero; stderr:\n%s", errOut)
			}
			if took > tt.within {
				t.Errorf("took %s, want at most %s", took.Round(time.Millisecond), tt.within)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			lines := map[string]int{}
			retry := regexp.MustCompile(`^status: temperature \[\d\]: paused at offset \d+, registry unavailable, retrying in \S+:`)
			for _, line := range strings.Split(errOut, "\n") {
				if strings.HasPrefix(line, "status:") {
					if !retry.MatchString(line) {
						t.Errorf("status line %q does not name its partition and offset", line)
					}
					lines[line]++
				}
			}
			for line, n := range lines {
				if n > 1 {
					t.Errorf("%q printed %d times, want once", line, n)
				}
			}
			t.Logf("exit %d after %s:\n%s", code, took.Round(time.Millisecond), errOut)
		})
	}
}
