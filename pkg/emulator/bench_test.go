package emulator

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"

	"github.com/tweetpay/tweetpay/internal/cputime"
)

// BenchmarkCreateConfirmParallel measures durable create-and-confirm of a
// PaymentIntent for an existing customer (attached card, off_session) through
// stripe-go and the in-process transport, with 32 concurrent callers.
//
// Besides ops/s (which depends on how busy the machine's cores and disk are)
// it reports figures that do not: the process's CPU time per operation
// (client and emulator together), requests served per commit, and pages
// written per operation.
func BenchmarkCreateConfirmParallel(b *testing.B) {
	dir := b.TempDir()
	if d := os.Getenv("EMULATOR_BENCH_DIR"); d != "" { // e.g. a tmpfs, to separate CPU from fsync cost
		dir = filepath.Join(d, fmt.Sprintf("bench-%d", os.Getpid()))
		b.Cleanup(func() { _ = os.RemoveAll(dir) })
	}
	em, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = em.Close() })
	sc := clientFor(em.Transport(), testKey)
	cus, pm := customerWithCard(b, sc, "pm_card_visa")
	b.SetParallelism((32 + 1) / max(1, gomaxprocs()))
	b.ReportAllocs()
	ws0 := em.writer.Stats()
	st0 := em.db.Stats()
	writes0 := st0.TxStats.GetWrite()
	report := cputime.Per(b)
	b.ResetTimer()
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			pi, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"),
				Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true),
				OffSession: stripe.Bool(true), Params: stripe.Params{Metadata: map[string]string{"offer": "BuyBlueMug"}}})
			if err != nil || pi.Status != stripe.PaymentIntentStatusSucceeded {
				b.Errorf("create-confirm: %v", err)
				return
			}
		}
	})
	b.StopTimer()
	report()
	if ws := em.writer.Stats(); ws.Commits > ws0.Commits {
		b.ReportMetric(float64(ws.Functions-ws0.Functions)/float64(ws.Commits-ws0.Commits), "req/commit")
	}
	st := em.db.Stats()
	b.ReportMetric(float64(st.TxStats.GetWrite()-writes0)/float64(b.N), "pages/op")
}
