package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/valyala/fastjson"
)

// ListCharges follows pages with starting_after, stops at the limit, and
// stops fetching when the caller stops.
func TestListChargesPages(t *testing.T) {
	const total = 7
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		q := r.URL.Query()
		start := 0
		if a := q.Get("starting_after"); a != "" {
			fmt.Sscanf(strings.TrimPrefix(a, "ch_"), "%d", &start)
		}
		var data []string
		for n := start + 1; n <= total && len(data) < 3; n++ {
			data = append(data, fmt.Sprintf(`{"id":"ch_%d","object":"charge","amount":%d,"customer":"cus_%d","metadata":{}}`, n, n*100, n))
		}
		fmt.Fprintf(w, `{"object":"list","data":[%s],"has_more":%v,"url":"/v1/charges"}`, strings.Join(data, ","), start+len(data) < total)
	}))
	defer srv.Close()
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	var ids []string
	for c, err := range g.ListCharges(context.Background(), payment.ChargeFilter{PageSize: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		if c.Amount == 0 || c.Customer == "" {
			t.Fatalf("charge %+v not decoded", c)
		}
		ids = append(ids, c.ID)
	}
	if len(ids) != total || ids[0] != "ch_1" || ids[total-1] != "ch_7" {
		t.Fatalf("got %v", ids)
	}
	if n := requests.Load(); n != 3 {
		t.Fatalf("%d requests for 3 pages", n)
	}
	if ids, err := listedIDs(g, payment.ChargeFilter{PageSize: 3, Limit: 4}); err != nil || len(ids) != 4 {
		t.Fatalf("limit 4: got %v, %v", ids, err)
	}
}

// listedIDs lists charges until the end or the first error.
func listedIDs(g *Gateway, f payment.ChargeFilter) ([]string, error) {
	var ids []string
	for c, err := range g.ListCharges(context.Background(), f) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// A page decoded by decodeChargePage gives the charges that the lean
// encoding/json decoding (held to stripe-go's by TestLeanDecodingMatchesStripeGo)
// gives, in order, with has_more.
func TestChargePageMatchesLeanDecoding(t *testing.T) {
	var raws []string
	for _, f := range fixtures {
		if f.object == "charge" {
			raws = append(raws, f.raw)
		}
	}
	// Escapes, unicode and metadata values that are not plain.
	raws = append(raws, `{"id":"ch_4","object":"charge","amount":10,"created":1,"currency":"usd",
	  "description":"caf\u00e9 \"mug\"\n\ud83d\ude00","metadata":{"k\u0065y":"v\\al","empty":""},"status":"succeeded",
	  "payment_method_details":{"type":"card","card":null}}`)
	for _, hasMore := range []bool{true, false} {
		page := fmt.Sprintf(`{"object":"list","url":"/v1/charges","has_more":%v,"data":[%s]}`, hasMore, strings.Join(raws, ","))
		var p fastjson.Parser
		got, more, err := decodeChargePage(&p, []byte(page))
		if err != nil {
			t.Fatal(err)
		}
		if more != hasMore || len(got) != len(raws) {
			t.Fatalf("has_more %v, %d charges; want %v, %d", more, len(got), hasMore, len(raws))
		}
		for i, raw := range raws {
			var lean chargeJSON
			if err := json.Unmarshal([]byte(raw), &lean); err != nil {
				t.Fatal(err)
			}
			if want := lean.charge(); !reflect.DeepEqual(got[i], want) {
				t.Errorf("charge %d:\n got %+v\nwant %+v", i, got[i], want)
			}
		}
	}
	var p fastjson.Parser
	for _, bad := range []string{``, `[]`, `{"data":{}}`, `{"data":[1]}`, `{"data":[{"id":"ch_1"}`} {
		if _, _, err := decodeChargePage(&p, []byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if got, more, err := decodeChargePage(&p, []byte(`{"object":"list","data":[],"has_more":false}`)); err != nil || more || len(got) != 0 {
		t.Errorf("empty page: %v %v %v", got, more, err)
	}
}

// An error answer in the middle of a listing ends it with Stripe's error.
func TestListChargesError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("starting_after") != "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":{"type":"invalid_request_error","message":"No such charge: 'ch_2'","param":"starting_after"}}`)
			return
		}
		fmt.Fprint(w, `{"object":"list","data":[{"id":"ch_1","object":"charge","metadata":{}},{"id":"ch_2","object":"charge"}],"has_more":true}`)
	}))
	defer srv.Close()
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	ids, last := listedIDs(g, payment.ChargeFilter{})
	if len(ids) != 2 || !errors.Is(last, payment.ErrInvalidRequest) || !strings.Contains(last.Error(), "No such charge") {
		t.Fatalf("got %v then %v", ids, last)
	}
}

// A listing interrupted while a page is on its way ends with the context's
// error, never as if it were complete (the page fetcher gives up its page
// once the context is done, and did so without a word half of the time).
func TestListChargesInterrupted(t *testing.T) {
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(5*time.Millisecond, cancel)
		var last error
		n := 0
		for _, err := range g.ListCharges(ctx, payment.ChargeFilter{}) {
			n++
			last = err
		}
		cancel()
		if n != 1 || !errors.Is(last, context.Canceled) {
			t.Fatalf("run %d: %d results, last error %v; want one, context.Canceled", i, n, last)
		}
	}
}

// A connection that drops without an answer is retried; one that keeps
// dropping ends the listing with a network error (stripe-go v76's streaming
// call panics there: the gateway must not).
func TestListChargesConnectionDrops(t *testing.T) {
	for _, drops := range []int{1, 100} {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("starting_after") != "" && int(n.Add(1)) <= drops {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
			after := r.URL.Query().Get("starting_after")
			if after == "" {
				fmt.Fprint(w, `{"object":"list","data":[{"id":"ch_1","object":"charge","metadata":{}}],"has_more":true}`)
				return
			}
			fmt.Fprint(w, `{"object":"list","data":[{"id":"ch_2","object":"charge","metadata":{}}],"has_more":false}`)
		}))
		g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
		ids, last := listedIDs(g, payment.ChargeFilter{})
		srv.Close()
		switch drops {
		case 1:
			if last != nil || len(ids) != 2 {
				t.Errorf("one drop: got %v, %v; want both charges", ids, last)
			}
		default:
			if !errors.Is(last, payment.ErrUnavailable) || len(ids) != 1 {
				t.Errorf("dropping for good: got %v, %v; want ch_1 then a network error", ids, last)
			}
		}
	}
}
