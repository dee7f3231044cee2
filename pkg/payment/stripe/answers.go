package stripe

import (
	"fmt"
	"time"

	"github.com/valyala/fastjson"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// decodeChargePage reads a page of GET /v1/charges. `charges list --all`
// reads every charge an account holds, and a Stripe charge is about 2 KB of
// JSON of which tweetpay keeps a tenth: encoding/json spent most of such a
// listing validating the page twice (stripe-go decodes through a wrapper) and
// skipping the fields nobody reads. fastjson parses the page once into a
// reusable tree, and only the fields of payment.Charge are looked at.
// TestChargePageMatchesLeanDecoding holds it to the encoding/json decoding of
// chargeJSON, itself held to stripe-go's.
func decodeChargePage(p *fastjson.Parser, body []byte) ([]payment.Charge, bool, error) {
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, false, fmt.Errorf("decoding a page of charges: %w", err)
	}
	if v.Type() != fastjson.TypeObject {
		return nil, false, fmt.Errorf("decoding a page of charges: a %s, not an object", v.Type())
	}
	data := v.Get("data")
	if data == nil || data.Type() == fastjson.TypeNull {
		return nil, v.GetBool("has_more"), nil
	}
	items, err := data.Array()
	if err != nil {
		return nil, false, fmt.Errorf("decoding a page of charges: data: %w", err)
	}
	out := make([]payment.Charge, len(items))
	for i, it := range items {
		if it.Type() != fastjson.TypeObject {
			return nil, false, fmt.Errorf("decoding a page of charges: data[%d] is a %s, not an object", i, it.Type())
		}
		out[i] = chargeOfValue(it)
	}
	return out, v.GetBool("has_more"), nil
}

func chargeOfValue(v *fastjson.Value) payment.Charge {
	c := payment.Charge{
		ID:             str(v, "id"),
		Created:        time.Unix(v.GetInt64("created"), 0).UTC(),
		Amount:         v.GetInt64("amount"),
		AmountCaptured: v.GetInt64("amount_captured"),
		AmountRefunded: v.GetInt64("amount_refunded"),
		Currency:       str(v, "currency"),
		Status:         str(v, "status"),
		Paid:           v.GetBool("paid"),
		Captured:       v.GetBool("captured"),
		Refunded:       v.GetBool("refunded"),
		Description:    str(v, "description"),
		FailureCode:    str(v, "failure_code"),
		FailureMessage: str(v, "failure_message"),
		Customer:       refID(v.Get("customer")),
		PaymentIntent:  refID(v.Get("payment_intent")),
		PaymentMethod:  str(v, "payment_method"),
		Metadata:       metadataOf(v.Get("metadata")),
	}
	if c.Metadata == nil {
		c.Metadata = map[string]string{}
	}
	if o := v.Get("outcome"); o != nil && o.Type() == fastjson.TypeObject {
		c.Outcome = payment.Outcome{Type: str(o, "type"), Reason: str(o, "reason"), NetworkStatus: str(o, "network_status"),
			RiskLevel: str(o, "risk_level"), SellerMessage: str(o, "seller_message")}
	}
	if card := v.Get("payment_method_details", "card"); card != nil && card.Type() == fastjson.TypeObject {
		c.CardBrand, c.CardLast4 = str(card, "brand"), str(card, "last4")
	}
	return c
}

// decodePaymentIntent reads an answer that is a PaymentIntent (create,
// confirm, capture, cancel, retrieve) into the fields paymentIntentJSON
// keeps, in one pass: through stripe-go's Call, encoding/json validated each
// answer twice (stripe-go decodes through a wrapper), then decoded it while
// skipping most of it, a sixth of the CPU of a payment made in-process.
// TestPaymentIntentAnswerMatchesLeanDecoding holds it to the encoding/json
// decoding of paymentIntentJSON, itself held to stripe-go's.
func decodePaymentIntent(p *fastjson.Parser, body []byte) (payment.Payment, error) {
	v, err := p.ParseBytes(body)
	if err != nil {
		return payment.Payment{}, fmt.Errorf("decoding a payment intent: %w", err)
	}
	if v.Type() != fastjson.TypeObject {
		return payment.Payment{}, fmt.Errorf("decoding a payment intent: a %s, not an object", v.Type())
	}
	return payment.Payment{
		ID:               str(v, "id"),
		Status:           str(v, "status"),
		Amount:           v.GetInt64("amount"),
		AmountCapturable: v.GetInt64("amount_capturable"),
		AmountReceived:   v.GetInt64("amount_received"),
		Currency:         str(v, "currency"),
		Metadata:         metadataOf(v.Get("metadata")),
		Customer:         refID(v.Get("customer")),
		LatestCharge:     refID(v.Get("latest_charge")),
	}, nil
}

// metadataOf reads a metadata object as encoding/json reads it into a
// map[string]string: nil when absent or null, values that are not strings
// left out.
func metadataOf(v *fastjson.Value) map[string]string {
	if v == nil {
		return nil
	}
	o, err := v.Object()
	if err != nil {
		return nil
	}
	md := make(map[string]string, o.Len())
	o.Visit(func(k []byte, mv *fastjson.Value) {
		if b, err := mv.StringBytes(); err == nil {
			md[string(k)] = string(b)
		}
	})
	return md
}

// str is the string at key, or "" when it is absent, null or not a string.
func str(v *fastjson.Value, key string) string {
	return string(v.GetStringBytes(key))
}

// refID is an expandable reference's ID: the string, or the expanded
// object's "id".
func refID(v *fastjson.Value) string {
	switch {
	case v == nil:
		return ""
	case v.Type() == fastjson.TypeString:
		return string(v.GetStringBytes())
	case v.Type() == fastjson.TypeObject:
		return str(v, "id")
	}
	return ""
}
