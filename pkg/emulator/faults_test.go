package emulator

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("429=0.1, 503=0.05,reset=2%,latency=20ms")
	if err != nil {
		t.Fatal(err)
	}
	want := Faults{RateLimit: 0.1, Unavailable: 0.05, Reset: 0.02, Latency: 20 * time.Millisecond}
	if f != want {
		t.Fatalf("got %+v", f)
	}
	if g, err := ParseFaults(f.String()); err != nil || g != f {
		t.Fatalf("String round trip: %q -> %+v %v", f.String(), g, err)
	}
	if g, _ := ParseFaults("latency=5ms-50ms"); g.Latency != 5*time.Millisecond || g.LatencyMax != 50*time.Millisecond {
		t.Fatalf("range: %+v", g)
	}
	for spec, msg := range map[string]string{
		"429":             "not name=value",
		"429=2":           "between 0 and 1",
		"418=0.1":         "unknown fault",
		"latency=fast":    "not a duration",
		"429=0.6,503=0.6": "add up to",
		"429=x":           "must be a number",
		"429=NaN":         "must be a number",
		"reset=nan%":      "must be a number",
		"503=-inf":        "between 0 and 1",
		"503=0.1,503=0.2": "given twice",
	} {
		_, err := ParseFaults(spec)
		if !errors.Is(err, ErrFaultSpec) || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", spec, err, msg)
		}
	}
}

func TestWithFaultsInProcess(t *testing.T) {
	em := openTest(t, Options{})
	for _, c := range []struct {
		spec   string
		status int
		code   string
		retry  string
	}{
		{"429=1", 429, "rate_limit", ""},
		{"503=1", 503, "", "true"},
		{"500=1", 500, "", ""},
	} {
		f, _ := ParseFaults(c.spec)
		sc := clientFor(NewTransport(WithFaults(em, f, 1)), testKey)
		_, err := sc.Customers.New(&stripe.CustomerParams{})
		se := stripeErr(t, err)
		if se.HTTPStatusCode != c.status || string(se.Code) != c.code || se.LastResponse.Header.Get("Stripe-Should-Retry") != c.retry {
			t.Errorf("%s: %+v", c.spec, se)
		}
	}
	f, _ := ParseFaults("reset=1")
	sc := clientFor(NewTransport(WithFaults(em, f, 1)), testKey)
	_, err := sc.Customers.New(&stripe.CustomerParams{})
	if !IsConnectionReset(err) {
		t.Fatalf("reset: %v", err)
	}
	// Injected failures never reach the state.
	if st := must[Stats](t)(em.Stats()); st.Objects["customers"] != 0 {
		t.Fatalf("an injected failure wrote: %+v", st.Objects)
	}
	// A seeded mix is repeatable.
	f, _ = ParseFaults("503=0.5")
	run := func() string {
		h := WithFaults(em, f, 42)
		var b strings.Builder
		for i := 0; i < 20; i++ {
			resp, _ := raw(t, h, "GET", "/v1/customers", nil, nil)
			b.WriteString(http.StatusText(resp.StatusCode)[:1])
		}
		return b.String()
	}
	if a, b := run(), run(); a != b || !strings.Contains(a, "S") || !strings.Contains(a, "O") {
		t.Fatalf("seeded runs differ or do not mix: %s %s", a, b)
	}
}

func TestResetOverHTTPServer(t *testing.T) {
	em := openTest(t, Options{})
	f, _ := ParseFaults("reset=1")
	srv := httptest.NewServer(WithFaults(em, f, 1))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/customers", nil)
	req.Header.Set("Authorization", "Bearer "+testKey)
	if resp, err := srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("want a connection error, got %d", resp.StatusCode)
	}
}

func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	em := openTest(t, Options{Log: &syncWriter{w: &buf}})
	raw(t, em, "GET", "/v1/charges", nil, nil)
	raw(t, em, "GET", "/v1/charges/ch_nope", nil, nil)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "GET /v1/charges 200 ") || !strings.HasPrefix(lines[1], "GET /v1/charges/ch_nope 404 ") {
		t.Fatalf("log = %q", buf.String())
	}
}

type syncWriter struct{ w *bytes.Buffer }

func (s *syncWriter) Write(p []byte) (int, error) { return s.w.Write(p) }
