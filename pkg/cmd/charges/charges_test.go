package charges

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func TestNewCmdList(t *testing.T) {
	// The flags are checked against the wall clock ("24h" means 24 hours
	// before now), so an absolute bound must be later than now.
	later := time.Now().UTC().Add(time.Hour).Truncate(time.Second).Format(time.RFC3339)
	tests := []struct {
		args    []string
		want    charges.Query
		since   string
		until   string
		all     bool
		format  output.Format
		wantErr string
	}{
		{args: []string{}, want: charges.Query{Limit: 30}, format: output.Table},
		{args: []string{"--offer", "#BuyBlueMug", "--buyer", "@alice", "--status", "failed", "-L", "5", "-o", "csv"},
			want: charges.Query{Offer: "#BuyBlueMug", Buyer: "@alice", Status: "failed", Limit: 5}, format: output.CSV},
		{args: []string{"--all", "-o", "json"}, want: charges.Query{}, all: true, format: output.JSON},
		{args: []string{"--since", "24h", "--until", later}, want: charges.Query{Limit: 30},
			since: "24h", until: later, format: output.Table},
		{args: []string{"--all", "--limit", "30"}, wantErr: "--all and --limit cannot be used together"},
		{args: []string{"--limit", "0"}, wantErr: "--limit must be at least 1, got 0"},
		{args: []string{"--status", "paid"}, wantErr: `--status "paid" is not one of succeeded, failed, pending, refunded`},
		{args: []string{"--since", "soon"}, wantErr: `--since: invalid time: "soon"`},
		{args: []string{"--until", "-1h"}, wantErr: `--until: invalid time: "-1h"`},
		{args: []string{"--since", "1h", "--until", "2h"}, wantErr: "is before since"},
		{args: []string{"x"}, wantErr: `unexpected argument "x"`},
		{args: []string{"--buyer", "@bad handle"}, wantErr: `--buyer "@bad handle" is not a Twitter username`},
		{args: []string{"--buyer", "alice@example.com"}, wantErr: `--buyer "alice@example.com" is not a Twitter username`},
		{args: []string{"--buyer", ""}, wantErr: "--buyer is empty"},
		{args: []string{"--offer", "Buy Blue Mug"}, wantErr: `--offer "Buy Blue Mug" is neither a hashtag nor a gift handle`},
		{args: []string{"--offer", "#Buy-Now"}, wantErr: `--offer "#Buy-Now" is not a hashtag`},
		{args: []string{"--offer", "@tweet coffee"}, wantErr: `--offer "@tweet coffee" is not a gift handle`},
		{args: []string{"--offer", " "}, wantErr: "--offer is empty"},
		{args: []string{"--offer", "tweetacoffee", "--buyer", "carol"},
			want: charges.Query{Offer: "tweetacoffee", Buyer: "carol", Limit: 30}, format: output.Table},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *ListOptions
		cmd := NewCmdList(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *ListOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tt.wantErr != "" {
			var fe *cmdutil.FlagError
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
				t.Errorf("%v: error %v, want a FlagError containing %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if got.Query != tt.want || got.Since != tt.since || got.Until != tt.until || got.All != tt.all || got.Output != tt.format {
			t.Errorf("%v: got %+v all=%v %s, want %+v all=%v %s", tt.args, got.Query, got.All, got.Output, tt.want, tt.all, tt.format)
		}
	}
}

func TestNewCmdRefund(t *testing.T) {
	tests := []struct {
		args    []string
		want    charges.RefundInput
		wantErr string
	}{
		{args: []string{"ch_1"}, want: charges.RefundInput{Charge: "ch_1"}},
		{args: []string{"ch_1", "--amount", "5.00", "--reason", "duplicate"}, want: charges.RefundInput{Charge: "ch_1", Amount: "5.00", Reason: "duplicate"}},
		{args: []string{}, wantErr: "a charge ID is required"},
		{args: []string{"ch_1", "ch_2"}, wantErr: "too many arguments"},
		{args: []string{"ch_1", "--reason", "bored"}, wantErr: `--reason "bored" is not one of`},
		{args: []string{"ch_1", "--amount", ""}, wantErr: "--amount is empty"},
		// What no currency accepts is refused before the charge is read.
		{args: []string{"ch_1", "--amount", "abc"}, wantErr: `amount: invalid amount: "abc" is not an amount`},
		{args: []string{"ch_1", "--amount", "-5"}, wantErr: `"-5" is negative`},
		{args: []string{"ch_1", "--amount", "1,000.00"}, wantErr: `write 1000.00`},
		{args: []string{"ch_1", "--amount", "0"}, wantErr: `"0": a refund must be more than 0`},
		{args: []string{"ch_1", "--amount", " 0.00 "}, wantErr: `a refund must be more than 0`},
		{args: []string{"ch_1", "--amount", "5.001"}, want: charges.RefundInput{Charge: "ch_1", Amount: "5.001"}},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *RefundOptions
		cmd := NewCmdRefund(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *RefundOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.wantErr)
			}
			var fe *cmdutil.FlagError
			if !errors.As(err, &fe) {
				t.Errorf("%v: error %v is not a usage error", tt.args, err)
			}
			if got != nil {
				t.Errorf("%v: the command ran despite the error", tt.args)
			}
			continue
		}
		if err != nil || got.Input != tt.want {
			t.Errorf("%v: got %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func TestNewCmdSummary(t *testing.T) {
	tests := []struct {
		args    []string
		by      string
		wantErr string
	}{
		{args: []string{}, by: "offer"},
		{args: []string{"--by", "day", "--since", "7d"}, by: "day"},
		{args: []string{"--by", "week"}, wantErr: `--by "week" is not one of offer, buyer, day`},
		{args: []string{"--buyer", "@alice", "--offer", "#BuyBlueMug"}, by: "offer"},
		{args: []string{"--buyer", "@bad handle"}, wantErr: `--buyer "@bad handle" is not a Twitter username`},
		{args: []string{"--offer", "#12345"}, wantErr: `--offer "#12345" is not a hashtag`},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *SummaryOptions
		cmd := NewCmdSummary(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *SummaryOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(tt.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tt.wantErr != "" {
			var fe *cmdutil.FlagError
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &fe) {
				t.Errorf("%v: error %v, want a FlagError containing %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got.By != tt.by {
			t.Errorf("%v: got %+v, %v", tt.args, got, err)
		}
	}
}

// world is an in-process emulator at a fixed clock with a few purchases.
func world(t *testing.T) payment.Gateway {
	t.Helper()
	now := testNow.Add(-2 * time.Hour)
	em, err := emulator.Open(t.TempDir(), emulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	gw := stripegw.New(stripegw.Options{Key: "sk_test_cmd", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: em.Transport()}, NoRetrySleep: true})
	ctx := context.Background()
	buy := func(id, handle, offer string, amount int64, currency, card string) {
		c, _, err := gw.FindCustomer(ctx, shop.CustomerEmail(handle))
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == "" {
			if c, err = gw.CreateCustomer(ctx, payment.Customer{Email: shop.CustomerEmail(handle)}, "cus:"+handle); err != nil {
				t.Fatal(err)
			}
		}
		_, err = gw.CreatePayment(ctx, payment.PaymentRequest{Amount: amount, Currency: currency, Customer: c.ID,
			PaymentMethod: card, Metadata: map[string]string{shop.MetaOffer: offer, shop.MetaBuyer: handle, shop.MetaTweetID: id},
			IdempotencyKey: "pay:" + id})
		if err != nil && !errors.Is(err, payment.ErrDeclined) {
			t.Fatal(err)
		}
	}
	buy("1", "@alice", "BuyBlueMug", 1250, "usd", "pm_card_visa")
	now = now.Add(time.Minute)
	buy("2", "@bob", "BuyBlueMug", 1250, "usd", "pm_card_visa_chargeDeclinedInsufficientFunds")
	now = now.Add(time.Minute)
	buy("3", "@carol", "BuyTeaPot", 3000, "eur", "pm_card_mastercard")
	return gw
}

var idRE = regexp.MustCompile(`\b(ch|cus|pi|pm|re)_[A-Za-z0-9]+`)

// golden compares got, with IDs masked, to testdata/<test>/<name>.golden;
// UPDATE_GOLDEN=1 rewrites the file.
func golden(t *testing.T, name, got string) {
	t.Helper()
	got = idRE.ReplaceAllString(got, "${1}_X")
	path := filepath.Join("testdata", t.Name(), name+".golden")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

func TestListRun(t *testing.T) {
	gw := world(t)
	cases := []struct {
		name   string
		tty    bool
		format output.Format
		all    bool
		query  charges.Query
	}{
		{name: "tty", tty: true, format: output.Table, query: charges.Query{Limit: 30}},
		{name: "pipe", format: output.Table, query: charges.Query{Limit: 30}},
		{name: "tty_all", tty: true, format: output.Table, all: true},
		{name: "json", format: output.JSON, query: charges.Query{Limit: 2}},
		{name: "json_empty", format: output.JSON, query: charges.Query{Limit: 30, Buyer: "@nobody"}},
		{name: "csv_failed", format: output.CSV, query: charges.Query{Limit: 30, Status: "failed"}},
	}
	for _, tc := range cases {
		ios, _, stdout, stderr := iostreams.Test()
		ios.SetTTY(tc.tty)
		opts := &ListOptions{IO: ios, Gateway: func() (payment.Gateway, error) { return gw, nil },
			Now: func() time.Time { return testNow }, Query: tc.query, All: tc.all, Output: tc.format}
		if err := listRun(context.Background(), opts); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if stderr.Len() > 0 {
			t.Errorf("%s: stderr %q", tc.name, stderr)
		}
		golden(t, tc.name, stdout.String())
	}
}

func TestSummaryRun(t *testing.T) {
	gw := world(t)
	for _, tc := range []struct {
		name   string
		tty    bool
		by     string
		format output.Format
	}{
		{"tty_offer", true, charges.ByOffer, output.Table},
		{"pipe_buyer", false, charges.ByBuyer, output.Table},
		{"json_day", false, charges.ByDay, output.JSON},
	} {
		ios, _, stdout, _ := iostreams.Test()
		ios.SetTTY(tc.tty)
		opts := &SummaryOptions{IO: ios, Gateway: func() (payment.Gateway, error) { return gw, nil }, By: tc.by, Output: tc.format}
		if err := summaryRun(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, stdout.String())
	}
}

func TestShowAndRefundRun(t *testing.T) {
	gw := world(t)
	var chID string
	for c, err := range gw.ListCharges(context.Background(), payment.ChargeFilter{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		chID = c.ID
	}
	ios, _, stdout, stderr := iostreams.Test()
	ropts := &RefundOptions{IO: ios, Gateway: func() (payment.Gateway, error) { return gw, nil },
		Input: charges.RefundInput{Charge: chID, Amount: "10", Reason: "duplicate"}}
	if err := refundRun(context.Background(), ropts); err != nil {
		t.Fatal(err)
	}
	golden(t, "refund_stdout", stdout.String())
	golden(t, "refund_stderr", stderr.String())

	ios, _, stdout, _ = iostreams.Test()
	ropts.IO = ios
	ropts.Input.Amount = "10.001"
	err := refundRun(context.Background(), ropts)
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) || stdout.Len() > 0 {
		t.Errorf("bad amount: %v, want a FlagError", err)
	}

	ios, _, stdout, _ = iostreams.Test()
	sopts := &ShowOptions{IO: ios, Gateway: func() (payment.Gateway, error) { return gw, nil }, ID: chID}
	if err := showRun(context.Background(), sopts); err != nil {
		t.Fatal(err)
	}
	golden(t, "show", regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`).ReplaceAllString(stdout.String(), "T"))
}

// A charge captured for less than it authorised shows what was released and
// what was refunded apart: Stripe's amount_refunded holds both, and show
// printed it all as refunded ("$20.00 (fully refunded)" for $15.00 given
// back), unlike list and summary.
func TestShowPartlyCapturedRun(t *testing.T) {
	gw := world(t)
	ctx := context.Background()
	p, err := gw.CreatePayment(ctx, payment.PaymentRequest{Amount: 2000, Currency: "usd", PaymentMethod: "pm_card_visa",
		ManualCapture: true, IdempotencyKey: "test:manual"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gw.CapturePayment(ctx, p.ID, 1500, "test:capture"); err != nil {
		t.Fatal(err)
	}
	show := func(name string) {
		t.Helper()
		ios, _, stdout, _ := iostreams.Test()
		if err := showRun(ctx, &ShowOptions{IO: ios, Gateway: func() (payment.Gateway, error) { return gw, nil }, ID: p.LatestCharge}); err != nil {
			t.Fatal(err)
		}
		golden(t, name, regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`).ReplaceAllString(stdout.String(), "T"))
	}
	show("captured")
	if _, err := charges.Refund(ctx, gw, charges.RefundInput{Charge: p.LatestCharge, Amount: "4"}); err != nil {
		t.Fatal(err)
	}
	show("refunded_part")
	if _, err := charges.Refund(ctx, gw, charges.RefundInput{Charge: p.LatestCharge}); err != nil {
		t.Fatal(err)
	}
	show("refunded_all")
}
