package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

// A search answers total_count only when it is expanded, and then counts
// every object the query matches, not only the page: "This field isn't
// included by default. To include it in the response, expand the
// total_count field" (docs.stripe.com/api/pagination/search). Stripe's
// Node SDK types it the same way (ApiSearchResult.total_count, "only
// present when expand contains total_count"); merchants use it to test
// whether anything matched at all.
func TestSearchTotalCount(t *testing.T) {
	em, sc := newClient(t)
	for i := 0; i < 5; i++ {
		p := &stripe.PaymentIntentParams{Amount: stripe.Int64(500), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
		p.AddMetadata("hashtag", map[bool]string{true: "tweetacoffee", false: "BuyBlueMug"}[i < 3])
		must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	}
	q := "metadata['hashtag']:'tweetacoffee'"
	resp, m := raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "limit": {"1"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) || len(m["data"].([]any)) != 1 || m["has_more"] != true {
		t.Fatalf("search with total_count: %d %v", resp.StatusCode, m)
	}
	// The second page still counts all three.
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "limit": {"1"}, "page": {m["next_page"].(string)},
		"expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) {
		t.Fatalf("second page with total_count: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {"metadata['hashtag']:'none'"}, "expand[]": {"total_count"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(0) {
		t.Fatalf("no match with total_count: %d %v", resp.StatusCode, m)
	}
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}}, nil)
	if _, ok := m["total_count"]; resp.StatusCode != http.StatusOK || ok {
		t.Fatalf("search without expand: %d %v", resp.StatusCode, m)
	}
	// Expanding it alongside a field of the results.
	resp, m = raw(t, em, "GET", "/v1/charges/search", url.Values{"query": {q}, "expand[]": {"total_count", "data.payment_intent"}}, nil)
	if resp.StatusCode != http.StatusOK || m["total_count"] != float64(3) {
		t.Fatalf("total_count with data.payment_intent: %d %v", resp.StatusCode, m)
	}
	if pi, _ := m["data"].([]any)[0].(map[string]any)["payment_intent"].(map[string]any); pi["object"] != "payment_intent" {
		t.Fatalf("data.payment_intent not expanded: %v", fmt.Sprint(m["data"]))
	}
}
