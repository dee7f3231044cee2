// Package payment defines what tweetpay needs from a payment provider: a
// small Gateway interface, tweetpay's own types and sentinel errors. The one
// implementation lives in pkg/payment/stripe.
package payment

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Sentinel errors; the adapter wraps provider errors in them.
var (
	// ErrDeclined: the card was declined (a Stripe card_error).
	ErrDeclined = errors.New("payment declined")
	// ErrNotFound: no such object.
	ErrNotFound = errors.New("not found")
	// ErrAuth: the key was refused.
	ErrAuth = errors.New("authentication failed")
	// ErrUnavailable: rate limited, a server error or a network failure;
	// retrying may help.
	ErrUnavailable = errors.New("payment provider unavailable")
	// ErrInvalidRequest: the provider refused the request's parameters.
	ErrInvalidRequest = errors.New("invalid request")
)

// Error carries the provider's details of a failed request.
type Error struct {
	Kind        error // one of the sentinels
	Type        string
	Code        string
	DeclineCode string
	Param       string
	Message     string
	ChargeID    string
	PaymentID   string
	HTTPStatus  int
	RequestID   string
	// NoRetry marks an ErrUnavailable that the same request sent again
	// soon would meet again: the provider answered Stripe-Should-Retry:
	// false, or replayed an error stored under the idempotency key, or
	// refused the connection (nothing listens at its address) through the
	// client's own retries.
	NoRetry bool
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.Error()
	}
	switch {
	case e.DeclineCode != "":
		return fmt.Sprintf("%s (%s, %s)", msg, e.Code, e.DeclineCode)
	case e.Code != "":
		return fmt.Sprintf("%s (%s)", msg, e.Code)
	}
	return msg
}

// Unwrap lets errors.Is match the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// Retryable reports whether err is ErrUnavailable and sending the same
// request again (with the same idempotency key) may succeed: not when the
// provider said otherwise (see Error.NoRetry).
func Retryable(err error) bool {
	if !errors.Is(err, ErrUnavailable) {
		return false
	}
	var pe *Error
	return !errors.As(err, &pe) || !pe.NoRetry
}

// Product is a sellable item.
type Product struct {
	ID          string
	Name        string
	Description string
	Active      bool
	Metadata    map[string]string
}

// Price is the amount a product sells for.
type Price struct {
	ID        string
	Product   string
	Amount    int64
	Currency  string
	LookupKey string
	Active    bool
}

// Customer is a buyer's account at the provider.
type Customer struct {
	ID                   string
	Email                string
	Name                 string
	DefaultPaymentMethod string
	Metadata             map[string]string
	// Replayed is set when a creation was answered from its idempotency
	// key, used before: the answer is the Customer as it was created then,
	// which may have been deleted since.
	Replayed bool
}

// PaymentMethod is a card.
type PaymentMethod struct {
	ID       string
	Customer string
	Brand    string
	Last4    string
}

// PaymentRequest asks for a payment.
type PaymentRequest struct {
	Amount        int64
	Currency      string
	Customer      string
	PaymentMethod string
	Description   string
	// ManualCapture authorises only; Capture takes the money later.
	ManualCapture bool
	OffSession    bool
	Metadata      map[string]string
	// IdempotencyKey must be set, derived from what the payment is for.
	IdempotencyKey string
}

// Payment is the state of a payment intent.
type Payment struct {
	ID               string
	Status           string
	Amount           int64
	AmountCapturable int64
	AmountReceived   int64
	Currency         string
	Customer         string
	LatestCharge     string
	Metadata         map[string]string
	// Replayed is set when the provider answered from the request's
	// idempotency key, used before: the request had been made already, by
	// an earlier command or run, and changed nothing this time.
	Replayed bool
}

// Charge is one attempt to move money, successful or not.
type Charge struct {
	ID             string
	Created        time.Time
	Amount         int64
	AmountCaptured int64
	AmountRefunded int64
	Currency       string
	Status         string // succeeded, pending, failed
	Paid           bool
	Captured       bool
	Refunded       bool
	Customer       string
	PaymentIntent  string
	PaymentMethod  string
	Description    string
	FailureCode    string
	FailureMessage string
	Outcome        Outcome
	CardBrand      string
	CardLast4      string
	Metadata       map[string]string
}

// Outcome is the provider's verdict on a charge.
type Outcome struct {
	Type          string
	Reason        string
	NetworkStatus string
	RiskLevel     string
	SellerMessage string
}

// DeclineCode returns the decline code of a failed charge, if any.
func (c Charge) DeclineCode() string {
	if c.Status == "failed" && c.Outcome.Reason != "" {
		return c.Outcome.Reason
	}
	return ""
}

// Refund returns money of a charge.
type Refund struct {
	ID       string
	Charge   string
	Amount   int64
	Currency string
	Status   string
	Reason   string
	Created  time.Time
	Metadata map[string]string
	// Replayed is set when the provider answered from the request's
	// idempotency key, used before: the refund had been made already, by
	// an earlier command or another process at the same time, and none was
	// made this time. The fields describe that refund.
	Replayed bool
}

// RefundRequest asks for a refund; Amount 0 refunds what is left.
type RefundRequest struct {
	Charge         string
	Amount         int64
	Reason         string
	Metadata       map[string]string
	IdempotencyKey string
}

// ChargeFilter selects charges. Customer, PaymentIntent and the created
// range are applied by the provider; the rest is up to the caller.
type ChargeFilter struct {
	Customer      string
	PaymentIntent string
	CreatedGTE    time.Time
	CreatedLTE    time.Time
	// Limit bounds the number returned; 0 means all (following pages).
	Limit int
	// PageSize is the provider page size (1-100); 0 means 100.
	PageSize int
}

// Gateway is all tweetpay needs from a payment provider.
type Gateway interface {
	EnsureProduct(ctx context.Context, p Product, idempotencyKey string) (Product, bool, error)
	GetProduct(ctx context.Context, id string) (Product, error)
	UpdateProduct(ctx context.Context, p Product, idempotencyKey string) (Product, error)
	PriceByLookupKey(ctx context.Context, lookupKey string) (Price, bool, error)
	CreatePrice(ctx context.Context, p Price, idempotencyKey string) (Price, error)

	FindCustomer(ctx context.Context, email string) (Customer, bool, error)
	CreateCustomer(ctx context.Context, c Customer, idempotencyKey string) (Customer, error)
	UpdateCustomer(ctx context.Context, c Customer, idempotencyKey string) (Customer, error)
	AttachPaymentMethod(ctx context.Context, token, customer, idempotencyKey string) (PaymentMethod, error)
	DeleteCustomer(ctx context.Context, id string) error

	CreatePayment(ctx context.Context, req PaymentRequest) (Payment, error)
	CapturePayment(ctx context.Context, id string, amount int64, idempotencyKey string) (Payment, error)
	CancelPayment(ctx context.Context, id, reason, idempotencyKey string) (Payment, error)
	GetPayment(ctx context.Context, id string) (Payment, error)

	GetCharge(ctx context.Context, id string) (Charge, error)
	ListCharges(ctx context.Context, f ChargeFilter) iter.Seq2[Charge, error]
	Refund(ctx context.Context, req RefundRequest) (Refund, error)
	ListRefunds(ctx context.Context, charge string) ([]Refund, error)
}
