package cmdline

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// Version names the module version and the VCS revision the binary
// was built from.
func Version(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "kafkaplot (no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	s := map[string]string{}
	for _, kv := range info.Settings {
		s[kv.Key] = kv.Value
	}
	var vcs []string
	if r := s["vcs.revision"]; r != "" {
		vcs = append(vcs, "revision "+r)
	} else {
		vcs = append(vcs, "revision unknown")
	}
	if t, err := time.Parse(time.RFC3339, s["vcs.time"]); err == nil {
		vcs = append(vcs, t.UTC().Format(time.RFC3339))
	}
	if s["vcs.modified"] == "true" {
		vcs = append(vcs, "modified")
	}
	out := fmt.Sprintf("kafkaplot %s (%s)", v, strings.Join(vcs, ", "))
	if info.GoVersion != "" {
		out += " " + info.GoVersion
	}
	return out
}
