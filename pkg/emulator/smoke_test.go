package emulator

import (
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
)

func TestSmokeCreateConfirm(t *testing.T) {
	_, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	pi, err := sc.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(1250), Currency: stripe.String("usd"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if pi.Status != stripe.PaymentIntentStatusSucceeded || pi.LatestCharge == nil || pi.LatestCharge.ID == "" {
		t.Fatalf("pi = %+v", pi)
	}
	ch, err := sc.Charges.Get(pi.LatestCharge.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Amount != 1250 || !ch.Paid || ch.PaymentMethodDetails.Card.Last4 != "4242" {
		t.Fatalf("charge = %+v", ch)
	}
}
