package schema

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestJSONNumbers checks that jsonFloat and jsonInt, where they answer,
// give the very value strconv does, on edge cases and on random literals.
func TestJSONNumbers(t *testing.T) {
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
