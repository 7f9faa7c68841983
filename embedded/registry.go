package embedded

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/hamba/avro/v2"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxRequest bounds request bodies the Registry reads, as srfake does.
const maxRequest = 1 << 20

// contentTypeRegistry is the Confluent registry's content type.
const contentTypeRegistry = "application/vnd.schemaregistry.v1+json"

// maxRefDepth bounds how deep schema references are followed.
const maxRefDepth = 16

// Registry is an in-memory Confluent-compatible schema registry: franz-go's
// srfake with real Avro compatibility checks on registration and on the
// compatibility endpoints, honouring the subject's level (BACKWARD by
// default; NONE, FORWARD, FULL and the *_TRANSITIVE variants; a per-subject
// level overrides the global one), and the same for Protobuf by Confluent's
// Protobuf rules (protobufIncompatibilities). JSON schemas are stored with
// their references unchecked. It is safe for concurrent use.
type Registry struct {
	fake    *srfake.Registry
	handler http.Handler
	mu      sync.Mutex // serializes check-then-register
}

// NewRegistry returns an empty Registry; serve its Handler on a listener.
func NewRegistry() *Registry {
	r := &Registry{fake: srfake.NewRegistry()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /subjects/{subject}/versions", r.handleRegister)
	mux.HandleFunc("POST /compatibility/subjects/{subject}/versions/{version}", r.handleCompatibility)
	mux.HandleFunc("POST /compatibility/subjects/{subject}/versions", r.handleCompatibility)
	mux.Handle("/", r.fake.Handler())
	r.handler = mux
	return r
}

// Handler returns the registry's HTTP handler (the Confluent REST API at /).
func (r *Registry) Handler() http.Handler { return r.handler }

// Close releases the registry's resources.
func (r *Registry) Close() { r.fake.Close() }

// writeRegistryError writes a Confluent error body.
func writeRegistryError(w http.ResponseWriter, status, code int, msg string) {
	writeRegistryJSON(w, status, map[string]any{"error_code": code, "message": msg})
}

func writeRegistryJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", contentTypeRegistry)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readSchemaRequest reads the request body and decodes it as a schema. ok is
// false when the body is not a schema request the Registry checks (bad JSON,
// or neither Avro nor Protobuf): the caller then hands the untouched body to
// srfake.
func readSchemaRequest(w http.ResponseWriter, req *http.Request) (body []byte, s sr.Schema, ok bool, err error) {
	body, err = io.ReadAll(http.MaxBytesReader(w, req.Body, maxRequest))
	if err != nil {
		return nil, sr.Schema{}, false, err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	if json.Unmarshal(body, &s) != nil || (s.Type != sr.TypeAvro && s.Type != sr.TypeProtobuf) {
		return body, s, false, nil
	}
	return body, s, true, nil
}

// fakeCall runs a request against srfake in-process.
func (r *Registry) fakeCall(method, path string) (int, []byte) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, nil)
	r.fake.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// forward copies an srfake answer to w.
func forward(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", contentTypeRegistry)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// stored is one stored version of a subject.
type stored struct {
	version int
	schema  sr.Schema
}

// level returns the compatibility level in force for subject.
func (r *Registry) level(subject string) (string, error) {
	status, body := r.fakeCall(http.MethodGet, "/config/"+url.PathEscape(subject))
	var cfg struct {
		Level string `json:"compatibilityLevel"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &cfg) != nil || cfg.Level == "" {
		return "", fmt.Errorf("read compatibility level of %s: %d %s", subject, status, truncate(body, 200))
	}
	return strings.ToUpper(cfg.Level), nil
}

// truncate returns at most n bytes of b as a string, marking a cut.
func truncate(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// versions returns the stored versions of subject, oldest first; none if
// the subject does not exist.
func (r *Registry) versions(subject string) ([]stored, error) {
	status, body := r.fakeCall(http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/versions")
	if status == http.StatusNotFound {
		return nil, nil
	}
	var nums []int
	if status != http.StatusOK || json.Unmarshal(body, &nums) != nil {
		return nil, fmt.Errorf("list versions of %s: %d %s", subject, status, truncate(body, 200))
	}
	out := make([]stored, 0, len(nums))
	for _, v := range nums {
		s, status, body := r.version(subject, strconv.Itoa(v))
		if status != http.StatusOK {
			return nil, fmt.Errorf("read version %d of %s: %d %s", v, subject, status, truncate(body, 200))
		}
		out = append(out, s)
	}
	return out, nil
}

// version reads one version ("latest" or a number) of subject; on failure
// it returns srfake's status and body for forwarding.
func (r *Registry) version(subject, version string) (stored, int, []byte) {
	status, body := r.fakeCall(http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/versions/"+url.PathEscape(version))
	if status != http.StatusOK {
		return stored{}, status, body
	}
	var ss sr.SubjectSchema
	if err := json.Unmarshal(body, &ss); err != nil {
		return stored{}, http.StatusInternalServerError, body
	}
	return stored{version: ss.Version, schema: ss.Schema}, status, body
}

// parse parses an Avro schema after the schemas it references.
func (r *Registry) parse(s sr.Schema) (avro.Schema, error) {
	cache := &avro.SchemaCache{}
	if err := r.parseRefs(s.References, cache, 0); err != nil {
		return nil, err
	}
	parsed, err := avro.ParseWithCache(s.Schema, "", cache)
	if err != nil {
		return nil, fmt.Errorf("parse avro schema: %w", err)
	}
	return parsed, nil
}

func (r *Registry) parseRefs(refs []sr.SchemaReference, cache *avro.SchemaCache, depth int) error {
	if depth > maxRefDepth {
		return errors.New("schema references nested too deeply")
	}
	for _, ref := range refs {
		s, status, _ := r.version(ref.Subject, strconv.Itoa(ref.Version))
		if status != http.StatusOK {
			return fmt.Errorf("reference %q: subject %s version %d not found", ref.Name, ref.Subject, ref.Version)
		}
		if err := r.parseRefs(s.schema.References, cache, depth+1); err != nil {
			return err
		}
		if _, err := avro.ParseWithCache(s.schema.Schema, "", cache); err != nil {
			return fmt.Errorf("reference %q: parse avro schema: %w", ref.Name, err)
		}
	}
	return nil
}

// sameSchema reports whether two schema texts are the same JSON, ignoring
// whitespace (srfake's notion of an already registered schema).
func sameSchema(a, b string) bool {
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return a == b
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}

// candidate is the schema of a register or compatibility request, parsed.
type candidate struct {
	schema sr.Schema
	avro   avro.Schema                 // when Avro
	proto  protoreflect.FileDescriptor // when Protobuf
}

// check returns why c is incompatible with the given versions under level,
// or nothing if it is compatible. Versions of another schema type are not
// compared.
func (r *Registry) check(level string, c candidate, against []stored) []string {
	if c.proto != nil {
		return r.checkProtobuf(level, c.proto, against)
	}
	candidate := c.avro
	backward := strings.HasPrefix(level, "BACKWARD") || strings.HasPrefix(level, "FULL")
	forward := strings.HasPrefix(level, "FORWARD") || strings.HasPrefix(level, "FULL")
	var msgs []string
	for _, old := range against {
		if old.schema.Type != sr.TypeAvro {
			continue
		}
		prev, err := r.parse(old.schema)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("version %d: %v", old.version, err))
			continue
		}
		// A fresh SchemaCompatibility per check: hamba caches verdicts by a
		// fingerprint that ignores defaults.
		if backward {
			if err := avro.NewSchemaCompatibility().Compatible(candidate, prev); err != nil {
				msgs = append(msgs, fmt.Sprintf("%s: the new schema cannot read data written with version %d: %v", level, old.version, err))
			}
		}
		if forward {
			if err := avro.NewSchemaCompatibility().Compatible(prev, candidate); err != nil {
				msgs = append(msgs, fmt.Sprintf("%s: version %d cannot read data written with the new schema: %v", level, old.version, err))
			}
		}
	}
	return msgs
}

// readCandidate reads the schema of a register or compatibility request.
// It answers the request itself, and returns ok false, when the body is
// unreadable, the schema is neither Avro nor Protobuf (srfake takes it as it
// is) or the schema does not parse or compile.
func (r *Registry) readCandidate(w http.ResponseWriter, req *http.Request) (candidate, bool) {
	_, s, checked, err := readSchemaRequest(w, req)
	c := candidate{schema: s}
	if err != nil {
		writeRegistryError(w, http.StatusRequestEntityTooLarge, 42201, "read request: "+err.Error())
		return c, false
	}
	if !checked {
		r.fake.Handler().ServeHTTP(w, req)
		return c, false
	}
	if s.Type == sr.TypeProtobuf {
		c.proto, err = r.compileProtobuf(s)
	} else {
		c.avro, err = r.parse(s)
	}
	if err != nil {
		writeRegistryError(w, http.StatusUnprocessableEntity, 42201, "Invalid schema: "+err.Error())
		return c, false
	}
	return c, true
}

// handleRegister checks POST /subjects/{subject}/versions before srfake
// stores the schema.
func (r *Registry) handleRegister(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	c, ok := r.readCandidate(w, req)
	if !ok {
		return
	}
	s := c.schema

	r.mu.Lock()
	defer r.mu.Unlock()
	existing, err := r.versions(subject)
	if err != nil {
		writeRegistryError(w, http.StatusInternalServerError, 50001, err.Error())
		return
	}
	for _, v := range existing {
		if v.schema.Type == s.Type && sameSchema(v.schema.Schema, s.Schema) {
			// Already registered: srfake answers with the existing id.
			r.fake.Handler().ServeHTTP(w, req)
			return
		}
	}
	level, err := r.level(subject)
	if err != nil {
		writeRegistryError(w, http.StatusInternalServerError, 50001, err.Error())
		return
	}
	against := existing
	if !strings.HasSuffix(level, "_TRANSITIVE") && len(existing) > 0 {
		against = existing[len(existing)-1:]
	}
	if level == "NONE" {
		against = nil
	}
	if msgs := r.check(level, c, against); len(msgs) > 0 {
		details, _ := json.Marshal(msgs)
		writeRegistryError(w, http.StatusConflict, http.StatusConflict,
			fmt.Sprintf("Schema being registered is incompatible with an earlier schema for subject %q, details: %s", subject, details))
		return
	}
	r.fake.Handler().ServeHTTP(w, req)
}

// handleCompatibility answers POST /compatibility/subjects/{subject}/versions[/{version}]
// with a real check: against one version, or against every version when
// none is named.
func (r *Registry) handleCompatibility(w http.ResponseWriter, req *http.Request) {
	subject := req.PathValue("subject")
	version := req.PathValue("version")
	c, ok := r.readCandidate(w, req)
	if !ok {
		return
	}
	var err error

	r.mu.Lock()
	defer r.mu.Unlock()
	var against []stored
	if version == "" {
		if against, err = r.versions(subject); err != nil {
			writeRegistryError(w, http.StatusInternalServerError, 50001, err.Error())
			return
		}
		if against == nil {
			writeRegistryError(w, http.StatusNotFound, 40401, fmt.Sprintf("Subject '%s' not found.", subject))
			return
		}
	} else {
		v, status, body := r.version(subject, version)
		if status != http.StatusOK {
			forward(w, status, body)
			return
		}
		against = []stored{v}
	}
	level, err := r.level(subject)
	if err != nil {
		writeRegistryError(w, http.StatusInternalServerError, 50001, err.Error())
		return
	}
	var msgs []string
	if level != "NONE" {
		msgs = r.check(level, c, against)
	}
	resp := map[string]any{"is_compatible": len(msgs) == 0}
	if req.URL.Query().Get("verbose") == "true" {
		if msgs == nil {
			msgs = []string{}
		}
		resp["messages"] = msgs
	}
	writeRegistryJSON(w, http.StatusOK, resp)
}
