package cmdline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// FlagError rewrites pflag's message for a value that does not parse
// ("invalid argument "abc" for "-e, --events" flag: strconv.ParseInt: ...")
// as what was wrong and what is wanted.
func FlagError(err error) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return err
	}
	f := iv.GetFlag()
	name := "--" + f.Name
	if f.Shorthand != "" {
		name = "-" + f.Shorthand + ", " + name
	}
	want := map[string]string{
		"int":      "an integer",
		"float64":  "a number",
		"bool":     "true or false",
		"duration": "a duration such as 30s or 2m",
	}[f.Value.Type()]
	if want == "" {
		return err
	}
	return fmt.Errorf("%s %q: want %s", name, iv.GetValue(), want)
}

// SingleDashLong catches Go-flag-style long flags with one dash (-brokers),
// which pflag would read as short flags with a value (-b rokers).
func SingleDashLong(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if f := fs.Lookup(name); f != nil {
			return fmt.Errorf("%s: long flags take two dashes: --%s", a, a[1:])
		}
	}
	return nil
}
