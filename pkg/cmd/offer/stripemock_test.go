//go:build unix

package offer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/internal/stripemock"

	buyercmd "github.com/tweetpay/tweetpay/pkg/cmd/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
)

// mockRecorder records what reached stripe-mock. stripe-mock finds every
// object it is asked for, so when notFound is set the recorder answers a
// product lookup with Stripe's 404 and a customer search with an empty
// list itself: the create requests then go to stripe-mock and are checked
// against the spec like every other request.
type mockRecorder struct {
	next     http.RoundTripper
	notFound bool

	mu   sync.Mutex
	sent []string // "METHOD PATH STATUS"
	bad  []string
}

func (m *mockRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if m.notFound && req.Method == http.MethodGet {
		switch {
		case strings.HasPrefix(req.URL.Path, "/v1/products/"):
			return fake(req, http.StatusNotFound, `{"error":{"type":"invalid_request_error","code":"resource_missing","param":"id","message":"No such product"}}`), nil
		case req.URL.Path == "/v1/customers":
			return fake(req, http.StatusOK, `{"object":"list","url":"/v1/customers","has_more":false,"data":[]}`), nil
		}
	}
	resp, err := m.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	line := fmt.Sprintf("%s %s %d", req.Method, req.URL.Path, resp.StatusCode)
	m.mu.Lock()
	m.sent = append(m.sent, line)
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		m.bad = append(m.bad, line+": "+string(body))
	}
	m.mu.Unlock()
	return resp, nil
}

func fake(req *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}
}

func (m *mockRecorder) check(t *testing.T, want ...string) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, b := range m.bad {
		t.Errorf("stripe-mock refused: %s", b)
	}
	all := strings.Join(m.sent, "\n")
	t.Logf("requests that reached stripe-mock:\n%s", all)
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no request %q reached stripe-mock; sent:\n%s", w, all)
		}
	}
	m.sent, m.bad = nil, nil
}

// TestStripeMock sends the requests of `offer sync` and `buyer link`
// through the real gateway to stripe-mock, which refuses (400) any request
// that Stripe's OpenAPI spec would refuse.
func TestStripeMock(t *testing.T) {
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	base := stripemock.Start(t)
	rec := &mockRecorder{next: http.DefaultTransport, notFound: true}
	gw := stripegw.New(stripegw.Options{Key: "sk_test_123", URL: base,
		HTTPClient: &http.Client{Transport: rec, Timeout: 30 * time.Second}, NoRetrySleep: true})
	getGW := func() (payment.Gateway, error) { return gw, nil }

	e := newEnv(t, syncYAML+`  - hashtag: BuyKindle
    name: Kindle
    description: The tablet
    price: "149.99"
    archived: true
`)
	// New products: create product and price.
	rows, _ := runSync(t, e, gw, false)
	if len(rows) != 4 || !rows[0].Applied {
		t.Errorf("rows = %+v", rows)
	}
	rec.check(t, "POST /v1/products 200", "GET /v1/prices 200", "POST /v1/prices 200")

	// Existing products (stripe-mock's fixture, with another name and a
	// price of another amount): update the product and create a price.
	rec.notFound = false
	runSync(t, e, gw, false)
	rec.check(t, "GET /v1/products/tweetpay_buybluemug 200", "POST /v1/products/tweetpay_buybluemug 200", "POST /v1/prices 200")

	// buyer link: a new customer with the card attached, then an existing one.
	for _, notFound := range []bool{true, false} {
		rec.notFound = notFound
		ios, _, stdout, stderr := iostreams.Test()
		f := &cmdutil.Factory{IOStreams: ios, Config: e.config, Gateway: getGW}
		cmd := buyercmd.NewCmdLink(f, nil)
		cmd.SetArgs([]string{"@alice", "--card", "visa", "-o", "json"})
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("buyer link (new customer %v): %v\n%s", notFound, err, stderr)
		}
		if !strings.Contains(stdout.String(), `"customer": "cus_`) {
			t.Errorf("buyer link printed %s", stdout)
		}
	}
	rec.check(t, "POST /v1/customers 200", "POST /v1/payment_methods/pm_card_visa/attach 200", "POST /v1/customers/cus_", "GET /v1/customers 200")
}
