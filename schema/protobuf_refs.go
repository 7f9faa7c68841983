package schema

import (
	"context"
	"errors"
)

// Reference is a schema reference as the registry keeps it: the name the
// referring schema imports ("other.proto") and the subject and version it is
// registered as.
type Reference struct {
	Name    string
	Subject string
	Version int
}

// ReferenceSource is a Source that can also fetch the references of a
// schema and a referenced subject's version. A Decoder whose Source
// implements it compiles Protobuf schemas that import other subjects'
// schemas; without it only imports of the well-known types
// (google/protobuf/*.proto) resolve.
type ReferenceSource interface {
	// References returns the references of the schema registered under id.
	References(ctx context.Context, id int) ([]Reference, error)
	// SubjectVersion returns the schema registered as version of subject
	// and its own references.
	SubjectVersion(ctx context.Context, subject string, version int) (SubjectSchema, []Reference, error)
}

// ErrNoReferences reports a Protobuf schema with imports that the Decoder's
// Source cannot fetch.
var ErrNoReferences = errors.New("registry client cannot fetch schema references")
