package embedded

import "testing"

func TestRehearsalHopsURL(t *testing.T) {
	cases := []struct{ addr, want string }{
		{"127.0.0.1:18443", "127.0.0.1:18443"},
		{"127.0.0.1:443", "127.0.0.1"},
		{"[::1]:443", "[::1]"},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			if got := HopsURL(c.addr); got != c.want {
				t.Errorf("HopsURL(%q) = %q, want %q", c.addr, got, c.want)
			}
		})
	}
}
