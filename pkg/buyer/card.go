package buyer

import (
	"slices"
	"strings"
	"sync"
)

// Card is a Stripe test card resolved from what a tester typed.
type Card struct {
	// Input is what was typed: an alias, a card number or a token.
	Input string
	// Token is the pm_card_* PaymentMethod token sent to Stripe. Stripe refuses
	// raw card numbers without special permission, so numbers are translated.
	Token string
	// Brand is the card brand ("visa", "mastercard", "amex", ...), "" when unknown.
	Brand string
	// Last4 is the last four digits of the card number, "" when unknown.
	Last4 string
	// AttachFails reports that Stripe refuses the card when it is attached to
	// a Customer (stripe.md 1.3a): decline cards other than
	// pm_card_chargeCustomerFail fail at "buyer link", not at purchase time.
	AttachFails bool
	// Decline is the decline_code (or, without one, the error code) a charge
	// on the card gets, "" when it succeeds.
	Decline string
}

// testCard is one row of Stripe's test card table (reference stripe.md 1.2).
type testCard struct {
	aliases     []string // first one is the canonical alias
	number      string
	token       string
	brand       string
	decline     string
	attachFails bool
	otherTokens []string
}

var testCards = []testCard{
	{aliases: []string{"visa"}, number: "4242424242424242", token: "pm_card_visa", brand: "visa"},
	{aliases: []string{"visa_debit"}, number: "4000056655665556", token: "pm_card_visa_debit", brand: "visa"},
	{aliases: []string{"mastercard", "mc"}, number: "5555555555554444", token: "pm_card_mastercard", brand: "mastercard"},
	{aliases: []string{"mastercard_debit"}, number: "5200828282828210", token: "pm_card_mastercard_debit", brand: "mastercard"},
	{aliases: []string{"mastercard_prepaid"}, number: "5105105105105100", token: "pm_card_mastercard_prepaid", brand: "mastercard"},
	{aliases: []string{"amex", "american_express"}, number: "378282246310005", token: "pm_card_amex", brand: "amex"},
	{aliases: []string{"discover"}, number: "6011111111111117", token: "pm_card_discover", brand: "discover"},
	{aliases: []string{"diners"}, number: "3056930009020004", token: "pm_card_diners", brand: "diners"},
	{aliases: []string{"jcb"}, number: "3566002020360505", token: "pm_card_jcb", brand: "jcb"},
	{aliases: []string{"unionpay"}, number: "6200000000000005", token: "pm_card_unionpay", brand: "unionpay"},
	{aliases: []string{"declined", "generic_decline", "card_declined"}, number: "4000000000000002",
		token: "pm_card_visa_chargeDeclined", brand: "visa", decline: "generic_decline", attachFails: true,
		otherTokens: []string{"pm_card_chargeDeclined"}},
	{aliases: []string{"insufficient_funds"}, number: "4000000000009995",
		token: "pm_card_visa_chargeDeclinedInsufficientFunds", brand: "visa", decline: "insufficient_funds", attachFails: true,
		otherTokens: []string{"pm_card_chargeDeclinedInsufficientFunds"}},
	{aliases: []string{"lost", "lost_card"}, number: "4000000000009987",
		token: "pm_card_visa_chargeDeclinedLostCard", brand: "visa", decline: "lost_card", attachFails: true},
	{aliases: []string{"stolen", "stolen_card"}, number: "4000000000009979",
		token: "pm_card_visa_chargeDeclinedStolenCard", brand: "visa", decline: "stolen_card", attachFails: true},
	{aliases: []string{"expired", "expired_card"}, number: "4000000000000069",
		token: "pm_card_chargeDeclinedExpiredCard", brand: "visa", decline: "expired_card", attachFails: true},
	{aliases: []string{"incorrect_cvc"}, number: "4000000000000127",
		token: "pm_card_chargeDeclinedIncorrectCvc", brand: "visa", decline: "incorrect_cvc", attachFails: true},
	{aliases: []string{"processing_error"}, number: "4000000000000119",
		token: "pm_card_chargeDeclinedProcessingError", brand: "visa", decline: "processing_error", attachFails: true},
	// Not in the list of cards stripe.md 1.3a says fail at attach time.
	{aliases: []string{"velocity", "card_velocity_exceeded"}, number: "4000000000006975",
		token: "pm_card_visa_chargeDeclinedVelocityLimitExceeded", brand: "visa", decline: "card_velocity_exceeded"},
	{aliases: []string{"fraudulent", "radar_block"}, number: "4100000000000019",
		token: "pm_card_chargeDeclinedFraudulent", brand: "visa", decline: "fraudulent",
		otherTokens: []string{"pm_card_radarBlock"}},
	{aliases: []string{"risk_highest"}, number: "4000000000004954", token: "pm_card_riskLevelHighest", brand: "visa"},
	{aliases: []string{"risk_elevated"}, number: "4000000000009235", token: "pm_card_riskLevelElevated", brand: "visa"},
	// Attaches fine, every charge then fails: the way to give a linked buyer
	// a card that declines at purchase time.
	{aliases: []string{"charge_customer_fail", "charge_fail"}, number: "4000000000000341",
		token: "pm_card_chargeCustomerFail", brand: "visa", decline: "generic_decline"},
	// Declines off-session charges that were not set up for authentication.
	{aliases: []string{"authentication_required", "3ds"}, number: "4000002500003155",
		token: "pm_card_authenticationRequiredOnSetup", brand: "visa", decline: "authentication_required"},
}

// cardIndex looks test cards up by alias, number and token. It is built on
// first use rather than at start-up.
type cardIndex struct {
	byAlias, byNumber, byToken map[string]*testCard
}

var cards = sync.OnceValue(func() cardIndex {
	ix := cardIndex{byAlias: map[string]*testCard{}, byNumber: map[string]*testCard{}, byToken: map[string]*testCard{}}
	for i := range testCards {
		c := &testCards[i]
		for _, a := range c.aliases {
			ix.byAlias[a] = c
		}
		ix.byNumber[c.number] = c
		ix.byToken[c.token] = c
		for _, tok := range c.otherTokens {
			ix.byToken[tok] = c
		}
	}
	return ix
})

// Aliases returns the card aliases ResolveCard accepts, canonical ones first
// in table order.
func Aliases() []string {
	out := make([]string, 0, len(cards().byAlias))
	for _, c := range testCards {
		out = append(out, c.aliases[0])
	}
	for _, c := range testCards {
		out = append(out, c.aliases[1:]...)
	}
	return out
}

func (c *testCard) card(input string) Card {
	return Card{Input: input, Token: c.token, Brand: c.brand, Last4: c.number[len(c.number)-4:],
		AttachFails: c.attachFails, Decline: c.decline}
}

// ResolveCard turns what a tester typed for a buyer's card into the Stripe
// test token to use. It accepts an alias (visa, mastercard, amex, declined,
// insufficient_funds, expired, incorrect_cvc, processing_error, lost, stolen,
// fraudulent, velocity, charge_customer_fail, ...; case and '-' for '_' do
// not matter), one of Stripe's test card numbers (spaces and dashes allowed),
// or a pm_card_* token: known tokens get their brand and decline, others pass
// through unchanged. Errors wrap ErrInvalid and say what to write instead.
func ResolveCard(s string) (Card, error) {
	in := strings.TrimSpace(s)
	switch {
	case in == "":
		return Card{}, invalidf("no card given: write an alias such as visa or declined, a Stripe test card number, or a pm_card_* token")
	case strings.HasPrefix(in, "pm_card_"):
		if len(in) == len("pm_card_") || strings.ContainsAny(in, " \t/?#&") {
			return Card{}, invalidf("card %q is not a token: write one such as pm_card_visa", s)
		}
		if c, ok := cards().byToken[in]; ok {
			return c.card(in), nil
		}
		return Card{Input: in, Token: in}, nil
	case strings.HasPrefix(in, "tok_"):
		return Card{}, invalidf("card %q: write the PaymentMethod form pm_card_%s instead of a tok_ token", s, in[len("tok_"):])
	case strings.HasPrefix(in, "pm_"):
		return Card{}, invalidf("card %q: only Stripe's pm_card_* test tokens can be linked, such as pm_card_visa", s)
	case looksLikeNumber(in):
		return resolveNumber(s, in)
	}
	alias := strings.ReplaceAll(strings.ToLower(in), "-", "_")
	if c, ok := cards().byAlias[alias]; ok {
		return c.card(in), nil
	}
	return Card{}, invalidf("unknown card %q: write one of %s, a Stripe test card number, or a pm_card_* token",
		s, strings.Join(canonical(), ", "))
}

func canonical() []string {
	out := make([]string, len(testCards))
	for i, c := range testCards {
		out[i] = c.aliases[0]
	}
	return out
}

func looksLikeNumber(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-':
		default:
			return false
		}
	}
	return digits > 0
}

func resolveNumber(orig, in string) (Card, error) {
	num := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, in)
	if len(num) < 12 || len(num) > 19 {
		return Card{}, invalidf("card number %q has %d digits: card numbers have 12 to 19", orig, len(num))
	}
	if !luhn(num) {
		return Card{}, invalidf("card number %q is incorrect (it fails the Luhn check, Stripe answers incorrect_number): check the digits, e.g. 4242 4242 4242 4242", orig)
	}
	if c, ok := cards().byNumber[num]; ok {
		return c.card(orig), nil
	}
	known := make([]string, 0, len(testCards))
	for _, c := range testCards {
		known = append(known, c.number+" ("+c.aliases[0]+")")
	}
	slices.Sort(known)
	return Card{}, invalidf("card number %q is not one of Stripe's test cards: use one of %s, or a pm_card_* token",
		orig, strings.Join(known, ", "))
}

// luhn reports whether the digits pass the Luhn checksum.
func luhn(num string) bool {
	sum := 0
	double := false
	for i := len(num) - 1; i >= 0; i-- {
		d := int(num[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
