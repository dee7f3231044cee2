package stripe

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/payment"
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
	ids = nil
	for c, err := range g.ListCharges(context.Background(), payment.ChargeFilter{PageSize: 3, Limit: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if len(ids) != 4 {
		t.Fatalf("limit 4: got %v", ids)
	}
}
