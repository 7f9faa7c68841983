package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxJSONDepth bounds the nesting of a JSON Schema the Decoder reads.
const maxJSONDepth = 64

// maxRefHops bounds how many $ref a JSON Schema property may go through.
const maxRefHops = 8

// isPlainJSON reports whether payload is JSON text without a Confluent
// header: an object, possibly after whitespace. The magic byte 0 is never
// whitespace, so the two cannot be confused.
func isPlainJSON(payload []byte) bool {
	for _, c := range payload {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		default:
			return false
		}
	}
	return false
}

// decodeJSONObject decodes a JSON object whose numbers stay json.Number.
func decodeJSONObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadJSON, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s, not an object", ErrBadJSON, jsonKind(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the object", ErrBadJSON)
	}
	return m, nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	default:
		return "an object"
	}
}

// jnode is a JSON value that keeps the order of an object's members, which
// is the order of a JSON Schema's properties.
type jnode struct {
	keys  []string // object member names, in order
	vals  []*jnode // object member values
	items []*jnode // array items
	str   string   // string value
	kind  byte     // 'o' object, 'a' array, 's' string, 'x' anything else
}

// get returns the member name of an object node, or nil.
func (n *jnode) get(name string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i, k := range n.keys {
		if k == name {
			return n.vals[i]
		}
	}
	return nil
}

// text returns a string node's value, or "".
func (n *jnode) text() string {
	if n == nil || n.kind != 's' {
		return ""
	}
	return n.str
}

// parseOrdered parses JSON text into a jnode.
func parseOrdered(text string) (*jnode, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	n, err := readNode(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the schema")
	}
	return n, nil
}

func readNode(dec *json.Decoder, depth int) (*jnode, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jnode{kind: 'o'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
			}
			_, err := dec.Token() // '}'
			return n, err
		case '[':
			n := &jnode{kind: 'a'}
			for dec.More() {
				v, err := readNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			_, err := dec.Token() // ']'
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &jnode{kind: 's', str: t}, nil
	default:
		return &jnode{kind: 'x'}, nil
	}
}

// jsonDescriber lists the leaves of a JSON Schema.
type jsonDescriber struct {
	w    *Writer
	root *jnode
}

// describeJSONSchema describes a JSON Schema whose top level is an object.
func describeJSONSchema(text string) (*Writer, error) {
	root, err := parseOrdered(text)
	if err != nil {
		return nil, fmt.Errorf("parse json schema: %w", err)
	}
	if root.kind != 'o' {
		return nil, errors.New("parse json schema: not a JSON object")
	}
	d := jsonDescriber{w: &Writer{Format: FormatJSON, Name: root.get("title").text()}, root: root}
	top := d.resolve(root)
	if types, _ := jsonTypes(top); len(types) > 0 && !(len(types) == 1 && types[0] == "object") {
		return nil, fmt.Errorf("parse json schema: top-level type is %s, not object", strings.Join(types, "|"))
	}
	d.object(top, "", false, 0)
	return d.w.finish(), nil
}

// resolve follows local $ref pointers ("#", "#/definitions/x", "#/$defs/x").
func (d *jsonDescriber) resolve(n *jnode) *jnode {
	for range maxRefHops {
		ref := n.get("$ref").text()
		if ref == "" {
			return n
		}
		target := d.root
		if ref != "#" {
			parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
			for _, p := range parts {
				p = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
				target = target.get(p)
			}
		}
		if target == nil {
			return n
		}
		n = target
	}
	return n
}

// jsonTypes returns the non-null types of a schema node and whether null is
// one of them.
func jsonTypes(n *jnode) (types []string, null bool) {
	t := n.get("type")
	switch {
	case t == nil:
	case t.kind == 's':
		types = []string{t.str}
	case t.kind == 'a':
		for _, it := range t.items {
			types = append(types, it.text())
		}
	}
	out := types[:0]
	for _, s := range types {
		if s == "null" {
			null = true
			continue
		}
		out = append(out, s)
	}
	return out, null
}

func (d *jsonDescriber) object(n *jnode, prefix string, nullable bool, depth int) {
	props := n.get("properties")
	if props == nil || props.kind != 'o' || depth > maxDescribeDepth {
		return
	}
	for i, name := range props.keys {
		d.property(prefix+name, name, props.vals[i], nullable, depth)
	}
}

func (d *jsonDescriber) property(path, name string, n *jnode, nullable bool, depth int) {
	n = d.resolve(n)
	types, null := jsonTypes(n)
	nullable = nullable || null
	if len(types) == 0 {
		// anyOf / oneOf with null: ["null", X] → a nullable X.
		for _, key := range []string{"anyOf", "oneOf"} {
			alts := n.get(key)
			if alts == nil || alts.kind != 'a' {
				continue
			}
			var rest []*jnode
			for _, a := range alts.items {
				a = d.resolve(a)
				if ts, isNull := jsonTypes(a); isNull && len(ts) == 0 {
					nullable = true
					continue
				}
				rest = append(rest, a)
			}
			if len(rest) == 1 && depth < maxDescribeDepth {
				d.property(path, name, rest[0], nullable, depth+1)
				return
			}
		}
		if n.get("properties") != nil {
			d.object(n, path+".", nullable, depth+1)
			return
		}
	}
	f := Field{Path: path, Type: strings.Join(types, "|"), Nullable: nullable}
	if f.Type == "" {
		f.Type = "any"
	}
	if len(types) == 1 {
		format := n.get("format").text()
		if format == "" {
			format = n.get("logicalType").text()
		}
		if format != "" {
			f.Type += "/" + format
		}
		switch types[0] {
		case "object":
			if n.get("properties") != nil {
				d.object(n, path+".", nullable, depth+1)
				return
			}
		case "number", "integer":
			f.Kind = KindNumber
			connect := n.get("title").text() == "org.apache.kafka.connect.data.Timestamp" ||
				n.get("connect.name").text() == "org.apache.kafka.connect.data.Timestamp"
			switch {
			case format == "utc-millisec" || format == "timestamp-millis" || connect:
				f.Kind, f.Unit = KindTime, time.Millisecond
			case format == "timestamp-micros":
				f.Kind, f.Unit = KindTime, time.Microsecond
			case types[0] == "integer" && TimeLikeName(name): // the time rule (epoch.go)
				f.Kind = KindTime
			}
		case "string":
			f.Kind = KindString
			if format == "date-time" {
				f.Kind = KindTime
			}
		}
	} else if len(types) > 1 {
		numbers := true
		for _, t := range types {
			numbers = numbers && (t == "number" || t == "integer")
		}
		if numbers {
			f.Kind = KindNumber
		}
	}
	d.w.Fields = append(d.w.Fields, f)
}
