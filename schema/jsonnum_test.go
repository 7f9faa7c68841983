package schema

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// jsonNumberLits are JSON number literals: edge cases, then random ones.
func jsonNumberLits() []string {
	lits := []string{
		"0", "-0", "1", "-1", "0.5", "-0.0", "35.45084971874737", "1700000000123", "123456789012345678",
		"1234567890123456789", "9007199254740992", "9007199254740993", "0.1", "0.30000000000000004",
		"1e3", "1.5E-7", "0.0000000000000000000001", "0.00000000000000000000001", "-922337203685477580",
		"12345678901234567890", "4503599627370497.5",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b []byte
		if r.IntN(2) == 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, r.Uint64N(1<<uint(r.IntN(63)+1)), 10)
		if r.IntN(2) == 0 {
			b = append(b, '.')
			for n := r.IntN(24) + 1; n > 0; n-- {
				b = append(b, byte('0'+r.IntN(10)))
			}
		}
		lits = append(lits, string(b))
	}
	for range 20000 {
		// 16 to 19 digits, as a float64's shortest form has: past 2^53.
		var b []byte
		if r.IntN(2) == 0 {
			b = append(b, '-')
		}
		digits := strconv.FormatUint(r.Uint64N(9e18)+1e15, 10)
		cut := r.IntN(len(digits))
		b = append(append(append(b, digits[:cut]...), '.'), digits[cut:]...)
		if cut == 0 {
			b = append([]byte("0"), b...)
			if b[1] == '-' {
				b = append([]byte("-0"), b[2:]...)
			}
		}
		lits = append(lits, string(b))
	}
	return lits
}

// TestJSONNumbers checks that jsonFloat and jsonInt, where they answer,
// give the very value strconv does, on edge cases and on random literals.
func TestJSONNumbers(t *testing.T) {
	lits := jsonNumberLits()
	answered := 0
	for _, lit := range lits {
		if f, ok := jsonFloat([]byte(lit)); ok {
			answered++
			want, err := strconv.ParseFloat(lit, 64)
			if err != nil || math.Float64bits(f) != math.Float64bits(want) {
				t.Errorf("jsonFloat(%s) = %v, strconv %v (%v)", lit, f, want, err)
			}
		}
		if n, ok := jsonInt([]byte(lit)); ok {
			want, err := strconv.ParseInt(lit, 10, 64)
			if err != nil || n != want {
				t.Errorf("jsonInt(%s) = %d, strconv %d (%v)", lit, n, want, err)
			}
		}
	}
	if answered < len(lits)/4 {
		t.Errorf("jsonFloat answered %d of %d literals: the fast path is not taken", answered, len(lits))
	}
	for _, lit := range []string{"1e3", "12345678901234567890", "0.00000000000000000000001"} {
		if _, ok := jsonFloat([]byte(lit)); ok {
			t.Errorf("jsonFloat(%s) answered; want it left to strconv", lit)
		}
	}
}

// TestScanNum checks that scanNum ends each literal where it ends, whatever
// follows it, and that its value answers exactly where jsonFloat and
// jsonInt do, with their values; and that it refuses what is no number.
func TestScanNum(t *testing.T) {
	for _, lit := range jsonNumberLits() {
		for _, after := range []string{"", "}", ",\"k\":1}", " ", "\u00e9", "x0123456789"} {
			b := []byte(lit + after)
			var n jsonNum
			if end := scanNum(b, 0, &n); end != len(lit) {
				t.Fatalf("scanNum(%s) ended at %d, want %d", b, end, len(lit))
			}
			f, fok := n.float()
			wf, wok := jsonFloat([]byte(lit))
			if fok != wok || math.Float64bits(f) != math.Float64bits(wf) {
				t.Errorf("scanNum(%s).float() = %v %v, jsonFloat %v %v", b, f, fok, wf, wok)
			}
			i, iok := n.int()
			wi, wok := jsonInt([]byte(lit))
			if iok != wok || i != wi {
				t.Errorf("scanNum(%s).int() = %d %v, jsonInt %d %v", b, i, iok, wi, wok)
			}
		}
	}
	// A number ends where the grammar says; what follows is the caller's.
	for _, tc := range []struct {
		text string
		end  int
	}{{"00", 1}, {"-01", 2}, {"0.5.5", 3}, {"1e5e5", 3}, {"2E+07-", 5}} {
		var n jsonNum
		if end := scanNum([]byte(tc.text), 0, &n); end != tc.end {
			t.Errorf("scanNum(%s) ended at %d, want %d", tc.text, end, tc.end)
		}
	}
	for _, bad := range []string{"-", "-x", "1.", "1.x", "1e", "1e+", "1E-}", "-.5"} {
		var n jsonNum
		if end := scanNum([]byte(bad), 0, &n); end >= 0 {
			t.Errorf("scanNum(%s) = %d, want -1", bad, end)
		}
	}
}

// TestPlainRun checks plainRun against strPlain byte by byte, from every
// offset of random text mostly of plain bytes.
func TestPlainRun(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	odd := []byte{0, 0x1f, '"', '\\', 0x7f, 0x80, 0xa2, 0xdc, 0xff}
	for range 2000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x60))
			if r.IntN(12) == 0 {
				b[i] = odd[r.IntN(len(odd))]
			}
		}
		for pos := range len(b) + 1 {
			want := pos
			for want < len(b) && strPlain[b[want]] {
				want++
			}
			if got := plainRun(b, pos); got != want {
				t.Fatalf("plainRun(%q, %d) = %d, want %d", b, pos, got, want)
			}
		}
	}
}
