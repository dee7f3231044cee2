package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/emulator"
)

const testKey = "sk_test_parity1234"

// emulatorDiffers lists the steps whose status on the emulator differs from
// the one the suite expects of Stripe, with the emulator's status. Each is
// a difference the live comparison is expected to report (docs/parity.md);
// when the emulator changes, this list must follow.
var emulatorDiffers = map[string]int{
	// Unknown keys inside payment_method_options[card] are accepted.
	"error_unknown_nested_param": 200,
	// A missing object named by a parameter is answered 404, as one named
	// in the path is.
	"error_attach_unknown_customer": 404,
	"error_pi_unknown_customer":     404,
	"error_refund_unknown_charge":   404,
	"price_missing_product":         404,
}

func openEmulator(t *testing.T) *emulator.Emulator {
	t.Helper()
	em, err := emulator.Open(t.TempDir(), emulator.Options{Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	return em
}

// inProcess reaches h without a socket, as tweetpay's default backend does.
func inProcess(h http.Handler) Backend {
	return Backend{Client: &http.Client{Transport: emulator.NewTransport(h)}, BaseURL: "http://emulator", Key: testKey}
}

// overHTTP reaches h through a loopback server, as `tweetpay emulator serve`.
func overHTTP(t *testing.T, h http.Handler) Backend {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return Backend{Client: srv.Client(), BaseURL: srv.URL, Key: testKey}
}

func record(t *testing.T, b Backend, run string) []Answer {
	t.Helper()
	r := &Runner{Backend: b}
	return r.Run(context.Background(), Suite(), run)
}

func TestSuiteIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range Suite() {
		if st.Name == "" || seen[st.Name] {
			t.Errorf("step name %q is empty or used twice", st.Name)
		}
		for _, ref := range References(st) {
			if !seen[ref] {
				t.Errorf("step %q refers to %q, which is not an earlier step", st.Name, ref)
			}
		}
		seen[st.Name] = true
		if !strings.HasPrefix(st.Path, "/v1/") {
			t.Errorf("step %q: path %q", st.Name, st.Path)
		}
		if !slices.Contains([]string{http.MethodGet, http.MethodPost, http.MethodDelete}, st.Method) {
			t.Errorf("step %q: method %q", st.Name, st.Method)
		}
		if http.StatusText(st.Status) == "" {
			t.Errorf("step %q: expected status %d", st.Name, st.Status)
		}
		// tweetpay sends a key with every write; a POST without one could
		// not be retried safely against Stripe either.
		if st.Method == http.MethodPost && !strings.Contains(st.IdempotencyKey, "${run}") {
			t.Errorf("step %q: a POST needs an idempotency key unique to the run, got %q", st.Name, st.IdempotencyKey)
		}
	}
	for name := range emulatorDiffers {
		if !seen[name] {
			t.Errorf("emulatorDiffers names %q, which is no step", name)
		}
	}
}

// TestEmulatorAnswersAsTheSuiteExpects guards the machinery against passing
// for nothing: had a broken reference turned every later step into a 404,
// two emulators would still agree with each other.
func TestEmulatorAnswersAsTheSuiteExpects(t *testing.T) {
	steps := Suite()
	answers := record(t, inProcess(openEmulator(t)), NewRunToken())
	for i := range steps {
		if status, ok := emulatorDiffers[steps[i].Name]; ok {
			if answers[i].Status == steps[i].Status {
				t.Errorf("step %q: the emulator now answers %d as the suite expects: remove it from emulatorDiffers and from docs/parity.md",
					steps[i].Name, answers[i].Status)
			}
			steps[i].Status = status
		}
	}
	if err := CheckStatuses(steps, answers); err != nil {
		t.Error(err)
	}
	// The answers chain: the replay names the first request, and a step
	// refers to what an earlier one made.
	if h := answers[1].Header; h["Idempotent-Replayed"] != "true" || h["Original-Request"] != answers[0].Header["Request-Id"] {
		t.Errorf("replay headers %v, first request %v", h, answers[0].Header)
	}
}

func TestCompareEmulatorWithItself(t *testing.T) {
	run := NewRunToken()
	a := record(t, inProcess(openEmulator(t)), run)
	b := record(t, overHTTP(t, openEmulator(t)), run)
	if diffs := Compare(a, b); len(diffs) != 0 {
		for _, d := range diffs {
			t.Error(d.Format("in-process", "over HTTP"))
		}
	}
	// Not equal for want of anything to tell apart: the two emulators made
	// other IDs, request IDs and client secrets.
	for _, c := range []struct{ step, path string }{
		{"customer", "id"}, {"pi_saved_card", "client_secret"}, {"pi_saved_card", "latest_charge"},
	} {
		va, errA := Lookup(c.step+":"+c.path, byName(a))
		vb, errB := Lookup(c.step+":"+c.path, byName(b))
		if errA != nil || errB != nil || va == vb {
			t.Errorf("%s %s: %q (%v) and %q (%v): want two different values", c.step, c.path, va, errA, vb, errB)
		}
	}
	if a[0].Header["Request-Id"] == b[0].Header["Request-Id"] {
		t.Errorf("both emulators answered with request ID %q", a[0].Header["Request-Id"])
	}
}

func byName(answers []Answer) map[string]*Answer {
	m := map[string]*Answer{}
	for i := range answers {
		m[answers[i].Step] = &answers[i]
	}
	return m
}

// alteration changes the answer to one step: its status, headers or body.
// earlier holds the answers to the steps before it, as the emulator gave
// them.
type alteration func(status int, h http.Header, body map[string]any, earlier []served) int

// served is one answer of the emulator behind an alteringHandler.
type served struct {
	header http.Header
	body   map[string]any
}

// alteringHandler serves h and passes the answer to the n-th request (the
// n-th step: the runner sends one request per step) through alter[n].
type alteringHandler struct {
	h       http.Handler
	alter   map[int]alteration
	earlier []served
}

func (a *alteringHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, r)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		panic(err)
	}
	status, body := rec.Code, rec.Body.Bytes()
	a.earlier = append(a.earlier, served{header: rec.Header().Clone(), body: m})
	if f, ok := a.alter[len(a.earlier)-1]; ok {
		status = f(status, rec.Header(), m, a.earlier)
		body, _ = json.Marshal(m)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func TestCompareReportsAlterations(t *testing.T) {
	steps := Suite()
	index := func(name string) int {
		i := slices.IndexFunc(steps, func(s Step) bool { return s.Name == name })
		if i < 0 {
			t.Fatalf("no step %q", name)
		}
		return i
	}
	h := &alteringHandler{h: openEmulator(t), alter: map[int]alteration{
		// A field changed.
		index("customer_get"): func(s int, _ http.Header, b map[string]any, _ []served) int {
			b["name"] = "Someone Else"
			return s
		},
		// A field dropped.
		index("pi_saved_card"): func(s int, _ http.Header, b map[string]any, _ []served) int {
			delete(b, "livemode")
			return s
		},
		// A status changed.
		index("decline_generic"): func(int, http.Header, map[string]any, []served) int {
			return http.StatusBadRequest
		},
		// A nested field changed.
		index("decline_insufficient_funds"): func(s int, _ http.Header, b map[string]any, _ []served) int {
			b["error"].(map[string]any)["decline_code"] = "generic_decline"
			return s
		},
		// A header dropped.
		index("customer_replay"): func(s int, h http.Header, _ map[string]any, _ []served) int {
			h.Del("Idempotent-Replayed")
			return s
		},
		// An ID replaced by that of another object seen before: the
		// second customer's where the first one's belongs.
		index("pi_saved_card_get"): func(s int, _ http.Header, b map[string]any, earlier []served) int {
			b["customer"] = earlier[index("customer_2")].body["id"]
			return s
		},
		// A replay naming another request as its original.
		index("pi_saved_card_replay"): func(s int, h http.Header, _ map[string]any, earlier []served) int {
			h.Set("Original-Request", earlier[index("customer")].header.Get("Request-Id"))
			return s
		},
		// A list item dropped.
		index("customer_list_all"): func(s int, _ http.Header, b map[string]any, _ []served) int {
			b["data"] = b["data"].([]any)[:1]
			return s
		},
		// What legitimately differs, changed: no difference.
		index("customer_update"): func(s int, h http.Header, b map[string]any, _ []served) int {
			b["created"] = json.Number("1")
			b["invoice_prefix"] = "ZZZZZZZZ"
			h.Set("Request-Id", "req_SomethingElse123")
			h.Set("Original-Request", "req_SomethingElse123")
			return s
		},
		index("pi_two_step"): func(s int, _ http.Header, b map[string]any, _ []served) int {
			b["client_secret"] = "pi_Other0000000000_secret_Other"
			return s
		},
	}}
	run := NewRunToken()
	want := record(t, inProcess(openEmulator(t)), run)
	got := record(t, overHTTP(t, h), run)
	if len(h.earlier) != len(steps) {
		t.Fatalf("%d requests for %d steps: the alterations are misplaced", len(h.earlier), len(steps))
	}

	type key struct{ step, path string }
	wantDiffs := map[key][2]any{
		{"customer_get", "body.name"}:                             {"Parity Buyer", "Someone Else"},
		{"pi_saved_card", "body.livemode"}:                        {false, Absent},
		{"decline_generic", "status"}:                             {402, 400},
		{"decline_insufficient_funds", "body.error.decline_code"}: {"insufficient_funds", "generic_decline"},
		{"customer_replay", "header.Idempotent-Replayed"}:         {"true", Absent},
		{"pi_saved_card_get", "body.customer"}:                    {"<cus#1>", "<cus#2>"},
		{"pi_saved_card_replay", "header.Original-Request"}:       {"<request of step pi_saved_card>", "<request of step customer>"},
		{"customer_list_all", "body.data[1]"}:                     {nil, Absent}, // Want is an object: not compared
	}
	diffs := Compare(want, got)
	found := map[key]bool{}
	for _, d := range diffs {
		k := key{d.Step, d.Path}
		w, ok := wantDiffs[k]
		if !ok {
			t.Errorf("unexpected difference: %s", d)
			continue
		}
		found[k] = true
		if k.path == "body.data[1]" {
			if m, isObj := d.Want.(map[string]any); !isObj || m["object"] != "customer" || d.Got != Absent {
				t.Errorf("%s: want a customer against (absent)", d)
			}
			continue
		}
		if !reflect.DeepEqual(d.Want, w[0]) || !reflect.DeepEqual(d.Got, w[1]) {
			t.Errorf("%s: want %v against %v", d, w[0], w[1])
		}
	}
	for k := range wantDiffs {
		if !found[k] {
			t.Errorf("step %q: the difference at %s was not reported", k.step, k.path)
		}
	}
}
