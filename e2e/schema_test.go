package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
	"github.com/kafkaplot/kafkaplot/stream"
)

// register posts a schema to the registry under subject and returns the
// HTTP status and body.
func register(t *testing.T, registry, subject, schemaText string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"schema": schemaText})
	resp, err := http.Post(registry+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// sensorV2 is the sensor record evolved compatibly: an extra field with a default.
const sensorV2 = `{"type":"record","name":"sensor","fields":[
 {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"id","type":"string"},
 {"name":"value","type":"double"},
 {"name":"unit","type":"string","default":"celsius"}]}`

func TestEvolvedSchemaDecodesBesideV1(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	registry := "http://" + c.registry
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "1", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce v1: exit %d: %s", code, errOut)
	}
	if status, body := register(t, registry, "sensor", sensorV2); status != http.StatusOK {
		t.Fatalf("register compatible v2: %d %s", status, body)
	}
	// produce writes with the latest version of the subject: now v2.
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-t", "1", "-e", "1", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce v2: exit %d: %s", code, errOut)
	}
	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "evolve"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "consumed 16 records (0 errors)") {
		t.Fatalf("want 16 records decoded across v1 and v2:\n%s\n%s", out, errOut)
	}
	ids := schemaIDs(t, c.broker)
	if len(ids) != 2 {
		t.Errorf("records carry schema ids %v, want two different ones (v1 and v2)", ids)
	}
}

// schemaIDs returns the distinct schema ids in the topic's record headers.
func schemaIDs(t *testing.T, broker string) map[int]int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := stream.Connection{Brokers: []string{broker}}
	highs, err := conn.HighWatermarks(ctx, "temperature")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int]int{}
	var mu sync.Mutex // OnRecords runs concurrently for the two partitions
	var got int
	var total int64
	for _, h := range highs {
		total += h
	}
	consumer, err := stream.NewConsumer(stream.ConsumerConfig{
		Conn: conn, Group: "ids", Topic: "temperature",
		Decoder: schema.NewDecoder(unreachableSource{}),
		OnRecords: func(_ context.Context, batch []stream.Record) error {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range batch {
				ids[r.SchemaID]++
				got++
			}
			if int64(got) >= total {
				cancel()
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	consumer.Run(ctx)
	return ids
}

// unreachableSource answers every schema lookup with a permanent error, so
// records are only parsed for their header.
type unreachableSource struct{}

func (unreachableSource) SchemaByID(context.Context, int) (string, error) {
	return "", fmt.Errorf("no registry in this test: %w", schema.ErrUnknownSchema)
}

func TestRegisterIncompatibleIsRefused(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	registry := "http://" + c.registry
	incompatible := `{"type":"record","name":"sensor","fields":[{"name":"id","type":"int"}]}`
	if status, body := register(t, registry, "other", incompatible); status != http.StatusOK {
		t.Fatalf("register first version: %d %s", status, body)
	}
	out, errOut, code := kafkaplotEnv(t, []string{"KAFKAPLOT_KAFKA_SCHEMA=other"}, append([]string{"produce", "--register", "-e", "1", "-d", "0"}, c.flags()...)...)
	text := out + errOut
	if code == 0 {
		t.Fatalf("produce --register of an incompatible schema succeeded:\n%s", text)
	}
	if !strings.Contains(text, "409") || !strings.Contains(strings.ToLower(text), "incompatible") {
		t.Errorf("want the registry's 409 and its message, got:\n%s", text)
	}
	if strings.Contains(text, "successfully produced") {
		t.Errorf("events were produced despite the refusal:\n%s", text)
	}
}

func TestConsumeCountsBadPayloadsAndGoesOn(t *testing.T) {
	endToEnd(t)
	c := startCluster(t)
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-e", "1", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := stream.NewProducer(ctx, stream.ProducerConfig{Conn: stream.Connection{Brokers: []string{c.broker}}, Topic: "temperature"})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	bad := []stream.Message{
		{Key: []byte("sensor0"), Value: []byte(`sensor0,1.5`)},          // CSV text: bad magic (a JSON object would decode as plain JSON)
		{Key: []byte("sensor0"), Value: []byte{0, 0, 0}},                // shorter than the header
		{Key: []byte("sensor0"), Value: []byte{0, 0, 0, 0x7f, 0xff, 2}}, // unknown schema id
		{Key: []byte("sensor0"), Value: []byte{0, 0, 0, 0, 1, 0x80}},    // truncated Avro
		{Key: []byte("sensor0"), Value: []byte{}},                       // empty
	}
	if _, err := p.Send(ctx, bad, nil); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := kafkaplot(t, append([]string{"produce", "-t", "1", "-e", "1", "-d", "0"}, c.flags()...)...); code != 0 {
		t.Fatalf("produce: exit %d: %s", code, errOut)
	}
	out, errOut, code := kafkaplot(t, append([]string{"consume", "--until-end", "--group", "bad"}, c.flags()...)...)
	if code != 0 {
		t.Fatalf("consume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "consumed 21 records (5 errors)") {
		t.Errorf("want 16 good and 5 bad records counted:\n%s\n%s", out, errOut)
	}
	if n := strings.Count(out, "Event record sensor"); n != 16 {
		t.Errorf("printed %d good records, want 16", n)
	}
	for offset := 4; offset <= 8; offset++ {
		if want := fmt.Sprintf("temperature [0] at offset %d: ", offset); !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
