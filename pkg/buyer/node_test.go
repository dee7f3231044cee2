package buyer

import (
	"testing"

	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

func TestMatchNode(t *testing.T) {
	src := "buyers:\n  - handle: \"@alice\"\n    card: visa      # keep me\n  - handle: Bob\n    card: amex\n"
	d, err := yamldoc.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	l := d.List("buyers")
	for _, tt := range []struct {
		h          string
		alice, bob bool
	}{{"@ALICE", true, false}, {"alice", true, false}, {"@bob", false, true}, {"@carol", false, false}, {"", false, false}, {"@", false, false}} {
		m := MatchNode(tt.h)
		if m(l[0]) != tt.alice || m(l[1]) != tt.bob {
			t.Errorf("MatchNode(%q) = %v, %v; want %v, %v", tt.h, m(l[0]), m(l[1]), tt.alice, tt.bob)
		}
	}
	ok, err := d.Remove("buyers", MatchNode("BOB"))
	if err != nil || !ok {
		t.Fatalf("Remove = %v, %v", ok, err)
	}
	if b, _ := d.Bytes(); string(b) != "buyers:\n  - handle: \"@alice\"\n    card: visa      # keep me\n" {
		t.Errorf("after Remove: %q", b)
	}
}
