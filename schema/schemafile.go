package schema

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxSchemaFile bounds the size of a schema file.
const maxSchemaFile = 4 << 20

// ErrSchemaFile reports a schema file that cannot be used: unreadable, of
// an unknown kind, or not a record schema.
var ErrSchemaFile = errors.New("bad schema file")

// SchemaFile is the writer schema of registry-less values, read from a file:
// every value is a bare body (no header, no message index) written with it.
type SchemaFile struct {
	// Spec is the file as given: "sensor.avsc" or "sensor.proto:sensor".
	Spec string
	e    *entry
	pm   *protoMessage // Protobuf only: the message values are
}

// LoadSchemaFile reads the schema of registry-less values. spec is an Avro
// schema file (.avsc) or a .proto file with the message the values are,
// after a colon: "readings.proto:plant.Reading" (full name, or the name
// alone when unique; without it, the file's first message). A .proto file's
// imports are read relative to its directory; the well-known types
// (google/protobuf/*.proto) need no file.
func LoadSchemaFile(spec string) (*SchemaFile, error) {
	path, message := spec, ""
	if i := strings.LastIndex(spec, ".proto:"); i >= 0 {
		path, message = spec[:i+len(".proto")], spec[i+len(".proto:"):]
	}
	fail := func(err error) (*SchemaFile, error) {
		return nil, fmt.Errorf("%w %s: %w", ErrSchemaFile, spec, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if info.Size() > maxSchemaFile {
		return fail(fmt.Errorf("larger than %d bytes", maxSchemaFile))
	}
	sf := &SchemaFile{Spec: spec}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".avsc":
		text, err := os.ReadFile(path)
		if err != nil {
			return fail(err)
		}
		e := newAvroEntry(string(text))
		switch {
		case e.err != nil:
			return fail(e.err)
		case e.writer == nil:
			return fail(fmt.Errorf("top-level type is %s, not a record", e.schema.Type()))
		}
		sf.e = e
	case ".proto":
		fd, err := compileProtoFile(path)
		if err != nil {
			return fail(err)
		}
		p := newProtoSchema(fd)
		pm, err := p.byMessageName(message)
		if err != nil {
			return fail(err)
		}
		sf.e, sf.pm = protoEntryFor(p), pm
		sf.e.name, sf.e.writer = string(pm.desc.FullName()), pm.writer
	default:
		return fail(errors.New("want an Avro .avsc file or a .proto file (file.proto:Message)"))
	}
	sf.e.writer.File = filepath.Base(path)
	return sf, nil
}

// compileProtoFile compiles a .proto file from disk, its imports relative
// to its directory.
func compileProtoFile(path string) (protoreflect.FileDescriptor, error) {
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			ImportPaths: []string{filepath.Dir(path)},
			Accessor: func(name string) (io.ReadCloser, error) {
				return os.Open(name)
			},
		}),
		MaxParallelism: 1,
		Reporter:       reporter.NewReporter(nil, nil),
	}
	files, err := c.Compile(context.Background(), filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("compile protobuf schema: %w", err)
	}
	return files[0], nil
}

// byMessageName finds a message by full name, by name when only one message
// has it, or the first message for "".
func (p *protoSchema) byMessageName(name string) (*protoMessage, error) {
	if name == "" {
		if p.first == nil {
			return nil, errors.New("the file defines no message")
		}
		return p.first, nil
	}
	if pm, ok := p.byName[protoreflect.FullName(name)]; ok {
		return pm, nil
	}
	var found *protoMessage
	var names []string
	for full, pm := range p.byName {
		names = append(names, string(full))
		if pm.desc.Name() == protoreflect.Name(name) {
			if found != nil {
				return nil, fmt.Errorf("message %s is ambiguous: give its full name", name)
			}
			found = pm
		}
	}
	if found == nil {
		return nil, fmt.Errorf("no message %s (the file has %s)", name, strings.Join(names, ", "))
	}
	return found, nil
}

// WithSchemaFile makes the Decoder read every value as a bare body written
// with sf, without a Confluent header or a registry: Decode and DecodePlotted
// take the whole payload as the body, and a value that does not fit is an
// error naming the file.
func WithSchemaFile(sf *SchemaFile) DecoderOption {
	return func(d *Decoder) { d.file = sf }
}

// decodeFile decodes a bare body with the schema file.
func (d *Decoder) decodeFile(payload []byte) (Record, error) {
	sf := d.file
	if sf.pm != nil {
		fields, err := decodeProto(sf.pm, payload)
		if err != nil {
			return Record{}, fmt.Errorf("decode with schema file %s: %w", sf.Spec, err)
		}
		return Record{Name: sf.e.name, Fields: fields, Writer: sf.e.writer}, nil
	}
	end, err := skip(sf.e.root, payload, 0, 0)
	if err == nil && end != len(payload) {
		err = trailing(len(payload) - end)
	}
	if err != nil {
		return Record{}, fmt.Errorf("decode with schema file %s: %w", sf.Spec, err)
	}
	fields := map[string]any{}
	if err := d.api.Unmarshal(sf.e.schema, payload, &fields); err != nil {
		return Record{}, fmt.Errorf("decode with schema file %s: %w", sf.Spec, err)
	}
	return Record{Name: sf.e.name, Fields: fields, Writer: sf.e.writer}, nil
}
