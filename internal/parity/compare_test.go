package parity

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func body(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCompareNormalises(t *testing.T) {
	tests := []struct {
		name       string
		want, got  string
		wantPath   string // "" for no difference
		wantValues [2]any
	}{
		{"other IDs in the same places", `{"id":"cus_AAAAAAAA1","x":"pi_Q1w2e3r4t5"}`, `{"id":"cus_BBBBBBBB2","x":"pi_Z9x8c7v6b5"}`, "", [2]any{}},
		{"an ID inside a message", `{"m":"No such customer: 'cus_AAAAAAAA1'"}`, `{"m":"No such customer: 'cus_BBBBBBBB2'"}`, "", [2]any{}},
		{"a word that looks like an ID is compared", `{"code":"card_declined"}`, `{"code":"card_declines"}`, "body.code", [2]any{"card_declined", "card_declines"}},
		{"livemode stays checked", `{"livemode":false}`, `{"livemode":true}`, "body.livemode", [2]any{false, true}},
		{"created differs", `{"created":1700000000}`, `{"created":1800000000}`, "", [2]any{}},
		{"a time against null", `{"canceled_at":null}`, `{"canceled_at":1700000000}`, "body.canceled_at", [2]any{nil, "<timestamp>"}},
		{"secrets and fingerprints", `{"client_secret":"pi_A1_secret_x","fingerprint":"Abc123"}`, `{"client_secret":"pi_B2_secret_y","fingerprint":"Xyz789"}`, "", [2]any{}},
		{"a fingerprint against null", `{"fingerprint":"Abc123"}`, `{"fingerprint":null}`, "body.fingerprint", [2]any{"<fingerprint>", nil}},
		{"null against absent", `{"a":null}`, `{}`, "body.a", [2]any{nil, Absent}},
		{"a string against a number", `{"amount":"2000"}`, `{"amount":2000}`, "body.amount", [2]any{"2000", json.Number("2000")}},
		{"numbers", `{"amount":2000}`, `{"amount":2001}`, "body.amount", [2]any{json.Number("2000"), json.Number("2001")}},
		{"an extra array item", `{"data":[1]}`, `{"data":[1,2]}`, "body.data[1]", [2]any{Absent, json.Number("2")}},
		{"nested", `{"error":{"payment_intent":{"status":"requires_payment_method"}}}`, `{"error":{"payment_intent":{"status":"canceled"}}}`,
			"body.error.payment_intent.status", [2]any{"requires_payment_method", "canceled"}},
		// The first customer of one side named where the other names its
		// second: the IDs differ, and so do the placeholders.
		{"the same ID as earlier", `{"id":"cus_AAAAAAAA1","other":"cus_AAAAAAAA2","customer":"cus_AAAAAAAA1"}`,
			`{"id":"cus_BBBBBBBB1","other":"cus_BBBBBBBB2","customer":"cus_BBBBBBBB2"}`, "body.customer", [2]any{"<cus#1>", "<cus#2>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := []Answer{{Step: "s", Status: 200, Body: body(t, tt.want)}}
			g := []Answer{{Step: "s", Status: 200, Body: body(t, tt.got)}}
			diffs := Compare(w, g)
			if tt.wantPath == "" {
				if len(diffs) != 0 {
					t.Errorf("want no difference, got %v", diffs)
				}
				return
			}
			if len(diffs) != 1 || diffs[0].Step != "s" || diffs[0].Path != tt.wantPath ||
				!reflect.DeepEqual([2]any{diffs[0].Want, diffs[0].Got}, tt.wantValues) {
				t.Errorf("got %v, want one difference at %s: %v", diffs, tt.wantPath, tt.wantValues)
			}
		})
	}
}

func TestCompareHeadersStatusAndSteps(t *testing.T) {
	w := []Answer{
		{Step: "a", Status: 200, Header: map[string]string{"Request-Id": "req_Aaaaaaaaaaaa1"}, Body: body(t, `{}`)},
		{Step: "b", Status: 200, Header: map[string]string{"Request-Id": "req_Aaaaaaaaaaaa2", "Original-Request": "req_Aaaaaaaaaaaa1", "Idempotent-Replayed": "true"}, Body: body(t, `{}`)},
		{Step: "c", Status: 402, Body: body(t, `{}`)},
		{Step: "d", Err: "reference ${x:id}: no earlier step \"x\""},
	}
	g := []Answer{
		{Step: "a", Status: 200, Header: map[string]string{"Request-Id": "req_Bbbbbbbbbbbb1"}, Body: body(t, `{}`)},
		{Step: "b", Status: 200, Header: map[string]string{"Request-Id": "req_Bbbbbbbbbbbb2", "Original-Request": "req_Bbbbbbbbbbbb2"}, Body: body(t, `{}`)},
		{Step: "c", Status: 400, Body: body(t, `{}`)},
		{Step: "d", Status: 200, Body: body(t, `{}`)},
		{Step: "e", Status: 200, Body: body(t, `{}`)},
	}
	var got []string
	for _, d := range Compare(w, g) {
		got = append(got, d.String())
	}
	want := []string{
		`step "b": header.Idempotent-Replayed: want "true", got (absent)`,
		`step "b": header.Original-Request: want "<request of step a>", got "<request of step b>"`,
		`step "c": status: want 402, got 400`,
		`step "d": error: want "reference ${x:id}: no earlier step \"x\"", got (absent)`,
		`step "d": status: want 0, got 200`,
		`step "d": body: want null, got {}`,
		`step "e": step: want (absent), got "e"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckTestKey(t *testing.T) {
	for _, k := range []string{"sk_test_abc", "rk_test_abc"} {
		if err := CheckTestKey(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	for _, k := range []string{"", "sk_test_", "sk_live_abc", "rk_live_abc", "pk_test_abc", "abc"} {
		if err := CheckTestKey(k); err == nil {
			t.Errorf("%q accepted", k)
		}
	}
}
