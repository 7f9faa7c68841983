package schema

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// DefaultTimeout is the timeout of the http.Client a Client builds when none
// is given.
const DefaultTimeout = 10 * time.Second

// credentials holds the Authorization header value. It sits behind a pointer
// so that printing a Client with %v shows an address, never the secret.
type credentials struct {
	header string
	secret string
}

// Client talks to a Confluent-compatible schema registry through franz-go's
// sr client, including Hopsworks 2.x (API-key auth, application/json
// only, plain-text subject lists, its own error bodies). It keeps no cache:
// the Decoder keeps each schema id's compiled schema. It is safe for
// concurrent use.
type Client struct {
	sr      *sr.Client
	base    string
	auth    *credentials
	timeout time.Duration // the http.Client's, for messages
}

// clientConfig collects ClientOptions.
type clientConfig struct {
	auth *credentials
	http *http.Client
}

// ClientOption configures a Client.
type ClientOption func(*clientConfig)

// WithAPIKey authenticates with "Authorization: ApiKey <key>", as Hopsworks
// expects.
func WithAPIKey(key string) ClientOption {
	return func(c *clientConfig) { c.auth = &credentials{header: "ApiKey " + key, secret: key} }
}

// WithBasicAuth authenticates with HTTP basic auth (Confluent Cloud: API key
// and secret).
func WithBasicAuth(user, pass string) ClientOption {
	return func(c *clientConfig) {
		r := http.Request{Header: http.Header{}}
		r.SetBasicAuth(user, pass)
		c.auth = &credentials{header: r.Header.Get("Authorization"), secret: pass}
	}
}

// WithHTTPClient makes the Client send its requests through hc (for TLS
// settings, proxies or another timeout). A zero hc.Timeout is taken as
// DefaultTimeout: no request waits forever.
func WithHTTPClient(hc *http.Client) ClientOption {
	return func(c *clientConfig) {
		if hc.Timeout <= 0 {
			bounded := *hc
			bounded.Timeout = DefaultTimeout
			hc = &bounded
		}
		c.http = hc
	}
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
	cfg := clientConfig{http: &http.Client{Timeout: DefaultTimeout}}
	if u.User != nil {
		pass, _ := u.User.Password()
		WithBasicAuth(u.User.Username(), pass)(&cfg)
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	base := url.URL{Scheme: u.Scheme, Host: u.Host, Path: strings.TrimRight(u.Path, "/"), RawPath: strings.TrimRight(u.RawPath, "/")}
	c := &Client{base: base.String(), auth: cfg.auth, timeout: cfg.http.Timeout}
	c.sr, err = sr.NewClient(sr.URLs(c.base), sr.HTTPClient(cfg.http), sr.UserAgent("kafkaplot"), sr.PreReq(c.headers))
	if err != nil {
		return nil, fmt.Errorf("registry client: %w", err)
	}
	return c, nil
}

// BaseURL returns the registry's base URL without credentials.
func (c *Client) BaseURL() string { return c.base }

// subjectSchema converts sr's form, whose zero type is Avro.
func subjectSchema(s sr.SubjectSchema) SubjectSchema {
	return SubjectSchema{Subject: s.Subject, Version: s.Version, ID: s.ID, Schema: s.Schema.Schema, Type: Format(s.Type.String())}
}

// references converts sr's schema references.
func references(refs []sr.SchemaReference) []Reference {
	out := make([]Reference, 0, len(refs))
	for _, r := range refs {
		out = append(out, Reference(r))
	}
	return out
}

// SchemaByID returns the Avro schema text registered under id. A 404 wraps
// ErrUnknownSchema; a schema of another type wraps ErrUnsupportedType (see
// SchemaInfo). Nothing is cached here: the Decoder caches what it fetches.
func (c *Client) SchemaByID(ctx context.Context, id int) (string, error) {
	s, err := c.byID(ctx, id)
	if err != nil {
		return "", err
	}
	if s.Type != sr.TypeAvro {
		return "", fmt.Errorf("schema %d: %w %s, only AVRO", id, ErrUnsupportedType, s.Type)
	}
	return s.Schema, nil
}

// SchemaInfo returns the schema registered under id with its type (AVRO,
// JSON or PROTOBUF) and a subject and version it is registered as. Subject
// and version come from GET /schemas/ids/{id}/versions; they stay empty when
// the registry does not answer it (Hopsworks 2.x, or registries older than
// Confluent 5.5).
func (c *Client) SchemaInfo(ctx context.Context, id int) (SubjectSchema, error) {
	s, err := c.byID(ctx, id)
	if err != nil {
		return SubjectSchema{}, err
	}
	out := subjectSchema(sr.SubjectSchema{ID: id, Schema: s})
	usages, err := c.sr.SchemaVersionsByID(ctx, id)
	if err != nil && ctx.Err() != nil {
		return SubjectSchema{}, fmt.Errorf("versions of schema %d: %w", id, ctx.Err())
	}
	for _, u := range usages {
		if out.Subject == "" || u.Subject < out.Subject || (u.Subject == out.Subject && u.Version < out.Version) {
			out.Subject, out.Version = u.Subject, u.Version
		}
	}
	return out, nil
}

// References returns the references of the schema registered under id
// (for Decoder's Protobuf imports; see ReferenceSource).
func (c *Client) References(ctx context.Context, id int) ([]Reference, error) {
	s, err := c.byID(ctx, id)
	if err != nil {
		return nil, err
	}
	return references(s.References), nil
}

// SubjectVersion returns version of subject (-1 for the latest) with its
// own references.
func (c *Client) SubjectVersion(ctx context.Context, subject string, version int) (SubjectSchema, []Reference, error) {
	what := fmt.Sprintf("schema of subject %s version %d", subject, version)
	if version == -1 {
		what = "latest schema of subject " + subject
	}
	s, err := c.sr.SchemaByVersion(ctx, subject, version)
	if err != nil {
		return SubjectSchema{}, nil, fmt.Errorf("%s: %w", what, c.wrap(err))
	}
	if s.Schema.Schema == "" || s.ID <= 0 {
		return SubjectSchema{}, nil, fmt.Errorf("%s: the registry's answer has no schema and id", what)
	}
	s.Subject = cmp.Or(s.Subject, subject)
	return subjectSchema(s), references(s.References), nil
}

// byID fetches GET /schemas/ids/{id}. It goes through sr's Do with the raw
// answer rather than sr.SchemaByID so that an answer that is not JSON (a
// web page at a wrong URL) is quoted in the error.
func (c *Client) byID(ctx context.Context, id int) (sr.Schema, error) {
	var raw []byte
	if err := c.sr.Do(ctx, http.MethodGet, "/schemas/ids/"+strconv.Itoa(id), nil, &raw); err != nil {
		var ae *APIError
		if err = c.wrap(err); errors.As(err, &ae) && (ae.StatusCode == http.StatusNotFound || ae.Code == 40403) {
			return sr.Schema{}, fmt.Errorf("%w: %w", ErrUnknownSchema, err)
		}
		return sr.Schema{}, err
	}
	var s sr.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return sr.Schema{}, fmt.Errorf("schema %d: registry answered %q: %w", id, truncate(raw, 200), err)
	}
	if s.Schema == "" {
		return sr.Schema{}, fmt.Errorf("schema %d: registry answered without a schema", id)
	}
	return s, nil
}

// Lookup finds the version of subject whose schema is the Avro schema.
func (c *Client) Lookup(ctx context.Context, subject, schema string) (SubjectSchema, error) {
	s, err := c.sr.LookupSchema(ctx, subject, sr.Schema{Schema: schema})
	if err != nil {
		return SubjectSchema{}, fmt.Errorf("look up schema in subject %s: %w", subject, c.wrap(err))
	}
	if s.ID <= 0 {
		return SubjectSchema{}, fmt.Errorf("look up schema in subject %s: the registry's answer has no schema id", subject)
	}
	s.Subject, s.Schema.Schema = cmp.Or(s.Subject, subject), cmp.Or(s.Schema.Schema, schema)
	return subjectSchema(s), nil
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
	var t sr.SchemaType
	if err := t.UnmarshalText([]byte(typ)); err != nil {
		return 0, fmt.Errorf("register schema in subject %s: %w", subject, err)
	}
	id, err := c.sr.RegisterSchema(ctx, subject, sr.Schema{Schema: schema, Type: t}, -1, -1)
	if err != nil {
		return 0, fmt.Errorf("register schema in subject %s: %w", subject, c.wrap(err))
	}
	return id, nil
}

// Latest returns the latest version of subject.
func (c *Client) Latest(ctx context.Context, subject string) (SubjectSchema, error) {
	s, _, err := c.SubjectVersion(ctx, subject, -1)
	return s, err
}

// CheckCompatibility asks whether schema is compatible with version of
// subject ("" or "latest" for the latest) under the subject's compatibility
// level; messages explain an incompatibility when the registry gives them.
func (c *Client) CheckCompatibility(ctx context.Context, subject, version, schema string) (compatible bool, messages []string, err error) {
	v := -1
	if version != "" && version != "latest" {
		if v, err = strconv.Atoi(version); err != nil || v <= 0 {
			return false, nil, fmt.Errorf("check compatibility with subject %s: version %q is not a number or latest", subject, version)
		}
	}
	res, err := c.sr.CheckCompatibility(sr.WithParams(ctx, sr.Verbose), subject, v, sr.Schema{Schema: schema})
	if err != nil {
		return false, nil, fmt.Errorf("check compatibility with subject %s version %s: %w", subject, cmp.Or(version, "latest"), c.wrap(err))
	}
	return res.Is, res.Messages, nil
}

// Compatibility returns the compatibility level of subject, or the global
// level when subject is "" or has none of its own.
func (c *Client) Compatibility(ctx context.Context, subject string) (string, error) {
	if subject != "" {
		res := c.sr.Compatibility(ctx, subject)[0]
		var ae *APIError
		switch err := c.wrap(res.Err); {
		case err == nil && res.Level != 0:
			return res.Level.String(), nil
		case err != nil && !(errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound):
			return "", fmt.Errorf("compatibility of subject %s: %w", subject, err)
		}
	}
	res := c.sr.Compatibility(ctx)[0]
	if res.Err != nil {
		return "", fmt.Errorf("global compatibility: %w", c.wrap(res.Err))
	}
	if res.Level == 0 {
		return "", errors.New("global compatibility: answer has no compatibilityLevel")
	}
	return res.Level.String(), nil
}

// SetCompatibility sets the compatibility level of subject, or the global
// level when subject is "".
func (c *Client) SetCompatibility(ctx context.Context, subject, level string) error {
	var l sr.CompatibilityLevel
	if err := l.UnmarshalText([]byte(strings.TrimSpace(level))); err != nil {
		return fmt.Errorf("set compatibility: %w", err)
	}
	if err := c.sr.SetCompatibility(ctx, sr.SetCompatibility{Level: l}, subject)[0].Err; err != nil {
		if subject == "" {
			return fmt.Errorf("set global compatibility: %w", c.wrap(err))
		}
		return fmt.Errorf("set compatibility of subject %s: %w", subject, c.wrap(err))
	}
	return nil
}
