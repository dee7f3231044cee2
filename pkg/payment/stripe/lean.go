package stripe

import (
	"encoding/json"
	"time"

	stripe "github.com/stripe/stripe-go/v76"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// Stripe's answers are decoded into these lean types, which hold only what
// tweetpay's payment types carry, rather than into stripe-go's full
// resources: a PaymentIntent or Charge of stripe-go reaches, through its
// expandable fields, most of Stripe's object graph, and encoding/json pays
// for the reflection over all of it in every process (several milliseconds
// of a command that lives a few dozen) and for the decoding of every nested
// object in every answer. Requests, authentication, idempotency keys,
// retries and errors are stripe-go's. lean_test.go checks each type against
// stripe-go's own decoding of the same answers.

// expandableID is the ID of an expandable field: a string, or an object
// with an "id" when expanded.
type expandableID string

func (e *expandableID) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = expandableID(s)
	case len(b) > 0 && b[0] == '{':
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*e = expandableID(o.ID)
	default:
		*e = ""
	}
	return nil
}

// listPage is a page of a list answer.
type listPage[T any] struct {
	stripe.APIResource
	Data    []T  `json:"data"`
	HasMore bool `json:"has_more"`
}

type productJSON struct {
	stripe.APIResource
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Active      bool              `json:"active"`
	Metadata    map[string]string `json:"metadata"`
}

func (p *productJSON) product() payment.Product {
	return payment.Product{ID: p.ID, Name: p.Name, Description: p.Description, Active: p.Active, Metadata: p.Metadata}
}

type priceJSON struct {
	stripe.APIResource
	ID         string       `json:"id"`
	UnitAmount int64        `json:"unit_amount"`
	Currency   string       `json:"currency"`
	LookupKey  string       `json:"lookup_key"`
	Active     bool         `json:"active"`
	Product    expandableID `json:"product"`
}

func (p *priceJSON) price() payment.Price {
	return payment.Price{ID: p.ID, Amount: p.UnitAmount, Currency: p.Currency, LookupKey: p.LookupKey, Active: p.Active, Product: string(p.Product)}
}

type customerJSON struct {
	stripe.APIResource
	ID              string            `json:"id"`
	Email           string            `json:"email"`
	Name            string            `json:"name"`
	Metadata        map[string]string `json:"metadata"`
	InvoiceSettings *struct {
		DefaultPaymentMethod expandableID `json:"default_payment_method"`
	} `json:"invoice_settings"`
}

func (c *customerJSON) customer() payment.Customer {
	out := payment.Customer{ID: c.ID, Email: c.Email, Name: c.Name, Metadata: c.Metadata}
	if c.InvoiceSettings != nil {
		out.DefaultPaymentMethod = string(c.InvoiceSettings.DefaultPaymentMethod)
	}
	return out
}

type paymentMethodJSON struct {
	stripe.APIResource
	ID       string       `json:"id"`
	Customer expandableID `json:"customer"`
	Card     *struct {
		Brand string `json:"brand"`
		Last4 string `json:"last4"`
	} `json:"card"`
}

func (pm *paymentMethodJSON) paymentMethod() payment.PaymentMethod {
	out := payment.PaymentMethod{ID: pm.ID, Customer: string(pm.Customer)}
	if pm.Card != nil {
		out.Brand, out.Last4 = pm.Card.Brand, pm.Card.Last4
	}
	return out
}

type paymentIntentJSON struct {
	stripe.APIResource
	ID               string            `json:"id"`
	Status           string            `json:"status"`
	Amount           int64             `json:"amount"`
	AmountCapturable int64             `json:"amount_capturable"`
	AmountReceived   int64             `json:"amount_received"`
	Currency         string            `json:"currency"`
	Metadata         map[string]string `json:"metadata"`
	Customer         expandableID      `json:"customer"`
	LatestCharge     expandableID      `json:"latest_charge"`
}

func (pi *paymentIntentJSON) payment() payment.Payment {
	return payment.Payment{
		ID: pi.ID, Status: pi.Status, Amount: pi.Amount, AmountCapturable: pi.AmountCapturable,
		AmountReceived: pi.AmountReceived, Currency: pi.Currency, Metadata: pi.Metadata,
		Customer: string(pi.Customer), LatestCharge: string(pi.LatestCharge),
	}
}

type refundJSON struct {
	stripe.APIResource
	ID       string            `json:"id"`
	Amount   int64             `json:"amount"`
	Currency string            `json:"currency"`
	Status   string            `json:"status"`
	Reason   string            `json:"reason"`
	Created  int64             `json:"created"`
	Metadata map[string]string `json:"metadata"`
	Charge   expandableID      `json:"charge"`
}

func (r *refundJSON) refund() payment.Refund {
	return payment.Refund{ID: r.ID, Amount: r.Amount, Currency: r.Currency, Status: r.Status, Reason: r.Reason,
		Created: time.Unix(r.Created, 0).UTC(), Metadata: r.Metadata, Charge: string(r.Charge)}
}

type chargeJSON struct {
	stripe.APIResource
	ID             string            `json:"id"`
	Created        int64             `json:"created"`
	Amount         int64             `json:"amount"`
	AmountCaptured int64             `json:"amount_captured"`
	AmountRefunded int64             `json:"amount_refunded"`
	Currency       string            `json:"currency"`
	Status         string            `json:"status"`
	Paid           bool              `json:"paid"`
	Captured       bool              `json:"captured"`
	Refunded       bool              `json:"refunded"`
	Description    string            `json:"description"`
	FailureCode    string            `json:"failure_code"`
	FailureMessage string            `json:"failure_message"`
	Metadata       map[string]string `json:"metadata"`
	Customer       expandableID      `json:"customer"`
	PaymentIntent  expandableID      `json:"payment_intent"`
	PaymentMethod  string            `json:"payment_method"`
	Outcome        *struct {
		Type          string `json:"type"`
		Reason        string `json:"reason"`
		NetworkStatus string `json:"network_status"`
		RiskLevel     string `json:"risk_level"`
		SellerMessage string `json:"seller_message"`
	} `json:"outcome"`
	PaymentMethodDetails *struct {
		Card *struct {
			Brand string `json:"brand"`
			Last4 string `json:"last4"`
		} `json:"card"`
	} `json:"payment_method_details"`
}

func (c *chargeJSON) charge() payment.Charge {
	out := payment.Charge{
		ID: c.ID, Created: time.Unix(c.Created, 0).UTC(), Amount: c.Amount, AmountCaptured: c.AmountCaptured,
		AmountRefunded: c.AmountRefunded, Currency: c.Currency, Status: c.Status,
		Paid: c.Paid, Captured: c.Captured, Refunded: c.Refunded, Description: c.Description,
		FailureCode: c.FailureCode, FailureMessage: c.FailureMessage, Metadata: c.Metadata,
		Customer: string(c.Customer), PaymentIntent: string(c.PaymentIntent), PaymentMethod: c.PaymentMethod,
	}
	if o := c.Outcome; o != nil {
		out.Outcome = payment.Outcome{Type: o.Type, Reason: o.Reason, NetworkStatus: o.NetworkStatus, RiskLevel: o.RiskLevel, SellerMessage: o.SellerMessage}
	}
	if d := c.PaymentMethodDetails; d != nil && d.Card != nil {
		out.CardBrand, out.CardLast4 = d.Card.Brand, d.Card.Last4
	}
	if out.Metadata == nil {
		out.Metadata = map[string]string{}
	}
	return out
}

// paymentIntentCreate holds the fields of stripe.PaymentIntentParams that
// CreatePayment sets, with the same form tags and in the same order, so that
// stripe-go encodes the same form (TestPaymentIntentCreateForm). stripe-go's
// encoder visits every field of a params struct and allocates for each, set
// or not: PaymentIntentParams' fields were a sixth of a stream's allocations.
type paymentIntentCreate struct {
	stripe.Params      `form:"*"`
	Amount             *int64            `form:"amount"`
	CaptureMethod      *string           `form:"capture_method"`
	Confirm            *bool             `form:"confirm"`
	Currency           *string           `form:"currency"`
	Customer           *string           `form:"customer"`
	Description        *string           `form:"description"`
	Metadata           map[string]string `form:"metadata"`
	PaymentMethod      *string           `form:"payment_method"`
	PaymentMethodTypes []*string         `form:"payment_method_types"`
	OffSession         *bool             `form:"off_session"`
}
