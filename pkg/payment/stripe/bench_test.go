package stripe

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/tweetpay/tweetpay/internal/cputime"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/gctune"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// BenchmarkGatewayCreateConfirmParallel is the emulator's create-and-confirm
// benchmark (pkg/emulator BenchmarkCreateConfirmParallel: durable, in-process,
// 32 callers, an existing customer with an attached card) with tweetpay's own
// client, this gateway, in place of stripe-go's full resource decoding. It
// runs with Go's default garbage collection, and paced as `simulate run`
// paces it (gctune.BatchFloor: a 16 MiB heap floor; `emulator serve` uses a
// higher one).
func BenchmarkGatewayCreateConfirmParallel(b *testing.B) {
	b.Run("gc=default", gatewayCreateConfirm)
	b.Run("gc=paced", func(b *testing.B) {
		defer gctune.Throughput(gctune.BatchFloor)()
		gatewayCreateConfirm(b)
	})
}

func gatewayCreateConfirm(b *testing.B) {
	em, err := emulator.Open(b.TempDir(), emulator.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = em.Close() })
	g := New(Options{Key: "sk_test_bench", URL: "http://emulator.invalid", HTTPClient: &http.Client{Transport: em.Transport()}, InProcess: true})
	ctx := context.Background()
	c, err := g.CreateCustomer(ctx, payment.Customer{Email: "buyer@example.com"}, "bench-customer")
	if err != nil {
		b.Fatal(err)
	}
	pm, err := g.AttachPaymentMethod(ctx, "pm_card_visa", c.ID, "bench-attach")
	if err != nil {
		b.Fatal(err)
	}
	var seq atomic.Int64
	b.SetParallelism((32 + 1) / max(1, runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	report := cputime.Per(b)
	b.ResetTimer()
	b.RunParallel(func(p *testing.PB) {
		for p.Next() {
			pay, err := g.CreatePayment(ctx, payment.PaymentRequest{Amount: 1250, Currency: "usd", Customer: c.ID, PaymentMethod: pm.ID,
				OffSession: true, Metadata: map[string]string{"offer": "BuyBlueMug"}, IdempotencyKey: fmt.Sprintf("bench-%d", seq.Add(1))})
			if err != nil || pay.Status != "succeeded" {
				b.Errorf("create-confirm: %v %+v", err, pay)
				return
			}
		}
	})
	b.StopTimer()
	report()
}
