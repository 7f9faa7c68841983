package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tutorialView is what testdata/interop/tutorial_config.py prints: what the
// tutorial's scripts take from a config.toml, and the registry's answers.
type tutorialView struct {
	RegistryURL     string `json:"registry_url"`
	Bootstrap       string `json:"bootstrap"`
	Topic           string `json:"topic"`
	GroupID         string `json:"group_id"`
	AutoOffsetReset string `json:"auto_offset_reset"`
	FilesExist      bool   `json:"files_exist"`
	KeyPasswordSet  bool   `json:"key_password_set"`
	KeyMatchesFile  bool   `json:"key_matches_file"`
	LatestSchemaID  int    `json:"latest_schema_id"`
	Register        string `json:"register"`
}

// TestTutorialScriptsReadSecureConfig reads the config.toml "cluster
// --secure" writes with every conf[...][...] the tutorial's scripts use,
// through their own toml and registry client libraries: every key is there
// with the type they need, api.key is the key in apiKeyFile, and the
// registry answers their client, with Hopsworks 2.2's 415 on POST unless
// --no-415 turns it off.
func TestTutorialScriptsReadSecureConfig(t *testing.T) {
	endToEnd(t)
	needPythonKafka(t)
	if out, err := exec.Command(python, "-c", "import toml, confluent_kafka.schema_registry").CombinedOutput(); err != nil {
		needTool(t, "python3-toml (import failed: "+strings.TrimSpace(string(out))+")")
	}
	for _, tc := range []struct {
		name         string
		flags        []string
		wantRegister string
	}{
		{"Hopsworks 2.2's 415", nil, "415"},
		{"--no-415", []string{"--no-415"}, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startSecureBinaryCluster(t, tc.flags...)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, python, "../testdata/interop/tutorial_config.py", c.dir)
			// requests lets these override the scripts' ssl.ca.location.
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "REQUESTS_CA_BUNDLE=") && !strings.HasPrefix(kv, "CURL_CA_BUNDLE=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("the tutorial's reading of config.toml: %v\n%s", err, stderr.String())
			}
			var got tutorialView
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("answer %q: %v", out, err)
			}
			_, brokerPort, _ := net.SplitHostPort(c.broker)
			want := tutorialView{
				RegistryURL:     "https://" + c.registry + "/hopsworks-api/api/project/1143/kafka",
				Bootstrap:       c.registry + ":" + brokerPort, // hops.url carries the registry's port off 443 (see README)
				Topic:           "temperature",
				GroupID:         "TutorialGroup",
				AutoOffsetReset: "earliest",
				FilesExist:      true,
				KeyPasswordSet:  true,
				KeyMatchesFile:  true,
				LatestSchemaID:  got.LatestSchemaID,
				Register:        tc.wantRegister,
			}
			if got != want || got.LatestSchemaID <= 0 {
				t.Errorf("the tutorial's scripts see\n%+v\nwant\n%+v (and a schema id)", got, want)
			}
		})
	}
}
