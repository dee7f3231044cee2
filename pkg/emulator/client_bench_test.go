package emulator

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"

	"github.com/tweetpay/tweetpay/internal/cputime"
)

// cannedRT answers every request with the same body, doing no work.
type cannedRT struct{ body []byte }

func (c cannedRT) RoundTrip(req *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, req.Body)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(c.body)), Request: req}, nil
}

// BenchmarkClientCeiling runs the client side of
// BenchmarkCreateConfirmParallel alone (stripe-go encoding the request and
// decoding a real create-and-confirm answer, served by a transport that does
// nothing): the most the emulator benchmark can reach on this machine.
func BenchmarkClientCeiling(b *testing.B) {
	em := openTest(b, Options{})
	sc := clientFor(em.Transport(), testKey)
	cus, pm := customerWithCard(b, sc, "pm_card_visa")
	pi, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true),
		OffSession: stripe.Bool(true), Params: stripe.Params{Metadata: map[string]string{"offer": "BuyBlueMug"}}})
	if err != nil {
		b.Fatal(err)
	}
	sc2 := clientFor(cannedRT{pi.LastResponse.RawJSON}, testKey)
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism((32 + 1) / max(1, gomaxprocs()))
	report := cputime.Per(b)
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			_, err := sc2.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"),
				Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true),
				OffSession: stripe.Bool(true), Params: stripe.Params{Metadata: map[string]string{"offer": "BuyBlueMug"}}})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	report()
}
