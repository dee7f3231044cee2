package stripe

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// TestConcurrentPaymentsReuseConnections: rounds of concurrent payments over
// HTTP, as `simulate stream --concurrency N` sends them, open about N
// connections in all, not one for nearly every request.
func TestConcurrentPaymentsReuseConnections(t *testing.T) {
	const conc, rounds = 32, 5
	var opened atomic.Int64
	var inFlight sync.WaitGroup
	var release atomic.Pointer[chan struct{}]
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every request of a round waits for the round's others, so that
		// they are in flight together and need conc connections.
		inFlight.Done()
		<-*release.Load()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, okPI)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	g := New(Options{Key: "sk_test_x", URL: srv.URL, NoRetrySleep: true})
	for round := range rounds {
		inFlight.Add(conc)
		ch := make(chan struct{})
		release.Store(&ch)
		var done sync.WaitGroup
		errs := make(chan error, conc)
		for i := range conc {
			done.Go(func() {
				_, err := g.CreatePayment(context.Background(), payment.PaymentRequest{
					Amount: 1250, Currency: "usd", Customer: "cus_1", PaymentMethod: "pm_card_visa", OffSession: true,
					IdempotencyKey: fmt.Sprintf("tweetpay:offer:tweet-%d-%d", round, i)})
				errs <- err
			})
		}
		inFlight.Wait()
		close(ch)
		done.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := opened.Load(); n > conc+conc/4 {
		t.Errorf("%d rounds of %d concurrent payments opened %d connections; want about %d", rounds, conc, n, conc)
	}
}
