package extract

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kafkaplot/kafkaplot/schema"
)

// TimeLayout is how Format writes points in time (in the local time zone,
// as the tutorial's consumer prints its timestamps).
const TimeLayout = "2006-01-02 15:04:05.000"

// Leaf is one value of a record, by dotted path.
type Leaf struct {
	// Path is the field's dotted path; for a null record it is the
	// record's path.
	Path string
	// Value is the decoded value (see schema.Record).
	Value any
	// Field describes the field; zero when the writer schema does not list
	// it (plain JSON, or a field beyond a recursive record).
	Field schema.Field
}

// Leaves returns the values of rec by dotted path: nested records are
// flattened ("location.lat"), union wrappers removed, a null record given
// once by its own path. Fields of the writer schema come first, in writer
// order; the rest (plain JSON, JSON members the schema does not list,
// recursive records) follow sorted by path.
func Leaves(rec *schema.Record) []Leaf {
	var out []Leaf
	covered := map[string]bool{} // top-level fields already listed
	nulls := map[string]bool{}   // null record paths already listed
	if rec.Writer != nil {
		for _, f := range rec.Writer.Fields {
			v, ok := rec.Lookup(f.Path)
			if ok {
				out = append(out, Leaf{Path: f.Path, Value: v, Field: f})
				covered[top(f.Path)] = true
				continue
			}
			// A record on the way may be null: list it once.
			for p := parent(f.Path); p != ""; p = parent(p) {
				if v, ok := rec.Lookup(p); ok {
					if v == nil && !nulls[p] {
						nulls[p] = true
						out = append(out, Leaf{Path: p})
					}
					covered[top(p)] = true
					break
				}
			}
		}
	}
	var rest []Leaf
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if prefix == "" && covered[k] {
				continue
			}
			if inner, ok := v.(map[string]any); ok && len(inner) > 0 && rec.Writer != nil && rec.Writer.Format == schema.FormatJSON {
				walk(prefix+k+".", inner)
				continue
			}
			rest = append(rest, Leaf{Path: prefix + k, Value: v})
		}
	}
	walk("", rec.Fields)
	sort.Slice(rest, func(i, j int) bool { return rest[i].Path < rest[j].Path })
	return append(out, rest...)
}

// top returns the first element of a dotted path.
func top(path string) string {
	if i := strings.IndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return path
}

// parent returns a dotted path without its last element, or "".
func parent(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// Format writes a decoded value for people: null, strings as they are,
// numbers in their shortest exact form (a float as a float, a decimal with
// its scale), points in time as TimeLayout in local time (also epoch numbers
// of a time field), bytes and fixed in hex, arrays as [a, b] and maps and
// records as {k: v} sorted by key. f describes the field, or is zero.
func Format(v any, f schema.Field) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case json.Number:
		if f.Kind == schema.KindTime {
			if t, ok := toTime(x, f.Unit); ok {
				return t.Local().Format(TimeLayout)
			}
		}
		return string(x)
	case int, int32, int64:
		if f.Kind == schema.KindTime {
			if t, ok := toTime(x, f.Unit); ok {
				return t.Local().Format(TimeLayout)
			}
		}
		return fmt.Sprint(x)
	case *big.Rat:
		if x == nil {
			return "null"
		}
		if f.Scale > 0 || x.IsInt() {
			return x.FloatString(f.Scale)
		}
		return x.RatString()
	case time.Time:
		return x.Local().Format(TimeLayout)
	case time.Duration:
		return x.String()
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Format(e, schema.Field{})
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + Format(x[k], schema.Field{})
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	// Fixed values are byte arrays of any size.
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		b := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(b), rv)
		return "0x" + hex.EncodeToString(b)
	}
	return fmt.Sprint(v)
}
