package schema

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// What franz-go's sr does not do for Hopsworks 2.x: its Content-Type and
// Accept, its API key, its plain-text lists. (Its error bodies are read in
// apiError.)

// acceptHeader lists the registry's content types and plain JSON, which
// Hopsworks 2.x answers with; sr alone asks only for the first.
const acceptHeader = "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5"

// headers completes every request: Hopsworks answers 415 to sr's registry
// content type and wants its API key, which sr has no option for.
// application/json is a content type every Confluent-compatible registry
// accepts, so it is sent to all.
func (c *Client) headers(r *http.Request) error {
	r.Header.Set("Accept", acceptHeader)
	r.Header.Set("Content-Type", "application/json")
	if c.auth != nil {
		r.Header.Set("Authorization", c.auth.header)
	}
	return nil
}

// Subjects lists the registry's subjects. It accepts a JSON array and the
// plain-text form "[a, b]" that Hopsworks 2.x sends, which sr.Subjects
// cannot decode.
func (c *Client) Subjects(ctx context.Context) ([]string, error) {
	var raw []byte
	if err := c.sr.Do(ctx, http.MethodGet, "/subjects", nil, &raw); err != nil {
		return nil, fmt.Errorf("list subjects: %w", c.wrap(err))
	}
	subjects, err := parseList(raw)
	if err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	return subjects, nil
}

// parseList parses a JSON array of strings or the unquoted "[a, b]" form.
func parseList(b []byte) ([]string, error) {
	b = []byte(strings.TrimSpace(string(b)))
	list := []string{}
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
		if part = strings.Trim(strings.TrimSpace(part), `"`); part != "" {
			list = append(list, part)
		}
	}
	return list, nil
}
