package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Limits on what a Protobuf schema may pull in and how deep a body may nest.
const (
	maxReferences   = 256
	maxProtoNesting = 64
)

// ErrMalformedProto reports a Protobuf body that no writer of its message
// could have produced.
var ErrMalformedProto = errors.New("malformed protobuf body")

// protoSchema is a compiled Protobuf schema: its file and every message in
// it (nested ones too, map entries excepted), described once.
type protoSchema struct {
	file   protoreflect.FileDescriptor
	byName map[protoreflect.FullName]*protoMessage
	first  *protoMessage // the message at [0], nil if the file has none
}

// protoMessage is one message of a compiled schema.
type protoMessage struct {
	desc     protoreflect.MessageDescriptor
	index    MessageIndexes
	writer   *Writer
	plotOnce sync.Once
	plot     *protoReader // compiled on first use
}

// message returns the message at the path m, or an error naming the path.
func (p *protoSchema) message(m MessageIndexes) (*protoMessage, error) {
	if m.n == 1 && m.idx[0] == 0 && p.first != nil {
		return p.first, nil
	}
	var md protoreflect.MessageDescriptor
	for i := range m.n {
		var msgs protoreflect.MessageDescriptors
		if i == 0 {
			msgs = p.file.Messages()
		} else {
			msgs = md.Messages()
		}
		if int(m.idx[i]) >= msgs.Len() {
			return nil, fmt.Errorf("%w: %v names no message of the schema", ErrBadMessageIndex, m)
		}
		md = msgs.Get(int(m.idx[i]))
	}
	pm, ok := p.byName[md.FullName()]
	if !ok {
		return nil, fmt.Errorf("%w: %v names map entry %s", ErrBadMessageIndex, m, md.FullName())
	}
	return pm, nil
}

// protoFileSource is one file of a schema and its references, as the
// compiler's resolver hands it out.
type protoFileSource struct {
	text  string
	proto *descriptorpb.FileDescriptorProto // set when text is a base64 descriptor
}

// parseProtoSource recognises the two forms registries hold Protobuf
// schemas in: .proto text, or a base64-encoded FileDescriptorProto (what
// confluent-kafka-python's ProtobufSerializer registers).
func parseProtoSource(text string) protoFileSource {
	trimmed := strings.TrimSpace(text)
	if raw, err := base64.StdEncoding.DecodeString(trimmed); err == nil && len(raw) > 0 {
		fdp := &descriptorpb.FileDescriptorProto{}
		if err := proto.Unmarshal(raw, fdp); err == nil && (fdp.GetName() != "" || len(fdp.GetMessageType()) > 0) {
			return protoFileSource{text: text, proto: fdp}
		}
	}
	return protoFileSource{text: text}
}

// protoCompileInput gathers the text of a schema and of every schema it
// references, by import name.
type protoCompileInput struct {
	root  string
	files map[string]protoFileSource
}

// gatherProto fetches the references of schema id (and theirs) when src can.
// The error is a fetch failure, worth retrying; compile errors come later.
func gatherProto(ctx context.Context, src Source, id int, text string) (*protoCompileInput, error) {
	in := &protoCompileInput{files: map[string]protoFileSource{}}
	root := parseProtoSource(text)
	in.root = "schema-" + strconv.Itoa(id) + ".proto"
	if root.proto != nil && root.proto.GetName() != "" {
		in.root = root.proto.GetName()
	}
	in.files[in.root] = root
	rs, ok := src.(ReferenceSource)
	if !ok {
		return in, nil
	}
	queue, err := rs.References(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("references of schema %d: %w", id, err)
	}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if _, seen := in.files[ref.Name]; seen {
			continue
		}
		if len(in.files) > maxReferences {
			return nil, fmt.Errorf("references of schema %d: more than %d", id, maxReferences)
		}
		s, more, err := rs.SubjectVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("reference %s (subject %s version %d) of schema %d: %w", ref.Name, ref.Subject, ref.Version, id, err)
		}
		in.files[ref.Name] = parseProtoSource(s.Schema)
		queue = append(queue, more...)
	}
	return in, nil
}

// fillJSONNames gives every field without a json_name the one protoc
// derives (favorite_color → favoriteColor). Descriptors serialized by
// generated Python code have none, which protocompile takes for custom
// empty names that conflict.
func fillJSONNames(fdp *descriptorpb.FileDescriptorProto) {
	var fill func(fields []*descriptorpb.FieldDescriptorProto)
	var message func(m *descriptorpb.DescriptorProto)
	fill = func(fields []*descriptorpb.FieldDescriptorProto) {
		for _, f := range fields {
			if f.JsonName == nil {
				f.JsonName = proto.String(protocJSONName(f.GetName()))
			}
		}
	}
	message = func(m *descriptorpb.DescriptorProto) {
		fill(m.GetField())
		fill(m.GetExtension())
		for _, n := range m.GetNestedType() {
			message(n)
		}
	}
	fill(fdp.GetExtension())
	for _, m := range fdp.GetMessageType() {
		message(m)
	}
}

// protocJSONName is protoc's default JSON name of a field: underscores
// dropped, the letter after each one upper-cased.
func protocJSONName(name string) string {
	var b strings.Builder
	upper := false
	for _, c := range name {
		switch {
		case c == '_':
			upper = true
		case upper && 'a' <= c && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			upper = false
		default:
			b.WriteRune(c)
			upper = false
		}
	}
	return b.String()
}

// compileProto compiles a gathered schema with bufbuild/protocompile; the
// well-known types (google/protobuf/*.proto) resolve without references.
func compileProto(ctx context.Context, in *protoCompileInput, canFetchRefs bool) (protoreflect.FileDescriptor, error) {
	var mu sync.Mutex // the compiler resolves imports concurrently
	var missing []string
	resolver := protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		f, ok := in.files[path]
		if !ok {
			mu.Lock()
			missing = append(missing, path)
			mu.Unlock()
			return protocompile.SearchResult{}, protoregistry.NotFound
		}
		if f.proto != nil {
			fdp := proto.Clone(f.proto).(*descriptorpb.FileDescriptorProto)
			fdp.Name = proto.String(path)
			fillJSONNames(fdp)
			return protocompile.SearchResult{Proto: fdp}, nil
		}
		return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(f.text))}, nil
	})
	c := protocompile.Compiler{
		Resolver:       protocompile.WithStandardImports(resolver),
		MaxParallelism: 1,
		Reporter:       reporter.NewReporter(nil, nil),
	}
	files, err := c.Compile(ctx, in.root)
	if err != nil {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range missing {
			if !strings.HasPrefix(m, "google/protobuf/") && !canFetchRefs {
				return nil, fmt.Errorf("compile protobuf schema: import %q: %w", m, ErrNoReferences)
			}
		}
		return nil, fmt.Errorf("compile protobuf schema: %w", err)
	}
	return files[0], nil
}

// newProtoSchema describes every message of a compiled file.
func newProtoSchema(fd protoreflect.FileDescriptor) *protoSchema {
	p := &protoSchema{file: fd, byName: map[protoreflect.FullName]*protoMessage{}}
	var walk func(msgs protoreflect.MessageDescriptors, path []int)
	walk = func(msgs protoreflect.MessageDescriptors, path []int) {
		for i := range msgs.Len() {
			md := msgs.Get(i)
			if md.IsMapEntry() {
				continue
			}
			idx := append(append([]int(nil), path...), i)
			if len(idx) > maxMessageIndexes {
				continue
			}
			pm := &protoMessage{desc: md, index: NewMessageIndexes(idx...), writer: describeProto(md)}
			p.byName[md.FullName()] = pm
			walk(md.Messages(), idx)
		}
	}
	walk(fd.Messages(), nil)
	if fd.Messages().Len() > 0 {
		p.first = p.byName[fd.Messages().Get(0).FullName()]
	}
	return p
}

// newProtoEntry fetches the references of a Protobuf schema, compiles it and
// describes its messages. The error is a retryable fetch failure; compile
// failures are kept in the entry.
func newProtoEntry(ctx context.Context, src Source, id int, info SubjectSchema) (*entry, error) {
	in, err := gatherProto(ctx, src, id, info.Schema)
	if err != nil {
		if IsRetryable(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return &entry{err: err}, nil
	}
	_, canFetch := src.(ReferenceSource)
	fd, err := compileProto(ctx, in, canFetch)
	if err != nil {
		return &entry{err: err}, nil
	}
	return protoEntryFor(newProtoSchema(fd)), nil
}

// protoEntryFor makes the Decoder's entry of a compiled schema.
func protoEntryFor(p *protoSchema) *entry {
	e := &entry{format: FormatProtobuf, proto: p}
	if p.first == nil {
		e.err = errors.New("protobuf schema defines no message")
		return e
	}
	e.name = string(p.first.desc.FullName())
	e.writer = p.first.writer
	return e
}

// well-known message names the Decoder treats as values.
const (
	wktTimestamp = "google.protobuf.Timestamp"
	wktDuration  = "google.protobuf.Duration"
)

// wrapperValue reports whether md is one of the google.protobuf wrappers
// (DoubleValue, Int64Value, StringValue...), which stand for their value.
func wrapperValue(md protoreflect.MessageDescriptor) (protoreflect.FieldDescriptor, bool) {
	if md.ParentFile() == nil || md.ParentFile().Path() != "google/protobuf/wrappers.proto" {
		return nil, false
	}
	fd := md.Fields().ByName("value")
	return fd, fd != nil
}

// protoDescriber lists the leaves of a message.
type protoDescriber struct {
	w      *Writer
	inside map[protoreflect.FullName]bool
}

// describeProto describes a message's leaves by dotted path.
func describeProto(md protoreflect.MessageDescriptor) *Writer {
	d := protoDescriber{w: &Writer{Format: FormatProtobuf, Name: string(md.FullName())}, inside: map[protoreflect.FullName]bool{}}
	d.message(md, "", false, 0)
	return d.w.finish()
}

func (d *protoDescriber) message(md protoreflect.MessageDescriptor, prefix string, nullable bool, depth int) {
	d.inside[md.FullName()] = true
	defer delete(d.inside, md.FullName())
	fields := md.Fields()
	for i := range fields.Len() {
		d.field(fields.Get(i), prefix, nullable, depth)
	}
}

func (d *protoDescriber) field(fd protoreflect.FieldDescriptor, prefix string, nullable bool, depth int) {
	path := prefix + string(fd.Name())
	f := Field{Path: path, Nullable: nullable || fd.HasPresence()}
	switch {
	case fd.IsMap():
		f.Type = "map<" + protoTypeName(fd.MapKey()) + ", " + protoTypeName(fd.MapValue()) + ">"
		f.Repeated = true
	case fd.IsList():
		f.Type = "repeated " + protoTypeName(fd)
		f.Repeated = true
	case fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind:
		md := fd.Message()
		f.Type = string(md.FullName())
		switch {
		case md.FullName() == wktTimestamp:
			f.Kind = KindTime
		case md.FullName() == wktDuration:
		default:
			if vf, ok := wrapperValue(md); ok {
				f.Kind, f.Unit = protoScalarKind(vf, fd.Name())
				break
			}
			if d.inside[md.FullName()] || depth >= maxDescribeDepth {
				break // recursive: the rest is a leaf of KindOther
			}
			d.message(md, path+".", f.Nullable, depth+1)
			return
		}
	default:
		f.Type = protoTypeName(fd)
		f.Kind, f.Unit = protoScalarKind(fd, fd.Name())
	}
	d.w.Fields = append(d.w.Fields, f)
}

// protoScalarKind classifies a scalar field: numbers, strings and enums,
// and an integer named like a time as an epoch time (the time rule,
// epoch.go) in the unit its values' magnitude tells.
func protoScalarKind(fd protoreflect.FieldDescriptor, name protoreflect.Name) (Kind, time.Duration) {
	switch fd.Kind() {
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if TimeLikeName(string(name)) {
			return KindTime, 0
		}
		return KindNumber, 0
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return KindNumber, 0
	case protoreflect.StringKind, protoreflect.EnumKind:
		return KindString, 0
	}
	return KindOther, 0
}

// protoTypeName names a field's element type as a .proto file would.
func protoTypeName(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(fd.Message().FullName())
	case protoreflect.EnumKind:
		return string(fd.Enum().FullName())
	}
	return fd.Kind().String()
}

// decodeProto decodes body as message pm into a Record's fields.
func decodeProto(pm *protoMessage, body []byte) (map[string]any, error) {
	m := dynamicpb.NewMessage(pm.desc)
	if err := (proto.UnmarshalOptions{RecursionLimit: maxProtoNesting}).Unmarshal(body, m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformedProto, pm.desc.FullName(), err)
	}
	return protoFields(m), nil
}

// protoFields converts a message into the generic form of Record.Fields:
// every field of the message by name, nil for one without a value that
// tracks presence (unset optional, oneof member or message field).
func protoFields(m protoreflect.Message) map[string]any {
	fields := m.Descriptor().Fields()
	out := make(map[string]any, fields.Len())
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.HasPresence() && !m.Has(fd) {
			out[string(fd.Name())] = nil
			continue
		}
		out[string(fd.Name())] = protoFieldValue(fd, m.Get(fd))
	}
	return out
}

// protoFieldValue converts the value of a field: a list to []any, a map to
// map[string]any keyed by the key's text, anything else by protoValue.
func protoFieldValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch {
	case fd.IsMap():
		mv := v.Map()
		out := make(map[string]any, mv.Len())
		mv.Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			out[k.String()] = protoValue(fd.MapValue(), v)
			return true
		})
		return out
	case fd.IsList():
		l := v.List()
		out := make([]any, l.Len())
		for i := range out {
			out[i] = protoValue(fd, l.Get(i))
		}
		return out
	}
	return protoValue(fd, v)
}

// protoValue converts one value: Go's numeric types, string, bool, []byte,
// an enum's name (its number when the schema has none), a Timestamp as
// time.Time (UTC), a Duration as time.Duration, a wrapper as its value, any
// other message as map[string]any.
func protoValue(fd protoreflect.FieldDescriptor, v protoreflect.Value) any {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return v.Bool()
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return int32(v.Int())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return v.Int()
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return uint32(v.Uint())
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return v.Uint()
	case protoreflect.FloatKind:
		return float32(v.Float())
	case protoreflect.DoubleKind:
		return v.Float()
	case protoreflect.StringKind:
		return v.String()
	case protoreflect.BytesKind:
		return v.Bytes()
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return int32(v.Enum())
	}
	m := v.Message()
	md := m.Descriptor()
	switch md.FullName() {
	case wktTimestamp:
		f := md.Fields()
		return time.Unix(m.Get(f.ByNumber(1)).Int(), m.Get(f.ByNumber(2)).Int()).UTC()
	case wktDuration:
		f := md.Fields()
		return time.Duration(m.Get(f.ByNumber(1)).Int())*time.Second + time.Duration(m.Get(f.ByNumber(2)).Int())
	}
	if vf, ok := wrapperValue(md); ok {
		return protoValue(vf, m.Get(vf))
	}
	return protoFields(m)
}

// CompileProtobuf compiles a Protobuf schema as a registry holds it (.proto
// text, or a base64 FileDescriptorProto) whose imports are given by name
// (the schemas its references name, in either form); the well-known types
// (google/protobuf/*.proto) resolve without one.
func CompileProtobuf(ctx context.Context, text string, imports map[string]string) (protoreflect.FileDescriptor, error) {
	in := &protoCompileInput{root: "schema.proto", files: map[string]protoFileSource{}}
	root := parseProtoSource(text)
	if root.proto != nil && root.proto.GetName() != "" {
		in.root = root.proto.GetName()
	}
	for name, t := range imports {
		in.files[name] = parseProtoSource(t)
	}
	in.files[in.root] = root
	return compileProto(ctx, in, true)
}
