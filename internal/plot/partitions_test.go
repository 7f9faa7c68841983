package plot

import (
	"slices"
	"testing"
)

func TestParsePartitions(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    []int
		wantErr string
	}{
		{in: "", want: nil},
		{in: " ", want: nil},
		{in: "0", want: []int{0}},
		{in: "2, 0,,5", want: []int{2, 0, 5}},
		{in: "1,x", wantErr: `"x" is not a partition number`},
		{in: "-1", wantErr: `"-1" is not a partition number`},
		{in: "1,2,1", wantErr: "partition 1 twice"},
	} {
		got, err := ParsePartitions(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParsePartitions(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParsePartitions(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
