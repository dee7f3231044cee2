package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"
	"go.yaml.in/yaml/v3"
)

// loadSchema reads docs/scenario.schema.json, the schema editors and CI
// linters check scenario files with.
func loadSchema(t *testing.T) *gojsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "scenario.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data))
	if err != nil {
		t.Fatalf("scenario.schema.json: %v", err)
	}
	return s
}

// schemaErrors validates a YAML scenario against the schema, read as an
// editor reads it: YAML turned into JSON, timestamps kept as strings.
func schemaErrors(t *testing.T, s *gojsonschema.Schema, doc []byte) []string {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(doc, &v); err != nil {
		t.Fatalf("yaml: %v", err)
	}
	r, err := s.Validate(gojsonschema.NewGoLoader(v))
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	var out []string
	for _, e := range r.Errors() {
		out = append(out, e.String())
	}
	return out
}

func TestExamplesMatchSchema(t *testing.T) {
	s := loadSchema(t)
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "scenarios", "*.yaml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if errs := schemaErrors(t, s, data); len(errs) > 0 {
			t.Errorf("%s does not match the schema: %s", f, strings.Join(errs, "; "))
		}
		if _, err := LoadFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestSchemaAgreesWithLoad: the schema accepts the files Load accepts and
// refuses those it refuses, so a file an editor passes also runs.
func TestSchemaAgreesWithLoad(t *testing.T) {
	s := loadSchema(t)
	tweet := "  - {tweet: x, from: \"@a\"}\n"
	cases := []struct {
		name, doc string
		ok        bool
	}{
		{"minimal", "steps:\n" + tweet, true},
		{"no steps", "name: x\n", false},
		{"empty steps", "steps: []\n", false},
		{"unknown key", "stepz: []\n", false},
		{"expect null", "steps:\n  - {tweet: x, from: \"@a\", expect: }\n", true},
		{"expire expect null", "steps:\n  - {expire: \"+5m\", expect: }\n", true},
		{"charges filter null", "steps:\n  - {charges: {offer: null, buyer: null, status: null, currency: null}, expect: {count: 0}}\n", true},
		{"charges no expect", "steps:\n  - {charges: {offer: X}}\n", false},
		{"charges empty expect", "steps:\n  - {charges: {offer: X}, expect: {}}\n", false},
		{"charges bad status", "steps:\n  - {charges: {status: refunded}, expect: {count: 0}}\n", false},
		{"id number", "steps:\n  - {tweet: x, from: \"@a\", id: 1001}\n", true},
		{"id empty", "steps:\n  - {tweet: x, from: \"@a\", id: \"\"}\n", false},
		{"id true", "steps:\n  - {tweet: x, from: \"@a\", id: true}\n", false},
		{"id fraction", "steps:\n  - {tweet: x, from: \"@a\", id: 1.5}\n", false},
		{"file empty", "steps:\n  - {file: \"\"}\n", false},
		{"file with from", "steps:\n  - {file: p.json, from: \"@a\"}\n", false},
		{"no from", "steps:\n  - {tweet: x}\n", false},
		{"two kinds", "steps:\n  - {tweet: x, from: \"@a\", charges: {}}\n", false},
		{"at offset", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1h30m\"}\n", true},
		{"at fraction", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1.5h\"}\n", true},
		{"at time", "steps:\n  - {tweet: x, from: \"@a\", at: 2026-11-24T10:00:00Z}\n", true},
		{"at days", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1d\"}\n", true},
		{"at days and hours", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1d12h30m\"}\n", true},
		{"at most days", "steps:\n  - {tweet: x, from: \"@a\", at: \"+99999d\"}\n", true},
		{"at too many days", "steps:\n  - {tweet: x, from: \"@a\", at: \"+100000d\"}\n", false},
		{"at fraction of a day", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1.5d\"}\n", false},
		{"at days after hours", "steps:\n  - {tweet: x, from: \"@a\", at: \"+12h1d\"}\n", false},
		{"at days then negative", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1d-1h\"}\n", false},
		{"at d alone", "steps:\n  - {tweet: x, from: \"@a\", at: \"+d\"}\n", false},
		{"at weeks", "steps:\n  - {tweet: x, from: \"@a\", at: \"+1w\"}\n", false},
		{"expire days", "steps:\n  - {expire: \"+7d\", expect: {count: 0}}\n", true},
		{"at no sign", "steps:\n  - {tweet: x, from: \"@a\", at: 16m}\n", false},
		{"at bad time", "steps:\n  - {tweet: x, from: \"@a\", at: 2026-11-24Tnoon}\n", false},
		{"start bad", "start: tomorrow\nsteps:\n" + tweet, false},
		{"bad regexp", "steps:\n  - {tweet: x, from: \"@a\", expect: {reply: \"(\"}}\n", false},
		{"confirm_by time", "steps:\n  - {tweet: x, from: \"@a\", expect: {confirm_by: \"2026-11-24T11:15:00+01:00\"}}\n", true},
		{"confirm_by unquoted", "steps:\n  - {tweet: x, from: \"@a\", expect: {confirm_by: 2026-11-24T10:15:00Z}}\n", true},
		{"confirm_by null", "steps:\n  - {tweet: x, from: \"@a\", expect: {confirm_by: null}}\n", true},
		{"confirm_by not a time", "steps:\n  - {tweet: x, from: \"@a\", expect: {confirm_by: \"10:15\"}}\n", false},
		// Merge keys: the schema sees the mappings merged, as a YAML
		// library (or an editor that resolves them) reads them.
		{"merge", "steps:\n  - &a {tweet: x, from: \"@a\", expect: &e {outcome: purchased}}\n  - {<<: *a, id: \"2\", expect: {<<: *e, amount: 3}}\n", true},
		{"merge list", "steps:\n  - &a {tweet: x, from: \"@a\"}\n  - <<: [{id: \"2\"}, *a]\n", true},
		{"merge typo", "steps:\n  - &a {tweet: x, from: \"@a\"}\n  - {<<: [*a, {ecpect: {}}]}\n", false},
		{"merge makes two kinds", "steps:\n  - &a {tweet: x, from: \"@a\"}\n  - {<<: *a, charges: {}, expect: {count: 0}}\n", false},
		{"bad outcome", "steps:\n  - {tweet: x, from: \"@a\", expect: {outcome: bought}}\n", false},
		{"amount negative", "steps:\n  - {tweet: x, from: \"@a\", expect: {amount: -300}}\n", false},
		{"count negative", "steps:\n  - {charges: {}, expect: {count: -1}}\n", false},
		{"gift amount negative", "steps:\n  - {tweet: x, from: \"@a\", expect: {gifts: [{amount: -1}]}}\n", false},
		{"count zero", "steps:\n  - {expire: \"+1h\", expect: {count: 0}}\n", true},
		{"amount text", "steps:\n  - {tweet: x, from: \"@a\", expect: {amount: \"12.50\"}}\n", false},
		{"error alone", "steps:\n  - {tweet: x, from: \"@a\", expect: {error: boom}}\n", true},
		{"error and outcome", "steps:\n  - {tweet: x, from: \"@a\", expect: {error: boom, outcome: purchased}}\n", false},
		{"no error and outcome", "steps:\n  - {tweet: x, from: \"@a\", expect: {error: null, outcome: purchased}}\n", true},
		{"gifts", "steps:\n  - {tweet: x, from: \"@a\", expect: {gifts: [{to: \"@b\", outcome: purchased, gift_code: \"^GIFT-\"}]}}\n", true},
		{"gift unknown key", "steps:\n  - {tweet: x, from: \"@a\", expect: {gifts: [{too: \"@b\"}]}}\n", false},
		{"offer", "offers:\n  - {hashtag: BuyX, name: X, price: \"1.00\", confirm: {hashtag: C, window: 15m}}\nsteps:\n" + tweet, true},
		{"gift offer", "offers:\n  - {gift_handle: tea, name: X, price: \"1.00\"}\nsteps:\n" + tweet, true},
		{"offer without name", "offers:\n  - {hashtag: BuyX, price: \"1.00\"}\nsteps:\n" + tweet, false},
		{"offer without price", "offers:\n  - {hashtag: BuyX, name: X}\nsteps:\n" + tweet, false},
		{"offer without tag", "offers:\n  - {name: X, price: \"1.00\"}\nsteps:\n" + tweet, false},
		{"offer with two tags", "offers:\n  - {hashtag: BuyX, gift_handle: x, name: X, price: \"1.00\"}\nsteps:\n" + tweet, false},
		{"confirm without hashtag", "offers:\n  - {hashtag: BuyX, name: X, price: \"1.00\", confirm: {window: 15m}}\nsteps:\n" + tweet, false},
		{"stock zero", "offers:\n  - {hashtag: BuyX, name: X, price: \"1.00\", stock: 0}\nsteps:\n" + tweet, false},
		{"buyer", "buyers:\n  - {handle: \"@a\", card: visa, user_id: 5}\nsteps:\n" + tweet, true},
		{"buyer user_id quoted", "buyers:\n  - {handle: \"@a\", card: visa, user_id: \" 2244994945 \"}\nsteps:\n" + tweet, true},
		{"buyer user_id zero", "buyers:\n  - {handle: \"@a\", card: visa, user_id: 0}\nsteps:\n" + tweet, false},
		{"buyer user_id leading zero", "buyers:\n  - {handle: \"@a\", card: visa, user_id: \"0123\"}\nsteps:\n" + tweet, false},
		{"buyer without card", "buyers:\n  - {handle: \"@a\"}\nsteps:\n" + tweet, false},
		// Any single value is text where text is read, as YAML writes it
		// unquoted; null leaves an optional key out.
		{"name number", "name: 2013\nsteps:\n" + tweet, true},
		{"name null", "name:\ndescription:\nsteps:\n" + tweet, true},
		{"tweet number", "steps:\n  - {tweet: 42, from: \"@a\"}\n", true},
		{"tweet null", "steps:\n  - {tweet: null, from: \"@a\"}\n", false},
		{"tweet empty", "steps:\n  - {tweet: \"\", from: \"@a\", expect: {error: empty}}\n", true},
		{"step name number", "steps:\n  - {tweet: x, from: \"@a\", name: 7}\n", true},
		{"step name null", "steps:\n  - {charges: {}, name: null, expect: {count: 0}}\n", true},
		{"at null", "steps:\n  - {tweet: x, from: \"@a\", at: null}\n", true},
		{"reason number", "steps:\n  - {tweet: x, from: \"@a\", expect: {reason: 5, reply: true}}\n", true},
		{"filter offer number", "steps:\n  - {charges: {offer: 2026}, expect: {count: 0}}\n", true},
		{"price number", "offers:\n  - {hashtag: BuyX, name: X, price: 12.50}\nsteps:\n" + tweet, true},
		{"offer nulls", "offers:\n  - {hashtag: BuyX, gift_handle: null, name: X, price: \"1.00\", stock: null, confirm: null, countries: null, archived: null}\nsteps:\n" + tweet, true},
		{"gift offer null hashtag", "offers:\n  - {hashtag: null, gift_handle: tea, name: X, price: \"1.00\"}\nsteps:\n" + tweet, true},
		{"offer both tags null", "offers:\n  - {hashtag: null, gift_handle: null, name: X, price: \"1.00\"}\nsteps:\n" + tweet, false},
		{"confirm hashtag null", "offers:\n  - {hashtag: BuyX, name: X, price: \"1.00\", confirm: {hashtag: null}}\nsteps:\n" + tweet, false},
		{"buyer nulls", "buyers:\n  - {handle: \"@a\", card: visa, country: null, name: null, user_id: null}\nsteps:\n" + tweet, true},
		{"buyer card null", "buyers:\n  - {handle: \"@a\", card: null}\nsteps:\n" + tweet, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, loadErr := Load("f.yaml", []byte(c.doc), func(string) ([]byte, error) {
				return []byte(`{"id":"9","from":"@a","text":"x","created_at":"2026-11-24T10:00:00Z"}`), nil
			})
			errs := schemaErrors(t, s, []byte(c.doc))
			if (loadErr == nil) != c.ok {
				t.Errorf("Load: %v, want ok=%v", loadErr, c.ok)
			}
			if (len(errs) == 0) != c.ok {
				t.Errorf("schema: %v, want ok=%v", errs, c.ok)
			}
		})
	}
}
