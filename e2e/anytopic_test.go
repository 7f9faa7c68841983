package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/testsupport"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// sendAll produces messages to topic and fails the test on any error.
func sendAll(t *testing.T, broker, topic string, msgs []stream.Message) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: stream.Connection{Brokers: []string{broker}}, Topic: topic})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	deliveries, err := p.Send(ctx, msgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range deliveries {
		if d.Err != nil {
			t.Fatal(d.Err)
		}
	}
}

// registryClient returns a client of the cluster's registry.
func registryClient(t *testing.T, c cluster) *schema.Client {
	t.Helper()
	reg, err := schema.NewClient("http://" + c.registry)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// sensorEncoder encodes the tutorial's sensor records under the cluster's
// "sensor" subject.
func sensorEncoder(ctx context.Context, t *testing.T, c cluster) *schema.Encoder {
	t.Helper()
	enc, err := registryClient(t, c).SensorEncoder(ctx, "sensor", false)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

// waitDashboard starts a dashboard in tmux with args, waits until its
// screen holds every string of want and a chart, quits it (it must exit 0)
// and returns that screen.
func waitDashboard(t *testing.T, args []string, want ...string) string {
	t.Helper()
	needBinary(t)
	tm := testsupport.NewTmux(t)
	dir := t.TempDir()
	dash := tm.Start("dash", 200, 50, dir, nil, kafkaplotBin, append(args, "--log", dir+"/kafkaplot.log")...)
	screen := tm.WaitScreen("dash", strings.Join(want, ", "), 20*time.Second, func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return hasBraille(s)
	})
	dash.Quit()
	return screen
}

// TestClickStreamEndToEnd produces the kafka-demo click stream (seed 003,
// registered under the topic-name subject), prints it with consume and
// plots it by creative_id with cost values.
func TestClickStreamEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t, "--topic", "clicks-avro")
	reg := registryClient(t, c)
	ctx := context.Background()
	id, err := reg.Register(ctx, "clicks-avro-value", testsupport.ClickSchema)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := schema.NewEncoder(id, testsupport.ClickSchema)
	if err != nil {
		t.Fatal(err)
	}
	gen := testsupport.ClickGen{Start: time.Now().Add(-20 * time.Second).Truncate(time.Second)}
	var msgs []stream.Message
	for range 40 {
		key, click := gen.Next()
		payload, err := enc.Append(nil, click)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, stream.Message{Key: []byte(key), Value: payload})
	}
	sendAll(t, c.broker, "clicks-avro", msgs)

	flags := append([]string{"--topic", "clicks-avro"}, c.flags()...)
	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "clicks"}, flags...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "consumed 40 records (0 errors)") {
		t.Fatalf("want 40 clicks decoded:\n%s\n%s", out, errOut)
	}
	title := fmt.Sprintf("Event record click-00000: clicks-avro-value v1 (schema %d)\n", id)
	first := title + "\tid: click-00000\n\timpression_id: imp-00000\n\tcreative_id: cr-1\n\tplacement_id: top\n" +
		"\ttimestamp: " + gen.Start.Local().Format("2006-01-02 15:04:05.000") + "\n" +
		"\tuser_agent: null\n\tip: null\n\treferrer: null\n\tcost: 0.05\n\n"
	if !strings.Contains(out, first) {
		t.Errorf("consume output lacks the first click as\n%s\ngot:\n%s", first, out)
	}
	if !strings.Contains(out, "\tuser_agent: Mozilla/5.0 (X11; Linux x86_64)\n\tip: 10.0.1.1\n\treferrer: https://example.com/\n\tcost: 0.12\n") {
		t.Errorf("consume output lacks the second click's set nullable strings and float cost:\n%s", out)
	}
	if n := strings.Count(out, "Event record click-"); n != 40 {
		t.Errorf("printed %d clicks, want 40", n)
	}

	waitDashboard(t, append([]string{"--series", "creative_id", "--value", "cost", "--group", "clickdash"}, flags...),
		"plotting cost by creative_id over timestamp", fmt.Sprintf("schemas clicks-avro-value v1 #%d ×40", id), "cr-1", "cr-4")
}

// TestMixedTopicEndToEnd mixes, on the tutorial's topic, sensor v1 and
// Protobuf sensors (from produce), sensor v2 with unit and humidity, JSON
// Schema sensor events,
// plain JSON and Protobuf sensor events, and a broken Protobuf record:
// consume prints each the right way and counts the broken record as an
// error; the dashboard plots them together with counts per schema.
func TestMixedTopicEndToEnd(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "2", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce v1: exit %d: %s", code, errOut)
	}
	reg := registryClient(t, c)
	ctx := context.Background()
	v2, err := reg.Register(ctx, "sensor", testsupport.SensorV2Humidity)
	if err != nil {
		t.Fatalf("register v2: %v", err)
	}
	jid, err := reg.RegisterType(ctx, "sensor-json", schema.FormatJSON, testsupport.SensorJSONSchema)
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "--format", "protobuf", "-e", "1", "-d", "0", "-t", "6"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce --format protobuf: exit %d: %s", code, errOut)
	}
	proto, err := reg.Latest(ctx, "sensor-protobuf")
	if err != nil || proto.Type != schema.FormatProtobuf || proto.Schema != schema.SensorProto {
		t.Fatalf("produce --format protobuf registered %+v, %v; want schema.SensorProto under sensor-protobuf", proto, err)
	}
	pid := proto.ID
	enc, err := schema.NewEncoder(v2, testsupport.SensorV2Humidity)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Millisecond)
	var msgs []stream.Message
	for step := 2; step < 6; step++ {
		ts := now.Add(time.Duration(step-6) * time.Second)
		for i, s := range simulate.TutorialSensors() {
			v := s.Clean(float64(step))
			var payload []byte
			switch step {
			case 2, 3:
				payload, err = enc.Append(nil, map[string]any{"timestamp": ts, "id": s.ID, "value": v, "unit": "celsius", "humidity": 40.5 + float64(i)})
				if err != nil {
					t.Fatal(err)
				}
			case 4:
				text, _ := json.Marshal(map[string]any{"timestamp": ts.UnixMilli(), "id": s.ID, "value": v})
				payload = append(schema.AppendHeader(nil, jid), text...)
			case 5:
				payload, _ = json.Marshal(map[string]any{"timestamp": ts.UnixMilli(), "id": s.ID, "value": v})
			}
			msgs = append(msgs, stream.Message{Key: []byte(s.ID), Value: payload, Time: ts})
		}
	}
	msgs = append(msgs, stream.Message{Key: []byte("sensor0"), Value: append(schema.AppendHeader(nil, pid), 0, 0x0a, 7)})
	sendAll(t, c.broker, "temperature", msgs)

	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "mixed"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "consumed 57 records (1 errors)") {
		t.Fatalf("want 16 v1 + 16 v2 + 8 JSON Schema + 8 plain JSON + 8 Protobuf records and 1 error:\n%s\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "malformed protobuf body") {
		t.Errorf("stderr lacks the broken Protobuf record's error:\n%s", errOut)
	}
	for _, want := range []string{
		"Event record sensor3: id: sensor3\n\ttimestamp: ",
		fmt.Sprintf("Event record sensor3: sensor v2 (schema %d)\n", v2),
		"\tunit: celsius\n\thumidity: 43.5\n",
		fmt.Sprintf("Event record sensor3: sensor-json v1 (JSON) (schema %d)\n", jid),
		"Event record sensor3: plain JSON\n\tid: sensor3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("consume output lacks %q", want)
		}
	}

	waitDashboard(t, append([]string{"--group", "mixeddash"}, c.flags()...),
		"plotting value, humidity by key over timestamp",
		fmt.Sprintf("schemas sensor v1 #1 ×16, sensor v2 #%d ×16, sensor-json v1 (JSON) #%d ×8, sensor-protobuf v1 (PROTOBUF) #%d ×8, plain JSON ×8", v2, jid, pid),
		"decode errors 1", "sensor0.humidity", "sensor7.value")
}

// TestProduceSubjectStrategies registers the sensor schema under each
// strategy's subject and refuses an unknown strategy.
func TestProduceSubjectStrategies(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	for _, tc := range []struct {
		name    string
		args    []string
		env     string
		subject string
	}{
		{"topic-name flag", []string{"--register", "--subject-strategy", "topic-name"}, "", "temperature-value"},
		{"topic-record flag", []string{"--register", "--subject-strategy", "topic-record"}, "", "temperature-sensor"},
		{"topic-name from the environment, looked up", nil, "topic-name", "temperature-value"},
		{"record-name by default", nil, "", "sensor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var env []string
			if tc.env != "" {
				env = []string{"KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY=" + tc.env}
			}
			out, errOut, code := kafkaplotEnv(t, env, append(append([]string{"produce", "-e", "1", "-d", "0", "--quiet"}, tc.args...), c.flags()...)...)
			if code != 0 {
				t.Fatalf("produce: exit %d: %s\n%s", code, errOut, out)
			}
			resp, err := http.Get("http://" + c.registry + "/subjects/" + tc.subject + "/versions/latest")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("subject %s: %d, want registered", tc.subject, resp.StatusCode)
			}
		})
	}
	t.Run("doctor follows the strategy", func(t *testing.T) {
		out, errOut, code := kafkaplotEnv(t, []string{"KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY=topic-record"}, append([]string{"doctor"}, c.flags()...)...)
		if code != 0 || !strings.Contains(out+errOut, "temperature-sensor: version 1") {
			t.Errorf("doctor: exit %d, want subject temperature-sensor checked:\n%s%s", code, out, errOut)
		}
	})
	_, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "1", "--subject-strategy", "TopicNameStrategy"}, c.flags()...)...)
	if code != 2 || !strings.Contains(errOut, "want record-name, topic-name or topic-record") {
		t.Errorf("unknown strategy: exit %d, %q; want 2 and the choices", code, errOut)
	}
	if os.Getenv("KAFKAPLOT_REGISTRY_SUBJECT_STRATEGY") != "" {
		t.Error("environment leaked out of a subtest")
	}
}
