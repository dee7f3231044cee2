// Package shop is the purchase engine: a tweet goes in, the engine decides
// what the merchant's bot would do (purchase, ask for confirmation, capture,
// gift, refuse or ignore), makes the payments through a payment.Gateway
// exactly once, and records the result in the simulation's state.
package shop

import "time"

// Outcomes of a processed tweet (CLI.md).
const (
	Purchased            = "purchased"
	AwaitingConfirmation = "awaiting_confirmation"
	Confirmed            = "confirmed"
	Expired              = "expired"
	Gifted               = "gifted"
	Declined             = "declined"
	Rejected             = "rejected"
	Ignored              = "ignored"
)

// Reasons for rejected and ignored tweets.
const (
	ReasonNotLinked         = "not_linked"
	ReasonCountryNotAllowed = "country_not_allowed"
	ReasonSoldOut           = "sold_out"
	ReasonLimitReached      = "limit_reached"
	ReasonOfferInactive     = "offer_inactive"
	ReasonNoPending         = "no_pending_purchase"
	ReasonNoRecipient       = "no_recipient"
	ReasonNoOffer           = "no_offer"
	ReasonRetweet           = "retweet"
	ReasonOwnTweet          = "own_tweet"
	ReasonAlreadyPending    = "already_pending"
	ReasonWindowClosed      = "window_closed"
	// ReasonPaymentCanceled: the authorisation was released (by charges
	// refund, from the Dashboard, or by Stripe) before the confirmation.
	ReasonPaymentCanceled = "payment_canceled"
)

// Outcomes lists every outcome, for validating --expect.
var Outcomes = []string{Purchased, AwaitingConfirmation, Confirmed, Expired, Gifted, Declined, Rejected, Ignored}

// Result is what happened to one tweet. Its JSON form is the public
// contract of `simulate tweet -o json`.
type Result struct {
	TweetID       string    `json:"tweet_id"`
	From          string    `json:"from"`
	At            time.Time `json:"at"`
	Outcome       string    `json:"outcome"`
	Reason        *string   `json:"reason"`
	Offer         *string   `json:"offer"`
	Amount        int64     `json:"amount"`
	Currency      *string   `json:"currency"`
	PaymentIntent *string   `json:"payment_intent"`
	Charge        *string   `json:"charge"`
	ErrorCode     *string   `json:"error_code"`
	DeclineCode   *string   `json:"decline_code"`
	Message       string    `json:"message,omitempty"`
	Reply         string    `json:"reply"`
	Duplicate     bool      `json:"duplicate"`
	ConfirmBy     *string   `json:"confirm_by,omitempty"`
	// Gifts is one entry per recipient of a gift tweet, and empty, not nil,
	// for a gift tweet refused before any recipient was reached (such as an
	// unlinked sender, or no recipient): every gift tweet has "gifts", []
	// then, and no other tweet has it.
	Gifts []Gift `json:"gifts,omitzero"`
	// Closes is the authorisation of a pending purchase that this result
	// captured (confirmed) or cancelled (expired, or a purchase whose
	// window had closed, cancelled before the buyer's new one), nil when
	// it closed none. It is not part of the JSON form, nor recorded: the
	// result given back for a tweet processed before has none, as the
	// tweet closed nothing this time.
	Closes *Authorisation `json:"-"`
}

// Authorisation is the authorised payment of a pending purchase.
type Authorisation struct {
	// Run is the Tweet.Run of the tweet that made it: "" for one made
	// outside a run, one whose payment was replayed from an earlier
	// request, or one recorded before runs were kept.
	Run           string
	PaymentIntent string
	Amount        int64
	Currency      string
}

// Gift is one recipient's part of a gift tweet.
type Gift struct {
	To            string  `json:"to"`
	Outcome       string  `json:"outcome"`
	Reason        *string `json:"reason"`
	Amount        int64   `json:"amount"`
	PaymentIntent *string `json:"payment_intent"`
	Charge        *string `json:"charge"`
	ErrorCode     *string `json:"error_code"`
	DeclineCode   *string `json:"decline_code"`
	GiftCode      *string `json:"gift_code"`
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Str returns the value of an optional string field, or "".
func Str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
