package schema

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

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
	b.WriteString("registry " + e.Method + " " + cmp.Or(e.Path, e.URL) + ": " + strconv.Itoa(e.StatusCode))
	if e.Code != 0 {
		b.WriteString(" (" + strconv.Itoa(e.Code) + ")")
	}
	if msg := cmp.Or(e.Message, http.StatusText(e.StatusCode)); msg != "" {
		b.WriteString(" " + msg)
	}
	return b.String()
}

// transportError is a failure to exchange a request with the registry at
// all; it is always retryable unless the caller cancelled.
type transportError struct {
	op  string
	err error
}

func (e *transportError) Error() string { return "registry " + e.op + ": " + e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// NoAnswerError is a request the registry did not answer within the
// Client's timeout. It unwraps to the http.Client's timeout error.
type NoAnswerError struct {
	// Within is the time the request was given.
	Within time.Duration
	err    error
}

// Error returns "no answer within <Within>".
func (e *NoAnswerError) Error() string { return "no answer within " + e.Within.String() }

// Unwrap returns the http.Client's error.
func (e *NoAnswerError) Unwrap() error { return e.err }

// redactedError keeps an error's chain with its text's secret masked.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// wrap turns an error of sr into ours: an answer becomes an *APIError (sr's
// ResponseError reads only Confluent's error body, not Hopsworks'), a
// failed exchange a transportError; every text has the secret masked.
func (c *Client) wrap(err error) error {
	if err == nil {
		return nil
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		return c.apiError(re)
	}
	var ue *url.Error
	var ne net.Error
	switch {
	case errors.As(err, &ue):
		cause := c.redact(ue.Err)
		// The caller's context ending is its own business; any other
		// timeout is the http.Client's.
		if ue.Timeout() && ue.Err != context.DeadlineExceeded && c.timeout > 0 {
			cause = &NoAnswerError{Within: c.timeout, err: ue.Err}
		}
		return &transportError{op: strings.ToUpper(ue.Op) + " " + strings.TrimPrefix(ue.URL, c.base), err: cause}
	case errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF):
		return &transportError{op: "answer", err: c.redact(err)}
	}
	return c.redact(err)
}

// redact returns err, or an error with the same chain whose text has the
// Client's secret masked, should a transport ever echo it.
func (c *Client) redact(err error) error {
	if c.auth == nil || c.auth.secret == "" || !strings.Contains(err.Error(), c.auth.secret) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), c.auth.secret, "[redacted]"), err: err}
}

// apiError reads Confluent's and Hopsworks' error bodies.
func (c *Client) apiError(re *sr.ResponseError) *APIError {
	ae := &APIError{StatusCode: re.StatusCode, Method: re.Method, URL: re.URL, Path: strings.TrimPrefix(re.URL, c.base)}
	var eb struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
		// Hopsworks' own REST errors.
		ErrorCodeCamel int    `json:"errorCode"`
		ErrorMsg       string `json:"errorMsg"`
		UsrMsg         string `json:"usrMsg"`
	}
	if json.Unmarshal(re.Raw, &eb) == nil {
		ae.Code = eb.ErrorCode
		if ae.Code == 0 {
			ae.Code = eb.ErrorCodeCamel
		}
		ae.Message = cmp.Or(eb.Message, strings.TrimSpace(eb.ErrorMsg+" "+eb.UsrMsg))
	}
	if ae.Message == "" && ae.Code == 0 {
		ae.Message = truncate(re.Raw, 200)
	}
	ae.Message = strings.Join(strings.Fields(ae.Message), " ")
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
