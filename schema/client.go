package schema

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Content types of the Confluent REST API.
const (
	contentTypeRegistry = "application/vnd.schemaregistry.v1+json"
	contentTypeJSON     = "application/json"
	acceptHeader        = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5"
)

// DefaultTimeout is the timeout of the http.Client a Client builds when none
// is given.
const DefaultTimeout = 10 * time.Second

// maxResponse bounds how much of a response body the Client reads.
const maxResponse = 8 << 20

// credentials holds the Authorization header value. It sits behind a pointer
// so that printing a Client with %v shows an address, never the secret.
type credentials struct {
	header string
	secret string
}

// Client talks to a Confluent-compatible schema registry over its REST API,
// including Hopsworks 2.x (API-key auth, 415 on the registry content type,
// plain-text subject lists). It is safe for concurrent use.
type Client struct {
	base     *url.URL
	http     *http.Client
	auth     *credentials
	jsonOnly atomic.Bool // the server answered 415 to the registry content type

	mu       sync.RWMutex
	byID     map[int]SubjectSchema
	versions map[int]bool // ids whose subject and version were asked for
	calls    map[int]*idCall
}

// idCall is an in-flight GET /schemas/ids/{id}.
type idCall struct {
	done   chan struct{}
	schema SubjectSchema
	err    error
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithAPIKey authenticates with "Authorization: ApiKey <key>", as Hopsworks
// expects.
func WithAPIKey(key string) ClientOption {
	return func(c *Client) { c.auth = &credentials{header: "ApiKey " + key, secret: key} }
}

// WithBasicAuth authenticates with HTTP basic auth (Confluent Cloud: API key
// and secret).
func WithBasicAuth(user, pass string) ClientOption {
	return func(c *Client) {
		c.auth = &credentials{
			header: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)),
			secret: pass,
		}
	}
}

// WithHTTPClient makes the Client send its requests through hc (for TLS
// settings, proxies or another timeout).
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *Client) { c.http = hc }
}

// NewClient returns a Client for the registry at baseURL, which may carry a
// path prefix (Hopsworks: https://host/hopsworks-api/api/project/1143/kafka)
// and user:password, taken as basic auth.
func NewClient(baseURL string, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("registry url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("registry url %q: scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return nil, fmt.Errorf("registry url %q: no host", u.Redacted())
	}
	c := &Client{byID: map[int]SubjectSchema{}, versions: map[int]bool{}, calls: map[int]*idCall{}}
	if u.User != nil {
		pass, _ := u.User.Password()
		WithBasicAuth(u.User.Username(), pass)(c)
	}
	base := *u
	base.User = nil
	base.RawQuery = ""
	base.Fragment = ""
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawPath = strings.TrimRight(base.RawPath, "/")
	c.base = &base
	for _, opt := range opts {
		opt(c)
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: DefaultTimeout}
	}
	return c, nil
}

// BaseURL returns the registry's base URL without credentials.
func (c *Client) BaseURL() string { return c.base.String() }

// SubjectSchema is one version of a subject.
type SubjectSchema struct {
	// Subject is the subject name.
	Subject string
	// Version is the version within the subject, from 1.
	Version int
	// ID is the registry-wide schema id.
	ID int
	// Schema is the schema text.
	Schema string
	// Type is the schema's type: FormatAvro (also when the registry does
	// not say), FormatJSON or FormatProtobuf.
	Type Format
}

// schemaText decodes a "schema" member given as a JSON string (the standard)
// or, tolerantly, as an inline JSON value.
type schemaText string

func (s *schemaText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = schemaText(str)
		return nil
	}
	if string(b) == "null" {
		*s = ""
		return nil
	}
	*s = schemaText(b)
	return nil
}

type subjectSchemaJSON struct {
	Subject    string     `json:"subject"`
	Version    int        `json:"version"`
	ID         int        `json:"id"`
	Schema     schemaText `json:"schema"`
	SchemaType string     `json:"schemaType"`
}

func (s subjectSchemaJSON) value() SubjectSchema {
	t := Format(strings.ToUpper(s.SchemaType))
	if t == "" {
		t = FormatAvro
	}
	return SubjectSchema{Subject: s.Subject, Version: s.Version, ID: s.ID, Schema: string(s.Schema), Type: t}
}

// SchemaByID returns the Avro schema text registered under id. Results are
// cached for the Client's lifetime (ids never change meaning); concurrent
// lookups of one id share one request. A 404 wraps ErrUnknownSchema; a
// schema of another type wraps ErrUnsupportedType (see SchemaInfo).
func (c *Client) SchemaByID(ctx context.Context, id int) (string, error) {
	s, err := c.schema(ctx, id)
	if err != nil {
		return "", err
	}
	if s.Type != FormatAvro {
		return "", fmt.Errorf("schema %d: %w %s, only AVRO", id, ErrUnsupportedType, s.Type)
	}
	return s.Schema, nil
}

// SchemaInfo returns the schema registered under id with its type (AVRO,
// JSON or PROTOBUF) and a subject and version it is registered as. Subject
// and version come from GET /schemas/ids/{id}/versions, asked once per id;
// they stay empty when the registry does not answer it (Hopsworks 2.x, or
// registries older than Confluent 5.5). The schema itself is cached like
// SchemaByID's.
func (c *Client) SchemaInfo(ctx context.Context, id int) (SubjectSchema, error) {
	s, err := c.schema(ctx, id)
	if err != nil {
		return SubjectSchema{}, err
	}
	c.mu.RLock()
	asked := c.versions[id]
	if asked {
		s = c.byID[id]
	}
	c.mu.RUnlock()
	if asked {
		return s, nil
	}
	var usages []struct {
		Subject string `json:"subject"`
		Version int    `json:"version"`
	}
	if err := c.do(ctx, http.MethodGet, "/schemas/ids/"+strconv.Itoa(id)+"/versions", nil, nil, &usages); err != nil && ctx.Err() != nil {
		return SubjectSchema{}, fmt.Errorf("versions of schema %d: %w", id, ctx.Err())
	}
	for _, u := range usages {
		if s.Subject == "" || u.Subject < s.Subject || (u.Subject == s.Subject && u.Version < s.Version) {
			s.Subject, s.Version = u.Subject, u.Version
		}
	}
	c.mu.Lock()
	c.byID[id] = s
	c.versions[id] = true
	c.mu.Unlock()
	return s, nil
}

// schema returns the schema registered under id, cached, sharing concurrent
// requests for one id.
func (c *Client) schema(ctx context.Context, id int) (SubjectSchema, error) {
	c.mu.RLock()
	s, ok := c.byID[id]
	c.mu.RUnlock()
	if ok {
		return s, nil
	}
	c.mu.Lock()
	if s, ok := c.byID[id]; ok {
		c.mu.Unlock()
		return s, nil
	}
	if call, ok := c.calls[id]; ok {
		c.mu.Unlock()
		select {
		case <-call.done:
			if call.err != nil && ctx.Err() == nil && errors.Is(call.err, context.Canceled) {
				return c.schema(ctx, id)
			}
			return call.schema, call.err
		case <-ctx.Done():
			return SubjectSchema{}, fmt.Errorf("schema %d: %w", id, ctx.Err())
		}
	}
	call := &idCall{done: make(chan struct{})}
	c.calls[id] = call
	c.mu.Unlock()

	call.schema, call.err = c.fetchSchema(ctx, id)

	c.mu.Lock()
	delete(c.calls, id)
	if call.err == nil {
		c.byID[id] = call.schema
	}
	c.mu.Unlock()
	close(call.done)
	return call.schema, call.err
}

func (c *Client) fetchSchema(ctx context.Context, id int) (SubjectSchema, error) {
	var resp subjectSchemaJSON
	err := c.do(ctx, http.MethodGet, "/schemas/ids/"+strconv.Itoa(id), nil, nil, &resp)
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) && (ae.StatusCode == http.StatusNotFound || ae.Code == 40403) {
			return SubjectSchema{}, fmt.Errorf("%w: %w", ErrUnknownSchema, err)
		}
		return SubjectSchema{}, err
	}
	if resp.Schema == "" {
		return SubjectSchema{}, fmt.Errorf("schema %d: registry answered without a schema", id)
	}
	s := resp.value()
	s.ID, s.Subject, s.Version = id, "", 0
	return s, nil
}

type schemaRequest struct {
	Schema     string `json:"schema"`
	SchemaType Format `json:"schemaType,omitempty"`
}

// Lookup finds the version of subject whose schema is schema.
func (c *Client) Lookup(ctx context.Context, subject, schema string) (SubjectSchema, error) {
	var resp subjectSchemaJSON
	if err := c.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject), nil, schemaRequest{Schema: schema}, &resp); err != nil {
		return SubjectSchema{}, fmt.Errorf("look up schema in subject %s: %w", subject, err)
	}
	out := resp.value()
	if out.Subject == "" {
		out.Subject = subject
	}
	if out.Schema == "" {
		out.Schema = schema
	}
	if out.ID <= 0 {
		return SubjectSchema{}, fmt.Errorf("look up schema in subject %s: the registry's answer has no schema id", subject)
	}
	return out, nil
}

// Register registers an Avro schema under subject and returns its id;
// registering a schema the subject already has returns the existing id.
func (c *Client) Register(ctx context.Context, subject, schema string) (int, error) {
	return c.RegisterType(ctx, subject, FormatAvro, schema)
}

// RegisterType registers a schema of type typ (FormatAvro, FormatJSON or
// FormatProtobuf) under subject and returns its id. For Avro the request
// names no type, as Hopsworks 2.x expects.
func (c *Client) RegisterType(ctx context.Context, subject string, typ Format, schema string) (int, error) {
	var resp struct {
		ID int `json:"id"`
	}
	req := schemaRequest{Schema: schema}
	if typ != FormatAvro && typ != "" {
		req.SchemaType = typ
	}
	if err := c.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", nil, req, &resp); err != nil {
		return 0, fmt.Errorf("register schema in subject %s: %w", subject, err)
	}
	if typ == "" {
		typ = FormatAvro
	}
	c.mu.Lock()
	if _, ok := c.byID[resp.ID]; !ok {
		c.byID[resp.ID] = SubjectSchema{ID: resp.ID, Schema: schema, Type: typ}
	}
	c.mu.Unlock()
	return resp.ID, nil
}

// Latest returns the latest version of subject.
func (c *Client) Latest(ctx context.Context, subject string) (SubjectSchema, error) {
	var resp subjectSchemaJSON
	if err := c.do(ctx, http.MethodGet, "/subjects/"+url.PathEscape(subject)+"/versions/latest", nil, nil, &resp); err != nil {
		return SubjectSchema{}, fmt.Errorf("latest schema of subject %s: %w", subject, err)
	}
	out := resp.value()
	if out.Subject == "" {
		out.Subject = subject
	}
	if out.Schema == "" || out.ID <= 0 {
		return SubjectSchema{}, fmt.Errorf("latest schema of subject %s: the registry's answer has no schema and id", subject)
	}
	return out, nil
}

// Subjects lists the registry's subjects. It accepts a JSON array and the
// plain-text form "[a, b]" that Hopsworks 2.x sends.
func (c *Client) Subjects(ctx context.Context) ([]string, error) {
	var raw rawBody
	if err := c.do(ctx, http.MethodGet, "/subjects", nil, nil, &raw); err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	subjects, err := parseList(raw)
	if err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	return subjects, nil
}

// rawBody receives a response body undecoded.
type rawBody []byte

// parseList parses a JSON array of strings or the unquoted "[a, b]" form.
func parseList(b []byte) ([]string, error) {
	b = bytes.TrimSpace(b)
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		if list == nil {
			list = []string{}
		}
		return list, nil
	}
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, fmt.Errorf("unexpected list %q", truncate(b, 200))
	}
	list = []string{}
	for part := range strings.SplitSeq(string(b[1:len(b)-1]), ",") {
		part = strings.Trim(strings.TrimSpace(part), `"`)
		if part != "" {
			list = append(list, part)
		}
	}
	return list, nil
}

// CheckCompatibility asks whether schema is compatible with version of
// subject ("" or "latest" for the latest) under the subject's compatibility
// level; messages explain an incompatibility when the registry gives them.
func (c *Client) CheckCompatibility(ctx context.Context, subject, version, schema string) (compatible bool, messages []string, err error) {
	if version == "" {
		version = "latest"
	}
	var resp struct {
		IsCompatible      *bool             `json:"is_compatible"`
		IsCompatibleCamel *bool             `json:"isCompatible"`
		Messages          []json.RawMessage `json:"messages"`
	}
	path := "/compatibility/subjects/" + url.PathEscape(subject) + "/versions/" + url.PathEscape(version)
	if err := c.do(ctx, http.MethodPost, path, url.Values{"verbose": {"true"}}, schemaRequest{Schema: schema}, &resp); err != nil {
		return false, nil, fmt.Errorf("check compatibility with subject %s version %s: %w", subject, version, err)
	}
	switch {
	case resp.IsCompatible != nil:
		compatible = *resp.IsCompatible
	case resp.IsCompatibleCamel != nil:
		compatible = *resp.IsCompatibleCamel
	default:
		return false, nil, fmt.Errorf("check compatibility with subject %s version %s: answer has no is_compatible", subject, version)
	}
	for _, m := range resp.Messages {
		var s string
		if json.Unmarshal(m, &s) != nil {
			s = string(m)
		}
		messages = append(messages, s)
	}
	return compatible, messages, nil
}

type configJSON struct {
	CompatibilityLevel string `json:"compatibilityLevel"`
	Compatibility      string `json:"compatibility"`
}

func (c configJSON) level() string {
	if c.CompatibilityLevel != "" {
		return c.CompatibilityLevel
	}
	return c.Compatibility
}

// Compatibility returns the compatibility level of subject, or the global
// level when subject is "" or has none of its own.
func (c *Client) Compatibility(ctx context.Context, subject string) (string, error) {
	if subject != "" {
		var resp configJSON
		err := c.do(ctx, http.MethodGet, "/config/"+url.PathEscape(subject), nil, nil, &resp)
		var ae *APIError
		switch {
		case err == nil && resp.level() != "":
			return resp.level(), nil
		case err != nil && !(errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound):
			return "", fmt.Errorf("compatibility of subject %s: %w", subject, err)
		}
	}
	var resp configJSON
	if err := c.do(ctx, http.MethodGet, "/config", nil, nil, &resp); err != nil {
		return "", fmt.Errorf("global compatibility: %w", err)
	}
	if resp.level() == "" {
		return "", errors.New("global compatibility: answer has no compatibilityLevel")
	}
	return resp.level(), nil
}

// validLevel reports whether level is one a registry accepts.
func validLevel(level string) bool {
	switch level {
	case "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE":
		return true
	}
	return false
}

// SetCompatibility sets the compatibility level of subject, or the global
// level when subject is "".
func (c *Client) SetCompatibility(ctx context.Context, subject, level string) error {
	level = strings.ToUpper(strings.TrimSpace(level))
	if !validLevel(level) {
		return fmt.Errorf("set compatibility: unknown level %q", level)
	}
	path := "/config"
	if subject != "" {
		path += "/" + url.PathEscape(subject)
	}
	body := struct {
		Compatibility string `json:"compatibility"`
	}{level}
	if err := c.do(ctx, http.MethodPut, path, nil, body, nil); err != nil {
		if subject == "" {
			return fmt.Errorf("set global compatibility: %w", err)
		}
		return fmt.Errorf("set compatibility of subject %s: %w", subject, err)
	}
	return nil
}

// do sends one request to path (relative to the base URL, already escaped)
// and decodes a 2xx JSON answer into out (a *rawBody receives it verbatim;
// nil discards it). A POST or PUT answered with 415 is retried once as
// application/json, which the Client then keeps using.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var payload []byte
	if in != nil {
		var err error
		if payload, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
	}
	jsonOnly := c.jsonOnly.Load()
	status, body, err := c.send(ctx, method, path, query, payload, jsonOnly)
	if err == nil && status == http.StatusUnsupportedMediaType && payload != nil && !jsonOnly {
		c.jsonOnly.Store(true)
		status, body, err = c.send(ctx, method, path, query, payload, true)
	}
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return c.apiError(method, path, status, body)
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *rawBody:
		*o = body
		return nil
	default:
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("registry %s %s: decode answer %q: %w", method, path, truncate(body, 200), err)
		}
		return nil
	}
}

// send performs one HTTP exchange and returns the status and body.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, payload []byte, jsonOnly bool) (int, []byte, error) {
	u := c.base.String() + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return 0, nil, fmt.Errorf("registry %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", acceptHeader)
	if payload != nil {
		if jsonOnly {
			req.Header.Set("Content-Type", contentTypeJSON)
		} else {
			req.Header.Set("Content-Type", contentTypeRegistry)
		}
	}
	if c.auth != nil {
		req.Header.Set("Authorization", c.auth.header)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, &transportError{op: method + " " + path, err: c.redact(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return 0, nil, &transportError{op: method + " " + path, err: fmt.Errorf("read answer: %w", c.redact(err))}
	}
	return resp.StatusCode, b, nil
}

// redact returns err, or an error with the same chain whose text has the
// Client's secret masked, should a transport ever echo it.
func (c *Client) redact(err error) error {
	if c.auth == nil || c.auth.secret == "" || !strings.Contains(err.Error(), c.auth.secret) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), c.auth.secret, "[redacted]"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// transportError is a failure to exchange a request with the registry at
// all; it is always retryable unless the caller cancelled.
type transportError struct {
	op  string
	err error
}

func (e *transportError) Error() string { return "registry " + e.op + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// APIError is an error answer from the registry.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the registry's error_code (e.g. 40403, 40901), 0 if none.
	Code int
	// Message is the registry's message, or the start of a non-JSON body.
	Message string
	// Method is the request's HTTP method.
	Method string
	// URL is the request's full URL, without credentials.
	URL string
	// Path is the request's path relative to the registry base URL.
	Path string
}

// Error describes the error on one line, naming the request.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("registry ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	if e.Path != "" {
		b.WriteString(e.Path)
	} else {
		b.WriteString(e.URL)
	}
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != 0 {
		b.WriteString(" (")
		b.WriteString(strconv.Itoa(e.Code))
		b.WriteByte(')')
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.StatusCode)
	}
	if msg != "" {
		b.WriteByte(' ')
		b.WriteString(msg)
	}
	return b.String()
}

func (c *Client) apiError(method, path string, status int, body []byte) *APIError {
	ae := &APIError{StatusCode: status, Method: method, URL: c.base.String() + path, Path: path}
	var eb struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
		// Hopsworks' own REST errors.
		ErrorCodeCamel int    `json:"errorCode"`
		ErrorMsg       string `json:"errorMsg"`
		UsrMsg         string `json:"usrMsg"`
	}
	if json.Unmarshal(body, &eb) == nil {
		ae.Code = eb.ErrorCode
		if ae.Code == 0 {
			ae.Code = eb.ErrorCodeCamel
		}
		ae.Message = eb.Message
		if ae.Message == "" {
			ae.Message = strings.TrimSpace(eb.ErrorMsg + " " + eb.UsrMsg)
		}
	}
	if ae.Message == "" && ae.Code == 0 {
		ae.Message = truncate(body, 200)
	}
	ae.Message = oneLine(ae.Message)
	if c.auth != nil && c.auth.secret != "" {
		ae.Message = strings.ReplaceAll(ae.Message, c.auth.secret, "[redacted]")
	}
	return ae
}

// truncate returns at most n bytes of b as a string, marking a cut.
func truncate(b []byte, n int) string {
	b = bytes.TrimSpace(b)
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}

// oneLine folds whitespace runs, newlines included, into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// IsIncompatible reports whether err is a registry's refusal of a schema as
// incompatible (HTTP 409, or error_code 40901 as Hopsworks sends it).
func IsIncompatible(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && (ae.StatusCode == http.StatusConflict || ae.Code == 40901)
}

// IsRetryable reports whether err is transient, so that the same call may
// succeed later: network failures, timeouts, HTTP 5xx, 429 and 408. Registry
// refusals (other 4xx), unknown schemas and cancellations are not.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode == http.StatusRequestTimeout
	}
	if errors.Is(err, ErrUnknownSchema) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var te *transportError
	if errors.As(err, &te) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
