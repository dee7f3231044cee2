//go:build stripe

package parity

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestParityWithStripe sends the suite to Stripe's test mode and to a fresh
// embedded emulator and fails on every difference between their answers.
// It needs the network and a test-mode key, and runs only when asked:
//
//	TWEETPAY_TEST_API_KEY=sk_test_... go test -tags stripe ./internal/parity -run Parity
//
// With TWEETPAY_PARITY_RECORD=<dir> both recordings are written there as
// stripe.json and emulator.json. TWEETPAY_PARITY_STRIPE_URL replaces
// https://api.stripe.com, for a dry run against `tweetpay emulator serve`.
func TestParityWithStripe(t *testing.T) {
	key := os.Getenv("TWEETPAY_TEST_API_KEY")
	if err := CheckTestKey(key); err != nil {
		t.Fatal(err)
	}
	steps := Suite()
	run := NewRunToken()
	ctx := context.Background()

	base := os.Getenv("TWEETPAY_PARITY_STRIPE_URL")
	if base == "" {
		base = "https://api.stripe.com"
	}
	stripeRunner := &Runner{
		Backend:      Backend{Client: &http.Client{Timeout: 80 * time.Second}, BaseURL: base, Key: key},
		PollTimeout:  2 * time.Minute, // search lags writes by up to a minute
		PollInterval: 2 * time.Second,
	}
	t.Logf("run %s: %d steps against %s", run, len(steps), base)
	stripe := stripeRunner.Run(ctx, steps, run)

	emuRunner := &Runner{Backend: inProcess(openEmulator(t))}
	emu := emuRunner.Run(ctx, steps, run)

	if dir := os.Getenv("TWEETPAY_PARITY_RECORD"); dir != "" {
		for name, rec := range map[string][]Answer{"stripe.json": stripe, "emulator.json": emu} {
			b, err := json.MarshalIndent(rec, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Stripe answering otherwise than the suite says is the suite's error
	// (or a change on Stripe's side): reported apart from the differences.
	if err := CheckStatuses(steps, stripe); err != nil {
		t.Errorf("Stripe's statuses are not those the suite expects:\n%v", err)
	}
	diffs := Compare(stripe, emu)
	for _, d := range diffs {
		t.Error(d.Format("stripe", "emulator"))
	}
	if len(diffs) > 0 {
		t.Logf("%d differences between Stripe and the emulator", len(diffs))
	}
}
