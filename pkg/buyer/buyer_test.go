package buyer

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeHandle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"@alice", "alice"},
		{"@Alice", "Alice"},
		{"bob_42", "bob_42"},
		{" @tweetacoffee ", "tweetacoffee"},
		{"＠alice", "alice"},
		{"12345", "12345"},
		{"@" + strings.Repeat("a", 20), strings.Repeat("a", 20)},
	}
	for _, tt := range tests {
		got, err := NormalizeHandle(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeHandle(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", "is empty"},
		{"@", "is empty"},
		{"@example-name", "is not a Twitter username: use 1 to 20 letters"},
		{"@" + strings.Repeat("a", 21), "is not a Twitter username"},
		{"@@alice", "is not a Twitter username"},
		{"al ice", "is not a Twitter username"},
		{"@alicé", "is not a Twitter username"},
		{"@alice/list", "is not a Twitter username"},
	}
	for _, tt := range bad {
		_, err := NormalizeHandle(tt.in)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NormalizeHandle(%q) = %v, want an ErrInvalid containing %q", tt.in, err, tt.want)
		}
	}
}

func TestKeyAndSameHandle(t *testing.T) {
	if Key(" @Alice") != "alice" || Key("BOB") != "bob" || Key("＠Carol") != "carol" {
		t.Error("Key wrong")
	}
	if !SameHandle("@Alice", "alice") || SameHandle("alice", "alice2") {
		t.Error("SameHandle wrong")
	}
}

func TestResolve(t *testing.T) {
	r, err := Resolve(Buyer{Handle: "@Alice", Card: "declined", Name: " Alice A. "}, "us")
	if err != nil {
		t.Fatal(err)
	}
	if r.Handle != "Alice" || r.Card.Token != "pm_card_visa_chargeDeclined" || r.Country != "US" || r.Name != "Alice A." {
		t.Errorf("Resolve = %+v", r)
	}
	r, err = Resolve(Buyer{Handle: "bob", Card: "visa", Country: "ca"}, "US")
	if err != nil || r.Country != "CA" {
		t.Errorf("Resolve with own country = %+v, %v", r, err)
	}
	r, err = Resolve(Buyer{Handle: "bob", Card: "visa"}, "")
	if err != nil || r.Country != "" {
		t.Errorf("Resolve without any country = %+v, %v", r, err)
	}
	bad := []struct {
		b    Buyer
		def  string
		want string
	}{
		{Buyer{Card: "visa"}, "US", "invalid buyer: buyer without handle: handle \"\" is empty"},
		{Buyer{Handle: "a-b", Card: "visa"}, "US", "invalid buyer: buyer @a-b: handle \"a-b\" is not a Twitter username"},
		{Buyer{Handle: "@a", Card: "nope"}, "US", "invalid buyer: buyer @a: unknown card \"nope\""},
		{Buyer{Handle: "@a", Card: ""}, "US", "no card given"},
		{Buyer{Handle: "@a", Card: "visa", Country: "USA"}, "US", `country "USA" is not an ISO 3166-1 alpha-2 code`},
		{Buyer{Handle: "@a", Card: "visa"}, "1X", `country "1X" is not an ISO 3166-1 alpha-2 code`},
		{Buyer{Handle: "@a", Card: "visa", Country: "XX"}, "US", `country "XX" is not an ISO 3166-1 alpha-2 code`},
	}
	for _, tt := range bad {
		_, err := Resolve(tt.b, tt.def)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Resolve(%+v) = %v, want an ErrInvalid containing %q", tt.b, err, tt.want)
		}
	}
}

func TestValidateAll(t *testing.T) {
	ok := []Buyer{{Handle: "@alice", Card: "visa"}, {Handle: "@bob", Card: "4000 0000 0000 0002", Country: "CA"}}
	if err := ValidateAll(ok, "US"); err != nil {
		t.Errorf("ValidateAll(ok) = %v", err)
	}
	if err := ValidateAll(nil, ""); err != nil {
		t.Errorf("ValidateAll(nil) = %v", err)
	}
	err := ValidateAll([]Buyer{
		{Handle: "@alice", Card: "visa"},
		{Handle: "ALICE", Card: "amex"},
		{Handle: "@carol", Card: "bogus"},
		{Handle: "@dave", Card: "visa", Country: "Germany"},
	}, "US")
	if err == nil || !errors.Is(err, ErrInvalid) {
		t.Fatalf("ValidateAll = %v, want ErrInvalid", err)
	}
	for _, want := range []string{
		"buyer @ALICE: the handle is already used by buyer @alice",
		"invalid buyer: buyer @carol: unknown card",
		"invalid buyer: buyer @dave: country \"Germany\"",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateAll error %q lacks %q", err, want)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 3 {
		t.Errorf("ValidateAll reported %d problems, want 3: %q", n, err)
	}
}

func TestNormalizeUserID(t *testing.T) {
	good := []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"5", "5"},
		{" 2244994945 ", "2244994945"},
		{"9223372036854775807", "9223372036854775807"},
	}
	for _, tt := range good {
		got, err := NormalizeUserID(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeUserID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{
		"@alice", "alice", "-5", "+5", "5.0", "1e5", "0x1f", "1_000", "12 34", "５",
		"0", "05", "02244994945", "9223372036854775808", strings.Repeat("9", MaxUserIDLen), strings.Repeat("1", MaxUserIDLen+1),
	} {
		_, err := NormalizeUserID(in)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "is not a Twitter user ID") {
			t.Errorf("NormalizeUserID(%q) = %v, want an ErrInvalid saying it is not a Twitter user ID", in, err)
		}
	}
}

func TestResolveUserID(t *testing.T) {
	r, err := Resolve(Buyer{Handle: "@alice", Card: "visa", UserID: " 5 "}, "US")
	if err != nil || r.UserID != "5" {
		t.Errorf("Resolve with user_id = %+v, %v; want UserID 5", r, err)
	}
	r, err = Resolve(Buyer{Handle: "@alice", Card: "visa"}, "US")
	if err != nil || r.UserID != "" {
		t.Errorf("Resolve without user_id = %+v, %v; want no UserID", r, err)
	}
	_, err = Resolve(Buyer{Handle: "@alice", Card: "visa", UserID: "alice"}, "US")
	if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `invalid buyer: buyer @alice: user_id "alice" is not a Twitter user ID`) {
		t.Errorf("Resolve with a bad user_id = %v", err)
	}
}

func TestValidateAllUserIDs(t *testing.T) {
	ok := []Buyer{
		{Handle: "@alice", Card: "visa", UserID: "5"},
		{Handle: "@bob", Card: "visa", UserID: "6"},
		{Handle: "@carol", Card: "visa"},
		{Handle: "@dave", Card: "visa"},
	}
	if err := ValidateAll(ok, "US"); err != nil {
		t.Errorf("ValidateAll(distinct user IDs) = %v", err)
	}
	err := ValidateAll([]Buyer{
		{Handle: "@alice", Card: "visa", UserID: "5"},
		{Handle: "@bob", Card: "visa", UserID: " 5"},
		{Handle: "@carol", Card: "visa", UserID: "x5"},
	}, "US")
	if err == nil || !errors.Is(err, ErrInvalid) {
		t.Fatalf("ValidateAll = %v, want ErrInvalid", err)
	}
	for _, want := range []string{
		"buyer @bob: user_id 5 is already the user ID of buyer @alice",
		`invalid buyer: buyer @carol: user_id "x5" is not a Twitter user ID`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateAll error %q lacks %q", err, want)
		}
	}
}
