package emulator

import (
	"fmt"
	"sync"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
)

// 32 concurrent callers, with some repeating each other's idempotency keys:
// every key charges exactly once and the counts agree with the lists.
func TestConcurrentWrites(t *testing.T) {
	em, sc := newClient(t)
	concurrentWrites(t, em, sc)
}

// The same while the state file is reopened every few commits (see
// statedb.RenewAfter) and readers list charges meanwhile.
func TestConcurrentWritesAcrossRenewals(t *testing.T) {
	em := openTest(t, Options{renewAfter: 16})
	sc := clientFor(em.Transport(), testKey)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				it := sc.Charges.List(&stripe.ChargeListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(10)}})
				for it.Next() {
				}
				if err := it.Err(); err != nil {
					t.Errorf("list during renewals: %v", err)
					return
				}
			}
		}()
	}
	concurrentWrites(t, em, sc)
	close(stop)
	readers.Wait()
	if em.db.Renewals() == 0 {
		t.Fatal("the state file was never reopened")
	}
}

func concurrentWrites(t *testing.T, em *Emulator, sc *client.API) {
	t.Helper()
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	const workers, per = 32, 10
	var wg sync.WaitGroup
	ids := make([][]string, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				p := &stripe.PaymentIntentParams{Amount: stripe.Int64(1000), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
					PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)}
				// Pairs of workers share keys.
				p.SetIdempotencyKey(fmt.Sprintf("w%d-%d", w/2, i))
				pi, err := sc.PaymentIntents.New(p)
				if err != nil {
					se := stripeErr(t, err)
					if se.HTTPStatusCode == 409 { // the twin is in flight: retry
						i--
						continue
					}
					t.Errorf("worker %d: %v", w, err)
					return
				}
				ids[w] = append(ids[w], pi.ID)
			}
		}(w)
	}
	wg.Wait()
	for w := 0; w < workers; w += 2 {
		if fmt.Sprint(ids[w]) != fmt.Sprint(ids[w+1]) {
			t.Fatalf("twins %d got different intents: %v / %v", w, ids[w], ids[w+1])
		}
	}
	st := must[Stats](t)(em.Stats())
	if st.Objects["payment_intents"] != workers/2*per || st.Objects["charges"] != workers/2*per {
		t.Fatalf("stats = %+v", st.Objects)
	}
	it := sc.Charges.List(&stripe.ChargeListParams{Customer: stripe.String(cus.ID), ListParams: stripe.ListParams{Limit: stripe.Int64(100)}})
	n := 0
	for it.Next() {
		n++
	}
	if n != workers/2*per {
		t.Fatalf("listed %d charges", n)
	}
}
