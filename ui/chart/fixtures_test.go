package chart

import (
	"slices"
	"time"
)

// testStart returns the fixed start of test data: just before midnight.
func testStart() time.Time { return time.Date(2024, 5, 17, 23, 58, 0, 0, time.UTC) }

// testInk is the ink tests draw lines in; the inks of plainInks write no
// escape sequences.
const testInk InkID = 1

// plainInks returns inks that write no escape sequences.
func plainInks() []Ink { return make([]Ink, 16) }

// twoMembers is a generation of partitions 0 and 1 in which this instance
// (kafkaplot-1) owns owned and kafkaplot-2 the rest.
func twoMembers(gen int, owned ...int) Group {
	var other []int
	for _, p := range []int{0, 1} {
		if !slices.Contains(owned, p) {
			other = append(other, p)
		}
	}
	return Group{
		Generation: gen,
		MemberID:   "kafkaplot-1-abc",
		Owned:      owned,
		Members: []Member{
			{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1", Partitions: owned},
			{ClientID: "kafkaplot-2", MemberID: "kafkaplot-2-def", Host: "/10.0.0.2", Partitions: other},
		},
	}
}
