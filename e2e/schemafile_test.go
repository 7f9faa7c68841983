package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/internal/steps"
	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/simulate"
	"github.com/kafkaplot/kafkaplot/stream"
)

// TestSchemaFileEndToEnd reads a registry-less topic of bare Avro sensor
// values with --schema-file: consume prints them, the dashboard plots them
// and counts them under the file's name; a value that does not fit the
// schema is counted as an error that names the file. Bare Protobuf values
// read the same way with file.proto:Message, and plot.schema_file does what
// the flag does.
func TestSchemaFileEndToEnd(t *testing.T) {
	endToEnd(t)
	dir := t.TempDir()
	avsc := filepath.Join(dir, "sensor.avsc")
	proto := filepath.Join(dir, "sensor.proto")
	if err := os.WriteFile(avsc, []byte(schema.TutorialSensorSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(proto, []byte(schema.SensorProto), 0o644); err != nil {
		t.Fatal(err)
	}
	avroEnc, err := schema.NewEncoder(1, schema.TutorialSensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	protoEnc := schema.NewProtoSensorEncoder(1)
	now := time.Now().Truncate(time.Millisecond)
	bare := func(enc steps.Encoder, skip int) []stream.Message {
		var msgs []stream.Message
		for step := range 2 {
			ts := now.Add(time.Duration(step-2) * time.Second)
			for _, s := range simulate.TutorialSensors() {
				framed, err := enc.AppendSensor(nil, schema.Sensor{Timestamp: ts.UnixMilli(), ID: s.ID, Value: s.Clean(float64(step))})
				if err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, stream.Message{Key: []byte(s.ID), Value: framed[skip:], Time: ts})
			}
		}
		// A value that does not fit: a string length beyond the body.
		return append(msgs, stream.Message{Key: []byte("sensor0"), Value: []byte{0x02, 0x7f, 'x'}, Time: now})
	}

	t.Run("avro", func(t *testing.T) {
		c := startCluster(t, "--topic", "raw-avro")
		sendAll(t, c.broker, "raw-avro", bare(avroEnc, 5))
		args := append([]string{"--topic", "raw-avro", "--schema-file", avsc}, c.flags()...)
		out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "rawavro"}, args...)...)
		if code != 0 {
			t.Fatalf("consume: exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "consumed 17 records (1 errors)") || !strings.Contains(out, "Event record sensor3: id: sensor3\n\ttimestamp: ") {
			t.Fatalf("consume:\n%s\n%s", out, errOut)
		}
		if !strings.Contains(errOut, "with schema file "+avsc+": ") {
			t.Errorf("the mismatched value's error does not name the file:\n%s", errOut)
		}
		// The same from [plot] schema_file (here through the environment).
		out, errOut, code = kafkaplotEnv(t, []string{"KAFKAPLOT_PLOT_SCHEMA_FILE=" + avsc}, append([]string{"consume", "--until-end", "--quiet", "--group", "rawavroenv", "--topic", "raw-avro"}, c.flags()...)...)
		if code != 0 || !strings.Contains(out, "consumed 17 records (1 errors)") {
			t.Errorf("consume with plot.schema_file: exit %d\n%s\n%s", code, out, errOut)
		}
		waitDashboard(t, append([]string{"--group", "rawavrodash"}, args...),
			"plotting value by key over timestamp", "schemas sensor (sensor.avsc) ×16", "decode errors 1", "sensor0", "sensor7")
	})

	t.Run("protobuf", func(t *testing.T) {
		c := startCluster(t, "--topic", "raw-proto")
		sendAll(t, c.broker, "raw-proto", bare(protoEnc, 6))
		args := append([]string{"--topic", "raw-proto", "--schema-file", proto + ":sensor"}, c.flags()...)
		out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "rawproto"}, args...)...)
		if code != 0 {
			t.Fatalf("consume: exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, "consumed 17 records (1 errors)") || !strings.Contains(out, "Event record sensor5: id: sensor5\n\ttimestamp: ") {
			t.Fatalf("consume:\n%s\n%s", out, errOut)
		}
		if !strings.Contains(errOut, "with schema file "+proto+":sensor: ") {
			t.Errorf("the mismatched value's error does not name the file:\n%s", errOut)
		}
	})

	t.Run("refused", func(t *testing.T) {
		_, errOut, code := kafkaplot(t, "consume", "--schema-file", filepath.Join(dir, "sensor.proto:nope"))
		if code != 2 || !strings.Contains(errOut, "bad schema file "+filepath.Join(dir, "sensor.proto:nope")+": no message nope") {
			t.Errorf("exit %d, stderr %q; want a usage error naming the file and the message", code, errOut)
		}
	})
}
