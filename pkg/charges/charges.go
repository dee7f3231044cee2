// Package charges lists, filters, summarises and refunds the charges that
// tweetpay's purchases leave at the payment provider. What the provider can
// filter (customer, created range) is asked of it; the rest is read from the
// tweetpay metadata on each charge (see pkg/shop). Lists are streamed: a
// caller walking every charge holds one page at a time.
package charges

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// Sentinel errors.
var (
	// ErrBadTime: a --since or --until value that is neither a time nor a
	// duration.
	ErrBadTime = errors.New("invalid time")
	// ErrBadFilter: a filter value that is not allowed, such as an unknown
	// status.
	ErrBadFilter = errors.New("invalid filter")
	// ErrNotRefundable: the charge failed, is an authorisation released
	// without being captured, is already fully refunded, or has less left
	// than the amount asked for.
	ErrNotRefundable = errors.New("charge cannot be refunded")
)

// The values of Query.Status. Succeeded, failed and pending are Stripe's
// charge statuses; Refunded is tweetpay's: a charge with money given back
// after capture, in full or in part (see Refunded).
const (
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusPending   = "pending"
	StatusRefunded  = "refunded"
)

// Statuses lists the accepted values of Query.Status: Stripe's statuses,
// refunded, and the two that DisplayStatus shows for succeeded charges not
// captured.
var Statuses = []string{StatusSucceeded, StatusFailed, StatusPending, StatusRefunded, StatusAuthorized, StatusReleased}

// What DisplayStatus shows instead of "succeeded" for a charge that was
// authorised but not captured (see Released).
const (
	StatusAuthorized = "authorized"
	StatusReleased   = "released"
)

// Query selects charges.
type Query struct {
	// Offer is an offer's hashtag or gift handle, with or without '#' or
	// '@', matched case-insensitively against the charge's "offer" metadata
	// (see CheckOffer).
	Offer string
	// Buyer is a buyer's handle ("@alice"); their Customer is looked up by
	// e-mail and filtered on by the provider (see CheckBuyer).
	Buyer string
	// Status is one of Statuses, or "" for any.
	Status string
	// Since and Until bound the creation time, inclusive; zero means open.
	Since, Until time.Time
	// Limit is the most charges returned after filtering; 0 means all.
	Limit int
}

// Validate checks the values that do not need the provider.
func (q Query) Validate() error {
	if q.Offer != "" {
		if p := CheckOffer(q.Offer); p != "" {
			return fmt.Errorf("%w: offer %q %s", ErrBadFilter, q.Offer, p)
		}
	}
	if q.Buyer != "" {
		if p := CheckBuyer(q.Buyer); p != "" {
			return fmt.Errorf("%w: buyer %q %s", ErrBadFilter, q.Buyer, p)
		}
	}
	if q.Status != "" && !isStatus(q.Status) {
		return fmt.Errorf("%w: status %q is not one of %s", ErrBadFilter, q.Status, strings.Join(Statuses, ", "))
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && q.Until.Before(q.Since) {
		return fmt.Errorf("%w: until (%s) is before since (%s)", ErrBadFilter,
			q.Until.UTC().Format(time.RFC3339), q.Since.UTC().Format(time.RFC3339))
	}
	if q.Limit < 0 {
		return fmt.Errorf("%w: limit %d is negative", ErrBadFilter, q.Limit)
	}
	return nil
}

// CheckBuyer returns what is wrong with a buyer filter, or "": it must be a
// handle as buyers are declared (buyer.NormalizeHandle), with or without
// its '@'.
func CheckBuyer(h string) string {
	if _, err := buyer.NormalizeHandle(h); err == nil {
		return ""
	}
	if name, _ := cutSign(h, "@＠"); name == "" {
		return "is empty: write a Twitter username such as @alice"
	}
	return "is not a Twitter username: use 1 to 20 letters, digits or underscores, with or without @, such as @alice"
}

// CheckOffer returns what is wrong with an offer filter, or "": it must be
// what an offer declares, a purchase hashtag with or without its '#'
// ("BuyBlueMug", "#BuyBlueMug") or a gift handle with or without its '@'
// ("@tweetacoffee").
func CheckOffer(s string) string {
	name, sign := cutSign(s, "#＃@＠")
	switch {
	case name == "":
		return "is empty: write an offer's hashtag or gift handle, such as BuyBlueMug or @tweetacoffee"
	case sign == '#' || sign == '＃':
		if !tweet.IsValidHashtag(name) {
			return "is not a hashtag: use letters, digits and underscores, with at least one letter, such as #BuyBlueMug"
		}
	case sign == '@' || sign == '＠':
		if !validHandle(s) {
			return "is not a gift handle: use 1 to 20 letters, digits or underscores, such as @tweetacoffee"
		}
	case !tweet.IsValidHashtag(name) && !validHandle(s):
		return "is neither a hashtag nor a gift handle: write an offer's, such as BuyBlueMug, #BuyBlueMug or @tweetacoffee"
	}
	return ""
}

// cutSign trims s and cuts one leading sign among signs; sign is 0 when
// there is none.
func cutSign(s, signs string) (name string, sign rune) {
	s = strings.TrimSpace(s)
	if r, w := utf8.DecodeRuneInString(s); w > 0 && strings.ContainsRune(signs, r) {
		return s[w:], r
	}
	return s, 0
}

// validHandle reports whether h, with or without its '@', is a username.
func validHandle(h string) bool {
	_, err := buyer.NormalizeHandle(h)
	return err == nil
}

func isStatus(s string) bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// clientSide reports whether Match filters anything the provider did not.
func (q Query) clientSide() bool {
	return q.Offer != "" || q.Status != ""
}

// Match reports whether a charge passes the filters that the provider cannot
// apply: the offer and the status. (Buyer and times are the provider's.)
func (q Query) Match(c payment.Charge) bool {
	if q.Offer != "" && !SameOffer(c.Metadata[shop.MetaOffer], q.Offer) {
		return false
	}
	switch q.Status {
	case "":
	case StatusRefunded:
		if Refunded(c) == 0 {
			return false
		}
	case StatusAuthorized, StatusReleased:
		if DisplayStatus(c) != q.Status {
			return false
		}
	default:
		if c.Status != q.Status {
			return false
		}
	}
	return true
}

// SameOffer reports whether two offer names are the same offer: the sign
// ('#', '@' or the full-width '＃') and the case do not matter.
func SameOffer(a, b string) bool {
	return strings.EqualFold(trimSign(a), trimSign(b))
}

func trimSign(s string) string {
	return strings.TrimLeft(strings.TrimSpace(s), "#＃@＠")
}

// NormalizeHandle returns a handle with one leading '@' (a full-width '＠'
// becomes '@').
func NormalizeHandle(h string) string {
	return "@" + strings.TrimLeft(strings.TrimSpace(h), "@＠")
}

// Refunded returns the money given back on a charge after capture: Stripe's
// amount_refunded less the part of an authorisation that was released
// without being captured (a cancelled or partly captured payment, see
// Uncaptured), which never left the buyer's account.
func Refunded(c payment.Charge) int64 {
	if !c.Captured {
		return 0
	}
	return max(c.AmountRefunded-Uncaptured(c), 0)
}

// Uncaptured returns the part of a captured charge's authorisation that was
// released when it was captured for less: Stripe counts it in
// amount_refunded (with a refund object of its own), but no money was
// taken for it, so none was given back.
func Uncaptured(c payment.Charge) int64 {
	if !c.Captured || c.AmountCaptured == 0 {
		// Providers that predate amount_captured capture the whole amount.
		return 0
	}
	return max(c.Amount-c.AmountCaptured, 0)
}

// Released reports whether a charge is an authorisation that was cancelled
// (released) without ever being captured, as when a confirmation window
// closes. Stripe reports such a charge as succeeded, not captured, with
// refunded set and amount_refunded equal to the amount, but no money was
// taken from the buyer and none was given back: it is not a refund.
func Released(c payment.Charge) bool {
	return c.Status == StatusSucceeded && !c.Captured && c.Refunded
}

// DisplayStatus is the status shown to people: Stripe's, except that a
// succeeded charge not captured is StatusAuthorized (awaiting capture) or
// StatusReleased (see Released).
func DisplayStatus(c payment.Charge) string {
	if c.Status == StatusSucceeded && !c.Captured {
		if Released(c) {
			return StatusReleased
		}
		return StatusAuthorized
	}
	return c.Status
}

// Captured returns the money taken by a charge: amount_captured of a
// succeeded, captured charge, 0 otherwise.
func Captured(c payment.Charge) int64 {
	if c.Status != StatusSucceeded || !c.Captured {
		return 0
	}
	if c.AmountCaptured == 0 {
		// Providers that predate amount_captured report only amount.
		return c.Amount
	}
	return c.AmountCaptured
}

// Failure returns why a charge failed: the decline code when the bank gave
// one (insufficient_funds), else the failure code (expired_card), else "".
func Failure(c payment.Charge) string {
	if d := c.DeclineCode(); d != "" {
		return d
	}
	if c.Status == StatusFailed {
		return c.FailureCode
	}
	return ""
}

// Lister finds charges at a provider.
type Lister struct {
	Gateway payment.Gateway
	// PageSize is the provider's page size (1-100); 0 means 100 when
	// filtering locally, else the limit.
	PageSize int
}

// List yields the charges selected by q, newest first. The buyer is resolved
// to a Customer first; a buyer without one has no charges. Pages are fetched
// as the caller iterates, so stopping early fetches no more.
func (l Lister) List(ctx context.Context, q Query) iter.Seq2[payment.Charge, error] {
	return func(yield func(payment.Charge, error) bool) {
		if err := q.Validate(); err != nil {
			yield(payment.Charge{}, err)
			return
		}
		f, ok, err := l.filter(ctx, q)
		if err != nil {
			yield(payment.Charge{}, err)
			return
		}
		if !ok {
			return
		}
		n := 0
		for c, err := range l.Gateway.ListCharges(ctx, f) {
			if err != nil {
				yield(payment.Charge{}, fmt.Errorf("list charges: %w", err))
				return
			}
			if !q.Match(c) {
				continue
			}
			if !yield(c, nil) {
				return
			}
			n++
			if q.Limit > 0 && n >= q.Limit {
				return
			}
		}
	}
}

// filter turns q into the provider's filter; ok is false when nothing can
// match (a buyer without a Customer).
func (l Lister) filter(ctx context.Context, q Query) (payment.ChargeFilter, bool, error) {
	f := payment.ChargeFilter{CreatedGTE: q.Since, CreatedLTE: q.Until, PageSize: l.PageSize}
	if !q.clientSide() {
		// The provider can stop at the limit by itself.
		f.Limit = q.Limit
	} else if f.PageSize == 0 {
		f.PageSize = 100
	}
	if q.Buyer != "" {
		h := NormalizeHandle(q.Buyer)
		c, found, err := l.Gateway.FindCustomer(ctx, shop.CustomerEmail(h))
		if err != nil {
			return f, false, fmt.Errorf("find customer of %s: %w", h, err)
		}
		if !found {
			return f, false, nil
		}
		f.Customer = c.ID
	}
	return f, true, nil
}
