package emulator

import (
	"net/url"
	"testing"

	stripe "github.com/stripe/stripe-go/v76"
	bolt "go.etcd.io/bbolt"
)

func TestParamsHash(t *testing.T) {
	a := url.Values{"amount": {"1000"}, "currency": {"usd"}, "expand[]": {"latest_charge", "customer"}}
	b := url.Values{"expand[]": {"latest_charge", "customer"}, "currency": {"usd"}, "amount": {"1000"}}
	if paramsHash(formPairs(a)) != paramsHash(formPairs(b)) {
		t.Errorf("the same parameters hash differently")
	}
	for _, other := range []url.Values{
		{"amount": {"1001"}, "currency": {"usd"}, "expand[]": {"latest_charge", "customer"}},
		{"amount": {"1000"}, "currency": {"usd"}, "expand[]": {"customer", "latest_charge"}},
		{"amount": {"1000"}, "currency": {"usd"}},
		{"amoun": {"t1000"}, "currency": {"usd"}, "expand[]": {"latest_charge", "customer"}},
	} {
		if paramsHash(formPairs(other)) == paramsHash(formPairs(a)) {
			t.Errorf("%v hashes as %v", other, a)
		}
	}
	if h := paramsHash(formPairs(a)); len(h) != 33 || h[0] != '2' {
		t.Errorf("paramsHash = %q", h)
	}
	if !sameParams(legacyParamsHash(formPairs(a)), paramsHash(formPairs(a)), formPairs(a)) || sameParams(legacyParamsHash(formPairs(a)), paramsHash(formPairs(b)), formPairs(url.Values{"amount": {"1"}})) {
		t.Errorf("a record of an earlier version is not compared with its own digest")
	}
}

// A record stored by an earlier version, with the former digest, still
// replays for the same parameters and refuses others.
func TestLegacyIdempotencyRecord(t *testing.T) {
	em, sc := newClient(t)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	params := func(amount int64) *stripe.PaymentIntentParams {
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(amount), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
			PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}
		p.SetIdempotencyKey("legacy-1")
		return p
	}
	first := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000)))
	// Put the former digest of the same form in the record.
	form := url.Values{}
	for _, kv := range [][2]string{{"amount", "1000"}, {"currency", "usd"}, {"customer", cus.ID}, {"payment_method", pm.ID},
		{"payment_method_types[0]", "card"}, {"confirm", "true"}} {
		form.Set(kv[0], kv[1])
	}
	scope := []byte(em.idemScope(testKey, "POST", "/v1/payment_intents", "legacy-1"))
	err := em.db.Update(func(tx *bolt.Tx) error {
		raw, key, ok := em.getIdem(tx, scope)
		if !ok {
			t.Fatal("no record stored")
		}
		var rec idemRecord
		if err := rec.unmarshal(raw); err != nil {
			return err
		}
		if rec.Hash != paramsHash(formPairs(form)) {
			t.Fatalf("stored digest %q, want %q: the form above is not what stripe-go sent", rec.Hash, paramsHash(formPairs(form)))
		}
		rec.Hash = legacyParamsHash(formPairs(form))
		return tx.Bucket(bucketIdem).Put(key[:], rec.marshal())
	})
	if err != nil {
		t.Fatal(err)
	}
	again := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(params(1000)))
	if again.ID != first.ID || again.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("not replayed: %s, headers %v", again.ID, again.LastResponse.Header)
	}
	_, err = sc.PaymentIntents.New(params(2000))
	if se := stripeErr(t, err); se.Type != stripe.ErrorTypeIdempotency {
		t.Fatalf("other parameters: %+v", se)
	}
}

func BenchmarkParamsHash(b *testing.B) {
	v := tweetPaymentValues(b)
	b.ReportAllocs()
	pairs := formPairs(v)
	for b.Loop() {
		paramsHash(pairs)
	}
}
