package emulator

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// openAPISpec reads Stripe's OpenAPI spec as stripe-mock (pinned in go.mod
// as a tool) ships it. Its API version is newer than the emulator's
// 2023-10-16; the parameters the emulator takes are the same in both but for
// the few that TestSpecsMatchOpenAPI lists.
func openAPISpec(t *testing.T) map[string]any {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf("Stripe's OpenAPI spec unavailable: "+format, args...)
		}
		t.Skipf("Stripe's OpenAPI spec unavailable: "+format, args...)
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/stripe/stripe-mock").Output()
	if err != nil {
		unavailable("go list: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "embedded", "openapi", "spec3.json"))
	if err != nil {
		unavailable("%v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

type openAPI struct{ schemas map[string]any }

// resolve follows a schema's $ref.
func (o openAPI) resolve(s any) map[string]any {
	m, _ := s.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			break
		}
		m, _ = o.schemas[ref[strings.LastIndexByte(ref, '/')+1:]].(map[string]any)
	}
	return m
}

// members are a schema's alternatives: its anyOf members, or itself.
func (o openAPI) members(s map[string]any) []map[string]any {
	alts, ok := s["anyOf"].([]any)
	if !ok {
		return []map[string]any{s}
	}
	var out []map[string]any
	for _, m := range alts {
		out = append(out, o.resolve(m))
	}
	return out
}

// acceptsEmpty reports whether "" is a value of the schema: an anyOf with
// a {"type": "string", "enum": [""]} member, or a string enum listing "".
func (o openAPI) acceptsEmpty(s map[string]any) bool {
	for _, m := range o.members(s) {
		if enum, ok := m["enum"].([]any); ok && slices.Contains(enum, any("")) {
			return true
		}
	}
	return false
}

// object is the named properties of the schema's members that are hashes
// (a card given as its details or as a token is two).
func (o openAPI) object(s map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range o.members(s) {
		props, _ := m["properties"].(map[string]any)
		for k, v := range props {
			out[k] = v
		}
	}
	return out
}

// compare walks the emulator's spec for a parameter hash against the
// OpenAPI properties of the same hash, and reports the parameters on which
// the two disagree about "" and those the OpenAPI spec does not have.
func (o openAPI) compare(prefix string, s spec, props map[string]any, mismatch, absent *[]string) {
	for k, want := range s {
		name := k
		if prefix != "" {
			name = prefix + "[" + k + "]"
		}
		schema := o.resolve(props[k])
		if schema == nil {
			*absent = append(*absent, name)
			continue
		}
		e, unsettable := want.(orEmpty)
		if unsettable != o.acceptsEmpty(schema) {
			*mismatch = append(*mismatch, name)
		}
		if unsettable {
			want = e.of
		}
		switch w := want.(type) {
		case spec:
			o.compare(name, w, o.object(schema), mismatch, absent)
		case scalarOr:
			o.compare(name, spec(w), o.object(schema), mismatch, absent)
		}
	}
}

// TestSpecsMatchOpenAPI derives from Stripe's OpenAPI spec which of the
// parameters of every endpoint the emulator serves can be unset with "",
// and checks the emulator's parameter specs say the same (orEmpty), nested
// hashes included.
func TestSpecsMatchOpenAPI(t *testing.T) {
	doc := openAPISpec(t)
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	o := openAPI{schemas: schemas}
	e := &Emulator{}
	paths, _ := doc["paths"].(map[string]any)
	var served, mismatch, absent []string
	for path, ops := range paths {
		rest, ok := strings.CutPrefix(path, "/v1/")
		if !ok {
			continue
		}
		segs := strings.Split(rest, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = "id"
			}
		}
		for method, op := range ops.(map[string]any) {
			ep := e.route(strings.ToUpper(method), segs)
			if ep.handle == nil {
				continue
			}
			key := strings.ToUpper(method) + " " + path
			served = append(served, key)
			opm := op.(map[string]any)
			props := map[string]any{}
			if method == "post" {
				rb, _ := opm["requestBody"].(map[string]any)
				content, _ := rb["content"].(map[string]any)
				form, _ := content["application/x-www-form-urlencoded"].(map[string]any)
				props, _ = o.resolve(form["schema"])["properties"].(map[string]any)
			} else {
				params, _ := opm["parameters"].([]any)
				for _, p := range params {
					pm := p.(map[string]any)
					if pm["in"] == "query" {
						props[pm["name"].(string)] = pm["schema"]
					}
				}
			}
			var mm, ab []string
			o.compare("", ep.params, props, &mm, &ab)
			for _, m := range mm {
				mismatch = append(mismatch, key+" "+m)
			}
			for _, a := range ab {
				absent = append(absent, key+" "+a)
			}
		}
	}
	sort.Strings(served)
	if want := servedEndpoints(); !slices.Equal(served, want) {
		t.Errorf("endpoints served, as the OpenAPI spec names them:\n got %q\nwant %q", served, want)
	}
	sort.Strings(mismatch)
	for _, m := range mismatch {
		t.Errorf("%s: the emulator and the OpenAPI spec disagree on whether \"\" unsets it", m)
	}
	sort.Strings(absent)
	// Parameters of API version 2023-10-16 that the newer spec no longer
	// has (products' features became marketing_features; type, the
	// recurring price's aggregate_usage and trial_period_days went).
	gone := []string{
		"GET /v1/products type",
		"POST /v1/prices recurring[aggregate_usage]",
		"POST /v1/prices recurring[trial_period_days]",
		"POST /v1/products features",
		"POST /v1/products type",
		"POST /v1/products/{id} features",
	}
	if !slices.Equal(absent, gone) {
		t.Errorf("parameters the OpenAPI spec does not have:\n got %q\nwant %q", absent, gone)
	}
}

// servedEndpoints lists what the emulator serves, in the OpenAPI spec's
// names.
func servedEndpoints() []string {
	s := []string{
		"DELETE /v1/customers/{customer}", "DELETE /v1/products/{id}",
		"GET /v1/charges", "GET /v1/charges/search", "GET /v1/charges/{charge}",
		"GET /v1/customers", "GET /v1/customers/search", "GET /v1/customers/{customer}",
		"GET /v1/customers/{customer}/payment_methods",
		"GET /v1/payment_intents", "GET /v1/payment_intents/search", "GET /v1/payment_intents/{intent}",
		"GET /v1/payment_methods", "GET /v1/payment_methods/{payment_method}",
		"GET /v1/prices", "GET /v1/prices/search", "GET /v1/prices/{price}",
		"GET /v1/products", "GET /v1/products/search", "GET /v1/products/{id}",
		"GET /v1/refunds", "GET /v1/refunds/{refund}",
		"POST /v1/charges/{charge}", "POST /v1/charges/{charge}/capture",
		"POST /v1/customers", "POST /v1/customers/{customer}",
		"POST /v1/payment_intents", "POST /v1/payment_intents/{intent}",
		"POST /v1/payment_intents/{intent}/cancel", "POST /v1/payment_intents/{intent}/capture",
		"POST /v1/payment_intents/{intent}/confirm",
		"POST /v1/payment_methods", "POST /v1/payment_methods/{payment_method}",
		"POST /v1/payment_methods/{payment_method}/attach", "POST /v1/payment_methods/{payment_method}/detach",
		"POST /v1/prices", "POST /v1/prices/{price}",
		"POST /v1/products", "POST /v1/products/{id}",
		"POST /v1/refunds", "POST /v1/refunds/{refund}",
	}
	sort.Strings(s)
	return s
}
