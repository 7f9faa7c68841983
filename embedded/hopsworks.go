package embedded

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
)

// hopsworksRegistry serves a registry the way Hopsworks 2.x does: under its
// project base path, behind an API key, with its content-type, list and
// error-code quirks (see Config.RegistryAPIKey).
type hopsworksRegistry struct {
	inner http.Handler
	base  string
	key   string
	// acceptConfluentType turns off the 415 answer to the registry content type.
	acceptConfluentType bool
}

// isListPath reports whether rel is a list endpoint Hopsworks answers in
// plain text: /subjects or /subjects/{subject}/versions.
func isListPath(rel string) bool {
	rel = strings.TrimSuffix(rel, "/")
	parts := strings.Split(rel, "/")
	return rel == "/subjects" || (len(parts) == 4 && parts[1] == "subjects" && parts[2] != "" && parts[3] == "versions")
}

func (h *hopsworksRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, h.base)
	if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
		hopsworksError(w, http.StatusNotFound, 160000, "Not found: "+r.URL.Path)
		return
	}
	auth := r.Header.Get("Authorization")
	given, isKey := strings.CutPrefix(auth, "ApiKey ")
	switch {
	case auth == "":
		hopsworksError(w, http.StatusUnauthorized, 200003, "Authorization header not set.")
		return
	case !isKey || subtle.ConstantTimeCompare([]byte(given), []byte(h.key)) != 1:
		hopsworksError(w, http.StatusUnauthorized, 200003, "Invalid API key.")
		return
	}
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) && r.ContentLength != 0 {
		media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if media != "application/json" && !(h.acceptConfluentType && media == contentTypeRegistry) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusUnsupportedMediaType)
			fmt.Fprint(w, "<html><body><h1>HTTP Status 415 - Unsupported Media Type</h1></body></html>")
			return
		}
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = rel, ""
	rec := httptest.NewRecorder()
	h.inner.ServeHTTP(rec, r2)
	body := rec.Body.Bytes()
	switch {
	case r.Method == http.MethodGet && rec.Code == http.StatusOK && isListPath(rel):
		var list []any
		if json.Unmarshal(body, &list) == nil {
			parts := make([]string, len(list))
			for i, v := range list {
				parts[i] = fmt.Sprint(v)
			}
			body = []byte("[" + strings.Join(parts, ", ") + "]")
			rec.Header().Set("Content-Type", "text/plain")
		}
	case rec.Code == http.StatusConflict:
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		body, _ = json.Marshal(map[string]any{"error_code": 40901, "message": e.Message})
	}
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = bytes.NewReader(body).WriteTo(w)
}

// hopsworksError writes an error the way Hopsworks' REST API does.
func hopsworksError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorCode": code, "errorMsg": msg})
}
