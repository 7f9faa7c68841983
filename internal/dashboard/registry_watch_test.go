package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/ui"
)

func TestRegistryProblem(t *testing.T) {
	answers := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(answers.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	tests := []struct {
		name string
		url  string
		want string // in the problem; "" for none
	}{
		{"an HTTP error is an answer", answers.URL, ""},
		{"a registry that is gone", gone.URL, "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := schema.NewClient(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			got := registryProblem(context.Background(), reg)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("problem %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWatchRegistryReportsChanges(t *testing.T) {
	checks := []string{"", "", "connection refused", "connection refused", ""}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	i := 0
	check := func(context.Context) string {
		if i == len(checks) {
			cancel()
			return ""
		}
		i++
		return checks[i-1]
	}
	var reports []string
	watchRegistry(ctx, check, func(p string) { reports = append(reports, p) }, time.Millisecond)
	if want := []string{"", "connection refused", ""}; !slices.Equal(reports, want) {
		t.Errorf("reports %q, want %q", reports, want)
	}
}

// TestBridgeRegistryState checks that the registry's own state reaches the
// header's status, and that a partition paused on the registry says more.
func TestBridgeRegistryState(t *testing.T) {
	var sent []tea.Msg
	b := NewBridge(func(m tea.Msg) { sent = append(sent, m) }, nil, nil)
	b.RegistryState("connection refused")
	b.Flush()
	var st *ui.StatusMsg
	for _, m := range sent {
		if s, ok := m.(ui.StatusMsg); ok {
			st = &s
		}
	}
	if st == nil || st.Registry != "connection refused" || st.Broker != "" {
		t.Fatalf("status %+v, want the registry down and the broker fine", st)
	}
}
