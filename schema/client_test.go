package schema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const hopsPrefix = "/hopsworks-api/api/project/1143/kafka"

// hopsworks imitates the Hopsworks 2.x registry: API-key auth, 415 for the
// registry content type, plain-text lists, 40901 for incompatible schemas.
type hopsworks struct {
	mu          sync.Mutex
	key         string
	schemas     map[int]string // id → text
	subjects    map[string][]int
	got415      atomic.Int64
	schemaGets  atomic.Int64
	contentSeen []string
}

func newHopsworks(t *testing.T) (*hopsworks, *httptest.Server) {
	h := &hopsworks{key: "K97n09yskcBuuFyO.secret", schemas: map[int]string{}, subjects: map[string][]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+hopsPrefix+"/subjects", func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		var names []string
		for s := range h.subjects {
			names = append(names, s)
		}
		if len(names) > 1 && names[0] > names[1] {
			names[0], names[1] = names[1], names[0]
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "[%s]", strings.Join(names, ", "))
	})
	mux.HandleFunc("POST "+hopsPrefix+"/subjects/{subject}/versions", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Schema string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		subject := r.PathValue("subject")
		if strings.Contains(req.Schema, `"unit"`) && len(h.subjects[subject]) > 0 {
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"error_code":40901,"message":"Incompatible Avro schema"}`)
			return
		}
		id := len(h.schemas) + 1
		h.schemas[id] = req.Schema
		h.subjects[subject] = append(h.subjects[subject], id)
		fmt.Fprintf(w, `{"id":%d}`, id)
	})
	mux.HandleFunc("GET "+hopsPrefix+"/schemas/ids/{id}", func(w http.ResponseWriter, r *http.Request) {
		h.schemaGets.Add(1)
		h.mu.Lock()
		defer h.mu.Unlock()
		var id int
		fmt.Sscan(r.PathValue("id"), &id)
		s, ok := h.schemas[id]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error_code":40403,"message":"Schema not found"}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"schema": s})
	})
	mux.HandleFunc("POST "+hopsPrefix+"/compatibility/subjects/{subject}/versions/{version}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, `{"is_compatible":%v}`, !strings.Contains(string(body), "unit"))
	})
	mux.HandleFunc("GET "+hopsPrefix+"/config/{subject}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error_code":40401,"message":"Subject not found"}`)
	})
	mux.HandleFunc("GET "+hopsPrefix+"/config", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"compatibilityLevel":"BACKWARD"}`)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "ApiKey "+h.key {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{"errorCode": 200003, "errorMsg": "Authorization header not accepted: " + r.Header.Get("Authorization")})
			return
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			ct := r.Header.Get("Content-Type")
			h.mu.Lock()
			h.contentSeen = append(h.contentSeen, ct)
			h.mu.Unlock()
			if ct != "application/json" {
				h.got415.Add(1)
				w.WriteHeader(http.StatusUnsupportedMediaType)
				fmt.Fprint(w, "<html><body>HTTP 415 Unsupported Media Type</body></html>")
				return
			}
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return h, srv
}

func TestClientHopsworks(t *testing.T) {
	h, srv := newHopsworks(t)
	ctx := context.Background()
	c, err := NewClient(srv.URL+hopsPrefix+"/", WithAPIKey(h.key))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != srv.URL+hopsPrefix {
		t.Errorf("BaseURL = %q", got)
	}

	id, err := c.Register(ctx, "sensor", TutorialSensorSchema)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if _, err := c.Register(ctx, "other", SensorSchema); err != nil {
		t.Fatalf("Register other: %v", err)
	}
	if n := h.got415.Load(); n != 0 {
		t.Errorf("server answered 415 %d times, want never (the client sends application/json)", n)
	}
	for _, ct := range h.contentSeen {
		if ct != "application/json" {
			t.Errorf("request sent with Content-Type %q, want application/json", ct)
		}
	}

	subjects, err := c.Subjects(ctx)
	if err != nil || strings.Join(subjects, "|") != "other|sensor" {
		t.Errorf("Subjects = %q, %v", subjects, err)
	}

	// A fresh client reads the schema; a Decoder over it (the one cache of
	// schemas by id) reads it once.
	c2, err := NewClient(srv.URL+hopsPrefix, WithAPIKey(h.key))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := c2.SchemaByID(ctx, id); err != nil || s != TutorialSensorSchema {
		t.Fatalf("SchemaByID = %q, %v", s, err)
	}
	h.schemaGets.Store(0)
	dec := newSensorDecoder(c2)
	for range 3 {
		if w, err := dec.Writer(ctx, id); err != nil || w.ID != id {
			t.Fatalf("Decoder.Writer = %+v, %v", w, err)
		}
	}
	if n := h.schemaGets.Load(); n != 1 {
		t.Errorf("GET /schemas/ids sent %d times through one Decoder, want 1", n)
	}
	_, err = c2.SchemaByID(ctx, 99)
	if !errors.Is(err, ErrUnknownSchema) || IsRetryable(err) {
		t.Errorf("SchemaByID(99) = %v, want ErrUnknownSchema, not retryable", err)
	}

	evolved := strings.Replace(SensorSchema, `]}`, `,{"name":"unit","type":"string"}]}`, 1)
	_, err = c.Register(ctx, "sensor", evolved)
	if !IsIncompatible(err) {
		t.Errorf("Register incompatible = %v, want IsIncompatible", err)
	}
	ok, _, err := c.CheckCompatibility(ctx, "sensor", "", evolved)
	if err != nil || ok {
		t.Errorf("CheckCompatibility = %v, %v; want false", ok, err)
	}
	level, err := c.Compatibility(ctx, "sensor")
	if err != nil || level != "BACKWARD" {
		t.Errorf("Compatibility = %q, %v; want the global BACKWARD", level, err)
	}

	// The decoder works over the Hopsworks client.
	enc, err := NewEncoder(id, TutorialSensorSchema)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := enc.AppendSensor(nil, Sensor{Timestamp: 5, ID: "sensor1", Value: 2})
	if err != nil {
		t.Fatal(err)
	}
	var s Sensor
	if _, err := decodeSensor(ctx, newSensorDecoder(c2), payload, &s); err != nil || s.ID != "sensor1" {
		t.Errorf("DecodePlotted via client = %+v, %v", s, err)
	}

	t.Run("no key", func(t *testing.T) {
		bad, err := NewClient(srv.URL + hopsPrefix)
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.Subjects(ctx)
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || IsRetryable(err) {
			t.Errorf("Subjects without key = %v, want a non-retryable 401 APIError", err)
		}
	})
	t.Run("wrong key is not echoed", func(t *testing.T) {
		bad, err := NewClient(srv.URL+hopsPrefix, WithAPIKey("wrong-secret-key"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.Subjects(ctx)
		if err == nil || strings.Contains(err.Error(), "wrong-secret-key") {
			t.Errorf("error %v leaks the key", err)
		}
		if !strings.Contains(err.Error(), "401 (200003)") {
			t.Errorf("error %v lacks the Hopsworks error code", err)
		}
	})
}

func TestNewClient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     string
		wantErr bool
		want    string
	}{
		{name: "plain", url: "http://localhost:8081", want: "http://localhost:8081"},
		{name: "path and slash", url: "https://h/hopsworks-api/api/project/1/kafka/", want: "https://h/hopsworks-api/api/project/1/kafka"},
		{name: "credentials stripped", url: "https://user:pa55@h:8081", want: "https://h:8081"},
		{name: "unparsable", url: "http://[::1", wantErr: true},
		{name: "no scheme", url: "localhost:8081", wantErr: true},
		{name: "no host", url: "http:///path", wantErr: true},
		{name: "ftp", url: "ftp://h", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.url)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("NewClient(%q) = %v, want an error", tc.url, c.BaseURL())
				}
				if strings.Contains(err.Error(), "pa55") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.BaseURL(); got != tc.want {
				t.Errorf("BaseURL = %q, want %q", got, tc.want)
			}
			if printed := fmt.Sprintf("%v %+v", c, c); strings.Contains(printed, "pa55") {
				t.Errorf("printing the client leaks the password: %s", printed)
			}
		})
	}
}

func TestClientAuthHeaders(t *testing.T) {
	var got atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("Accept") + "|" + r.Header.Get("Content-Type"))
		fmt.Fprint(w, `{"id":1}`)
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name string
		url  string
		opts []ClientOption
		want string
	}{
		{"api key", srv.URL, []ClientOption{WithAPIKey("K")}, "ApiKey K|"},
		{"basic", srv.URL, []ClientOption{WithBasicAuth("u", "p")}, "Basic dTpw|"},
		{"basic from url", strings.Replace(srv.URL, "http://", "http://u:p@", 1), nil, "Basic dTpw|"},
		{"none", srv.URL, nil, "|"},
		{"own http client", srv.URL, []ClientOption{WithHTTPClient(&http.Client{Timeout: time.Second})}, "|"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.url, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Register(context.Background(), "s", SensorSchema); err != nil {
				t.Fatal(err)
			}
			want := tc.want + acceptHeader + "|application/json"
			if g := got.Load().(string); g != want {
				t.Errorf("headers = %q, want %q", g, want)
			}
		})
	}
}

func TestClientErrors(t *testing.T) {
	longHTML := "<html>\n<body>" + strings.Repeat("bad gateway ", 100) + "</body></html>"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/subjects/sensor/versions":
			w.WriteHeader(http.StatusConflict)
			fmt.Fprint(w, `{"error_code":40901,"message":"Schema being registered is incompatible with an earlier schema for subject \"sensor\""}`)
		case "/subjects":
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, longHTML)
		case "/config":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/schemas/ids/1":
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"error_code":50001,"message":"Error in the backend datastore, key=s3cr3t"}`)
		case "/schemas/ids/2":
			fmt.Fprint(w, `{"schema":"{\"type\":\"string\"}","schemaType":"PROTOBUF"}`)
		case "/schemas/ids/3":
			fmt.Fprint(w, `not json`)
		}
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAPIKey("s3cr3t"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	_, err = c.Register(ctx, "sensor", SensorSchema)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("Register err = %v, want an APIError", err)
	}
	const wantLine = `registry POST /subjects/sensor/versions: 409 (40901) Schema being registered is incompatible with an earlier schema for subject "sensor"`
	if ae.Error() != wantLine {
		t.Errorf("APIError = %q\nwant       %q", ae.Error(), wantLine)
	}
	if ae.Method != "POST" || ae.URL != srv.URL+"/subjects/sensor/versions" || !IsIncompatible(err) || IsRetryable(err) {
		t.Errorf("APIError = %+v (incompatible %v, retryable %v)", ae, IsIncompatible(err), IsRetryable(err))
	}

	_, err = c.Subjects(ctx)
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !IsRetryable(err) {
		t.Fatalf("Subjects err = %v, want a retryable 502", err)
	}
	if strings.Contains(ae.Message, "\n") || len(ae.Message) > 210 || !strings.HasPrefix(ae.Message, "<html> <body>bad gateway") {
		t.Errorf("non-JSON body message = %q, want its first ~200 bytes on one line", ae.Message)
	}

	_, err = c.Compatibility(ctx, "")
	if !errors.As(err, &ae) || ae.StatusCode != 429 || !IsRetryable(err) || !strings.Contains(err.Error(), "429 Too Many Requests") {
		t.Errorf("Compatibility err = %v, want a retryable 429", err)
	}

	_, err = c.SchemaByID(ctx, 1)
	if !IsRetryable(err) || errors.Is(err, ErrUnknownSchema) || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("SchemaByID(1) = %v, want retryable, not unknown, key redacted", err)
	}
	if _, err = c.SchemaByID(ctx, 2); err == nil || !strings.Contains(err.Error(), "PROTOBUF") {
		t.Errorf("SchemaByID(2) = %v, want a refusal of PROTOBUF", err)
	}
	if _, err = c.SchemaByID(ctx, 3); err == nil || !strings.Contains(err.Error(), "not json") {
		t.Errorf("SchemaByID(3) = %v, want a decode error quoting the body", err)
	}
}

func TestClientNetworkErrors(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		c, err := NewClient(url, WithBasicAuth("user", "hunter2"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SchemaByID(context.Background(), 1)
		if !IsRetryable(err) || errors.Is(err, ErrUnknownSchema) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("err = %v, want retryable and no password", err)
		}
		// Through the decoder the error stays retryable.
		_, err = decodeSensor(context.Background(), newSensorDecoder(c), AppendHeader(nil, 1), &Sensor{})
		if !IsRetryable(err) || errors.Is(err, ErrUnknownSchema) {
			t.Errorf("decoder err = %v, want retryable", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		c, err := NewClient(srv.URL, WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Subjects(context.Background()); !IsRetryable(err) || !strings.Contains(err.Error(), "GET /subjects: no answer within 50ms") || !errors.As(err, new(*NoAnswerError)) {
			t.Errorf("err = %v, want retryable, naming the request and the time waited", err)
		}
		// A deadline of the caller's own is reported as such.
		c, err = NewClient(srv.URL, WithHTTPClient(&http.Client{Timeout: time.Hour}))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := c.Subjects(ctx); !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "no answer within") {
			t.Errorf("err = %v, want the caller's deadline", err)
		}
	})
	t.Run("an http.Client without a timeout gets the default", func(t *testing.T) {
		c, err := NewClient("http://127.0.0.1:1", WithHTTPClient(&http.Client{}))
		if err != nil {
			t.Fatal(err)
		}
		if c.timeout != DefaultTimeout {
			t.Errorf("timeout = %v, want %v", c.timeout, DefaultTimeout)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		c, err := NewClient("http://127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := c.Subjects(ctx); err == nil || IsRetryable(err) {
			t.Errorf("err = %v, want a non-retryable cancellation", err)
		}
	})
}

func TestIsRetryableAndIncompatible(t *testing.T) {
	for _, tc := range []struct {
		name         string
		err          error
		retryable    bool
		incompatible bool
	}{
		{"nil", nil, false, false},
		{"500", &APIError{StatusCode: 500}, true, false},
		{"503 wrapped", fmt.Errorf("fetch: %w", &APIError{StatusCode: 503}), true, false},
		{"429", &APIError{StatusCode: 429}, true, false},
		{"408", &APIError{StatusCode: 408}, true, false},
		{"404", &APIError{StatusCode: 404, Code: 40403}, false, false},
		{"409", &APIError{StatusCode: 409, Code: 409}, false, true},
		{"40901 on 422", &APIError{StatusCode: 422, Code: 40901}, false, true},
		{"unknown schema", fmt.Errorf("%w: x", ErrUnknownSchema), false, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true, false},
		{"os deadline", os.ErrDeadlineExceeded, true, false},
		{"canceled", context.Canceled, false, false},
		{"transport", &transportError{op: "GET /", err: io.ErrUnexpectedEOF}, true, false},
		{"plain", errors.New("boom"), false, false},
		{"truncated", ErrTruncated, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsRetryable(tc.err); got != tc.retryable {
				t.Errorf("IsRetryable(%v) = %v", tc.err, got)
			}
			if got := IsIncompatible(tc.err); got != tc.incompatible {
				t.Errorf("IsIncompatible(%v) = %v", tc.err, got)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		wantErr  bool
	}{
		{name: "json", in: `["a","b"]`, want: []string{"a", "b"}},
		{name: "json empty", in: `[]`, want: []string{}},
		{name: "hopsworks text", in: "[sensor, temperature-value]\n", want: []string{"sensor", "temperature-value"}},
		{name: "hopsworks empty", in: "[]", want: []string{}},
		{name: "hopsworks one", in: "[se.ri.kafka.tutorial.sensor]", want: []string{"se.ri.kafka.tutorial.sensor"}},
		{name: "not a list", in: "<html>", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseList([]byte(tc.in))
			if tc.wantErr {
				if err == nil {
					t.Errorf("parseList(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") || got == nil {
				t.Errorf("parseList(%q) = %#v, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestSchemaByIDConcurrent(t *testing.T) {
	var gets atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/schemas/ids/5" {
			http.NotFound(w, r)
			return
		}
		gets.Add(1)
		<-release
		_ = json.NewEncoder(w).Encode(map[string]string{"schema": SensorSchema})
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for gets.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		close(release)
	}()
	// The Decoder is the one cache of schemas by id: concurrent first uses
	// of an id share one request.
	dec := newSensorDecoder(c)
	runConcurrently(16, func() {
		if w, err := dec.Writer(context.Background(), 5); err != nil || w.ID != 5 {
			t.Errorf("Decoder.Writer = %+v, %v", w, err)
		}
	})
	if n := gets.Load(); n != 1 {
		t.Errorf("%d requests for one id, want 1", n)
	}
}
