package main

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestPartitionList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{"", nil, ""},
		{" ", nil, ""},
		{"0", []int{0}, ""},
		{"2, 0,1", []int{2, 0, 1}, ""},
		{"0,x", nil, `--partitions "0,x": "x" is not a partition number`},
		{"-1", nil, `--partitions "-1": "-1" is not a partition number`},
		{"1,1", nil, `--partitions "1,1": partition 1 twice`},
	} {
		got, err := partitionList(tc.in)
		if !reflect.DeepEqual(got, tc.want) || (err == nil) != (tc.err == "") || (err != nil && err.Error() != tc.err) {
			t.Errorf("partitionList(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestPlotUsageErrors checks plot's flags before anything is read.
func TestPlotUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "x.png"}, "--from: say where the range starts"},
		{[]string{"--from", "yesterday", "-o", "x.png"}, `--from: parse time "yesterday"`},
		{[]string{"--from", "-1h", "--to", "soon", "-o", "x.png"}, `--to: parse time "soon"`},
		{[]string{"--from", "-1h", "--to", "-2h", "-o", "x.png"}, "--from -1h --to -2h: the end must be after the start"},
		{[]string{"--from", "-1h"}, "-o, --output: name the picture file"},
		{[]string{"--from", "-1h", "-o", "x.jpg"}, "-o, --output: picture x.jpg: format .jpg unknown"},
		{[]string{"--from", "-1h", "-o", "x.png", "--width", "100"}, "--width 100: want 320 to 16000 pixels"},
		{[]string{"--from", "-1h", "-o", "x.png", "--height", "99999"}, "--height 99999: want 320 to 16000 pixels"},
		{[]string{"--from", "-1h", "-o", "x.png", "--partitions", "a"}, `--partitions "a": "a" is not a partition number`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"plot"}, tc.args...), &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tc.want)
			}
		})
	}
}
