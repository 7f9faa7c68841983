package dashboard

import (
	"reflect"
	"testing"

	"github.com/kafkaplot/kafkaplot/stream"
	"github.com/kafkaplot/kafkaplot/ui"
)

// TestGroupMsg checks that a group event reaches the UI whole: the assignor
// the group uses and every member by client id and host.
func TestGroupMsg(t *testing.T) {
	ev := stream.GroupEvent{
		Generation: 5, MemberID: "kafkaplot-1-abc", Protocol: "cooperative-sticky", Assigned: []int{0},
		Members: []stream.Member{
			{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1", Partitions: []int{0}},
			{ClientID: "rdkafka", MemberID: "rdkafka-7f3e", Host: "/172.18.0.5", Partitions: []int{1}},
		},
	}
	want := ui.GroupMsg{
		Generation: 5, MemberID: "kafkaplot-1-abc", Assignor: "cooperative-sticky", Owned: []int{0},
		Members: []ui.Member{
			{ClientID: "kafkaplot-1", MemberID: "kafkaplot-1-abc", Host: "/10.0.0.1", Partitions: []int{0}},
			{ClientID: "rdkafka", MemberID: "rdkafka-7f3e", Host: "/172.18.0.5", Partitions: []int{1}},
		},
	}
	if got := groupMsg(ev); !reflect.DeepEqual(got, want) {
		t.Errorf("groupMsg = %+v, want %+v", got, want)
	}
}
