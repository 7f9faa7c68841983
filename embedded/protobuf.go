package embedded

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/kafkaplot/kafkaplot/schema"
)

// compileProtobuf compiles a Protobuf schema with the schemas its
// references name (and theirs), read from srfake.
func (r *Registry) compileProtobuf(s sr.Schema) (protoreflect.FileDescriptor, error) {
	imports := map[string]string{}
	if err := r.gatherImports(s.References, imports, 0); err != nil {
		return nil, err
	}
	fd, err := schema.CompileProtobuf(context.Background(), s.Schema, imports)
	if err != nil {
		return nil, err
	}
	return fd, nil
}

func (r *Registry) gatherImports(refs []sr.SchemaReference, imports map[string]string, depth int) error {
	if depth > maxRefDepth {
		return fmt.Errorf("schema references nested deeper than %d", maxRefDepth)
	}
	for _, ref := range refs {
		if _, done := imports[ref.Name]; done {
			continue
		}
		s, status, _ := r.version(ref.Subject, strconv.Itoa(ref.Version))
		if status != http.StatusOK {
			return fmt.Errorf("reference %q: subject %s version %d not found", ref.Name, ref.Subject, ref.Version)
		}
		imports[ref.Name] = s.schema.Schema
		if err := r.gatherImports(s.schema.References, imports, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// checkProtobuf returns why candidate is incompatible with the Protobuf
// versions among against under level.
func (r *Registry) checkProtobuf(level string, candidate protoreflect.FileDescriptor, against []stored) []string {
	backward := strings.HasPrefix(level, "BACKWARD") || strings.HasPrefix(level, "FULL")
	forward := strings.HasPrefix(level, "FORWARD") || strings.HasPrefix(level, "FULL")
	var msgs []string
	for _, old := range against {
		if old.schema.Type != sr.TypeProtobuf {
			continue
		}
		prev, err := r.compileProtobuf(old.schema)
		if err != nil {
			msgs = append(msgs, fmt.Sprintf("version %d: %v", old.version, err))
			continue
		}
		if backward {
			if why := protobufIncompatibilities(prev, candidate); len(why) > 0 {
				msgs = append(msgs, fmt.Sprintf("%s: the new schema cannot read data written with version %d: %s", level, old.version, strings.Join(why, "; ")))
			}
		}
		if forward {
			if why := protobufIncompatibilities(candidate, prev); len(why) > 0 {
				msgs = append(msgs, fmt.Sprintf("%s: version %d cannot read data written with the new schema: %s", level, old.version, strings.Join(why, "; ")))
			}
		}
	}
	return msgs
}

// protobufIncompatibilities returns why data written with writer cannot be
// read with reader, by Confluent's Protobuf rules (named as Confluent names
// them): a package changed, a message removed, a field number reused with
// a type of another wire kind or another message or enum (kindChange), a
// field moved out of a oneof or into an existing one, several fields moved
// into a new oneof, a required field added or removed.
func protobufIncompatibilities(writer, reader protoreflect.FileDescriptor) []string {
	var out []string
	if writer.Package() != reader.Package() {
		out = append(out, fmt.Sprintf("PACKAGE_CHANGED: package %q is now %q", writer.Package(), reader.Package()))
	}
	var walk func(msgs protoreflect.MessageDescriptors)
	walk = func(msgs protoreflect.MessageDescriptors) {
		for i := range msgs.Len() {
			old := msgs.Get(i)
			if old.IsMapEntry() {
				continue
			}
			rel := relativeName(writer, old.FullName())
			cur := findMessage(reader, rel)
			if cur == nil {
				out = append(out, fmt.Sprintf("MESSAGE_REMOVED: message %s", rel))
				continue
			}
			out = append(out, messageIncompatibilities(rel, old, cur)...)
			walk(old.Messages())
		}
	}
	walk(writer.Messages())
	return out
}

// relativeName is a message's full name without its file's package.
func relativeName(fd protoreflect.FileDescriptor, full protoreflect.FullName) string {
	if pkg := string(fd.Package()); pkg != "" {
		return string(full)[len(pkg)+1:]
	}
	return string(full)
}

// findMessage finds a message of fd by its name relative to the package
// (Outer.Inner).
func findMessage(fd protoreflect.FileDescriptor, rel string) protoreflect.MessageDescriptor {
	msgs := fd.Messages()
	var md protoreflect.MessageDescriptor
	start := 0
	for i := 0; i <= len(rel); i++ {
		if i < len(rel) && rel[i] != '.' {
			continue
		}
		md = msgs.ByName(protoreflect.Name(rel[start:i]))
		if md == nil {
			return nil
		}
		msgs, start = md.Messages(), i+1
	}
	return md
}

// realOneof is the oneof a field is in, nil for none or proto3 optional's
// synthetic one.
func realOneof(f protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

// messageIncompatibilities compares the fields of one message by number.
func messageIncompatibilities(name string, old, cur protoreflect.MessageDescriptor) []string {
	var out []string
	movedInto := map[protoreflect.Name][]string{} // new oneofs that fields moved into
	fields := old.Fields()
	for i := range fields.Len() {
		of := fields.Get(i)
		nf := cur.Fields().ByNumber(of.Number())
		field := fmt.Sprintf("message %s field %d (%s)", name, of.Number(), of.Name())
		oo := realOneof(of)
		if nf == nil {
			if oo != nil {
				out = append(out, fmt.Sprintf("ONEOF_FIELD_REMOVED: %s removed from oneof %s", field, oo.Name()))
			}
			if of.Cardinality() == protoreflect.Required {
				out = append(out, fmt.Sprintf("REQUIRED_FIELD_REMOVED: %s", field))
			}
			continue
		}
		if change := kindChange(of, nf); change != "" {
			out = append(out, fmt.Sprintf("%s: %s: %s is now %s", change, field, fieldKind(of), fieldKind(nf)))
		}
		no := realOneof(nf)
		switch {
		case oo != nil && (no == nil || no.Name() != oo.Name()):
			out = append(out, fmt.Sprintf("ONEOF_FIELD_REMOVED: %s moved out of oneof %s", field, oo.Name()))
		case oo == nil && no != nil:
			if old.Oneofs().ByName(no.Name()) != nil {
				out = append(out, fmt.Sprintf("FIELD_MOVED_TO_EXISTING_ONEOF: %s moved into oneof %s", field, no.Name()))
			} else {
				movedInto[no.Name()] = append(movedInto[no.Name()], string(of.Name()))
			}
		}
	}
	oneofs := cur.Oneofs()
	for i := range oneofs.Len() {
		if moved := movedInto[oneofs.Get(i).Name()]; len(moved) > 1 {
			out = append(out, fmt.Sprintf("MULTIPLE_FIELDS_MOVED_TO_ONEOF: message %s fields %v moved into oneof %s", name, moved, oneofs.Get(i).Name()))
		}
	}
	added := cur.Fields()
	for i := range added.Len() {
		if nf := added.Get(i); nf.Cardinality() == protoreflect.Required && fields.ByNumber(nf.Number()) == nil {
			out = append(out, fmt.Sprintf("REQUIRED_FIELD_ADDED: message %s field %d (%s)", name, nf.Number(), nf.Name()))
		}
	}
	return out
}

// kindChange names how a field's type changed, as Confluent does, or ""
// when data written with one reads with the other: FIELD_KIND_CHANGED
// between a scalar, an enum and a message; FIELD_NAMED_TYPE_CHANGED to
// another message or enum; FIELD_SCALAR_KIND_CHANGED to a scalar of another
// wire encoding. A change between repeated and singular is not one.
func kindChange(old, cur protoreflect.FieldDescriptor) string {
	ok, ck := namedKind(old.Kind()), namedKind(cur.Kind())
	switch {
	case ok != ck:
		return "FIELD_KIND_CHANGED"
	case ok == protoreflect.MessageKind && old.Message().FullName() != cur.Message().FullName(),
		ok == protoreflect.EnumKind && old.Enum().FullName() != cur.Enum().FullName():
		return "FIELD_NAMED_TYPE_CHANGED"
	case ok == 0 && old.Kind() != cur.Kind() && !sameWireKind(old, cur):
		return "FIELD_SCALAR_KIND_CHANGED"
	}
	return ""
}

// namedKind is MessageKind for messages and groups, EnumKind for enums, 0
// for scalars.
func namedKind(k protoreflect.Kind) protoreflect.Kind {
	switch k {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return protoreflect.MessageKind
	case protoreflect.EnumKind:
		return protoreflect.EnumKind
	}
	return 0
}

// fieldKind names a field's type: its scalar kind, or the full name of its
// message or enum.
func fieldKind(f protoreflect.FieldDescriptor) string {
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(f.Message().FullName())
	case protoreflect.EnumKind:
		return "enum " + string(f.Enum().FullName())
	}
	return f.Kind().String()
}

// wireGroups are the scalar kinds Confluent lets a field change between:
// those that share a wire encoding.
var wireGroups = map[protoreflect.Kind]int{
	protoreflect.Int32Kind: 1, protoreflect.Uint32Kind: 1, protoreflect.Int64Kind: 1, protoreflect.Uint64Kind: 1, protoreflect.BoolKind: 1,
	protoreflect.Sint32Kind: 2, protoreflect.Sint64Kind: 2,
	protoreflect.StringKind: 3, protoreflect.BytesKind: 3,
	protoreflect.Fixed32Kind: 4, protoreflect.Sfixed32Kind: 4,
	protoreflect.Fixed64Kind: 5, protoreflect.Sfixed64Kind: 5,
}

// sameWireKind reports whether two scalar fields of different kinds are in
// one of wireGroups.
func sameWireKind(a, b protoreflect.FieldDescriptor) bool {
	ga, oka := wireGroups[a.Kind()]
	gb, okb := wireGroups[b.Kind()]
	return oka && okb && ga == gb
}
