package cmdline

import (
	"runtime/debug"
	"testing"
)

// TestVersion checks the version line of each kind of build.
func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "kafkaplot (no build information)"},
		{"go install from a clone", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20261130203615-795a94670580"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "795a94670580308380ce2a5065f855166f24c74c"}, {Key: "vcs.time", Value: "2026-11-30T20:36:15Z"}, {Key: "vcs.modified", Value: "false"}}},
			"kafkaplot v0.0.0-20261130203615-795a94670580 (revision 795a94670580308380ce2a5065f855166f24c74c, 2026-11-30T20:36:15Z) go1.26.0"},
		{"modified tree", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"kafkaplot v1.2.0+dirty (revision abc, modified)"},
		{"built without VCS", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
			"kafkaplot (devel) (revision unknown) go1.26.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Version(tc.info, tc.info != nil); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
