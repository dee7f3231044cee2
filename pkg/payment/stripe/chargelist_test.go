package stripe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// Charges as Stripe sends them: plain and expanded references, nulls, a
// failed charge, no metadata.
var chargeFixtures = []string{
	`{"id":"ch_1","object":"charge","amount":1250,"amount_captured":1250,"amount_refunded":250,"created":1700000000,
	  "currency":"usd","customer":"cus_1","description":"Blue Mug via tweet 1","failure_code":null,"failure_message":null,
	  "metadata":{"tweet_id":"1","buyer":"@alice"},"outcome":{"network_status":"approved_by_network","reason":null,
	  "risk_level":"normal","risk_score":20,"seller_message":"Payment complete.","type":"authorized"},"paid":true,
	  "payment_intent":"pi_1","payment_method":"pm_1","payment_method_details":{"card":{"brand":"visa","last4":"4242",
	  "exp_month":12},"type":"card"},"captured":true,"refunded":false,"status":"succeeded","refunds":{"object":"list","data":[]}}`,
	`{"id":"ch_2","object":"charge","amount":500,"amount_captured":0,"amount_refunded":0,"created":1700000100,
	  "currency":"eur","customer":{"id":"cus_2","object":"customer","email":"b@x"},"description":null,
	  "failure_code":"card_declined","failure_message":"Your card was declined.","metadata":{},
	  "outcome":{"network_status":"declined_by_network","reason":"generic_decline","risk_level":"normal",
	  "seller_message":"The bank did not return any further details with this decline.","type":"issuer_declined"},
	  "paid":false,"payment_intent":{"id":"pi_2","object":"payment_intent"},"payment_method":"pm_2",
	  "payment_method_details":{"card":{"brand":"mastercard","last4":"0002"}},"captured":false,"refunded":false,"status":"failed"}`,
	`{"id":"ch_3","object":"charge","amount":100,"created":1700000200,"currency":"usd","customer":null,
	  "payment_intent":null,"payment_method":null,"payment_method_details":null,"outcome":null,"status":"pending"}`,
}

// The charges decoded for a list are those stripe-go's full decoding gives.
func TestChargeDecodingMatchesStripeGo(t *testing.T) {
	for i, raw := range chargeFixtures {
		var full stripe.Charge
		if err := json.Unmarshal([]byte(raw), &full); err != nil {
			t.Fatalf("fixture %d: %v", i, err)
		}
		var lean chargeJSON
		if err := json.Unmarshal([]byte(raw), &lean); err != nil {
			t.Fatalf("fixture %d: %v", i, err)
		}
		if got, want := lean.charge(), chargeOf(&full); !reflect.DeepEqual(got, want) {
			t.Errorf("fixture %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

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
