package buyer

import (
	"errors"
	"strings"
	"testing"
)

func TestResolveCard(t *testing.T) {
	tests := []struct {
		in   string
		want Card
	}{
		{"visa", Card{Input: "visa", Token: "pm_card_visa", Brand: "visa", Last4: "4242"}},
		{" VISA ", Card{Input: "VISA", Token: "pm_card_visa", Brand: "visa", Last4: "4242"}},
		{"mastercard", Card{Input: "mastercard", Token: "pm_card_mastercard", Brand: "mastercard", Last4: "4444"}},
		{"amex", Card{Input: "amex", Token: "pm_card_amex", Brand: "amex", Last4: "0005"}},
		{"declined", Card{Input: "declined", Token: "pm_card_visa_chargeDeclined", Brand: "visa", Last4: "0002", AttachFails: true, Decline: "generic_decline"}},
		{"insufficient-funds", Card{Input: "insufficient-funds", Token: "pm_card_visa_chargeDeclinedInsufficientFunds", Brand: "visa", Last4: "9995", AttachFails: true, Decline: "insufficient_funds"}},
		{"expired", Card{Input: "expired", Token: "pm_card_chargeDeclinedExpiredCard", Brand: "visa", Last4: "0069", AttachFails: true, Decline: "expired_card"}},
		{"incorrect_cvc", Card{Input: "incorrect_cvc", Token: "pm_card_chargeDeclinedIncorrectCvc", Brand: "visa", Last4: "0127", AttachFails: true, Decline: "incorrect_cvc"}},
		{"processing_error", Card{Input: "processing_error", Token: "pm_card_chargeDeclinedProcessingError", Brand: "visa", Last4: "0119", AttachFails: true, Decline: "processing_error"}},
		{"lost", Card{Input: "lost", Token: "pm_card_visa_chargeDeclinedLostCard", Brand: "visa", Last4: "9987", AttachFails: true, Decline: "lost_card"}},
		{"stolen", Card{Input: "stolen", Token: "pm_card_visa_chargeDeclinedStolenCard", Brand: "visa", Last4: "9979", AttachFails: true, Decline: "stolen_card"}},
		{"fraudulent", Card{Input: "fraudulent", Token: "pm_card_chargeDeclinedFraudulent", Brand: "visa", Last4: "0019", Decline: "fraudulent"}},
		{"velocity", Card{Input: "velocity", Token: "pm_card_visa_chargeDeclinedVelocityLimitExceeded", Brand: "visa", Last4: "6975", Decline: "card_velocity_exceeded"}},
		{"charge_customer_fail", Card{Input: "charge_customer_fail", Token: "pm_card_chargeCustomerFail", Brand: "visa", Last4: "0341", Decline: "generic_decline"}},
		{"4242424242424242", Card{Input: "4242424242424242", Token: "pm_card_visa", Brand: "visa", Last4: "4242"}},
		{"4242 4242 4242 4242", Card{Input: "4242 4242 4242 4242", Token: "pm_card_visa", Brand: "visa", Last4: "4242"}},
		{"4000-0000-0000-9995", Card{Input: "4000-0000-0000-9995", Token: "pm_card_visa_chargeDeclinedInsufficientFunds", Brand: "visa", Last4: "9995", AttachFails: true, Decline: "insufficient_funds"}},
		{"3782 822463 10005", Card{Input: "3782 822463 10005", Token: "pm_card_amex", Brand: "amex", Last4: "0005"}},
		{"pm_card_visa", Card{Input: "pm_card_visa", Token: "pm_card_visa", Brand: "visa", Last4: "4242"}},
		{"pm_card_chargeDeclined", Card{Input: "pm_card_chargeDeclined", Token: "pm_card_visa_chargeDeclined", Brand: "visa", Last4: "0002", AttachFails: true, Decline: "generic_decline"}},
		{"pm_card_radarBlock", Card{Input: "pm_card_radarBlock", Token: "pm_card_chargeDeclinedFraudulent", Brand: "visa", Last4: "0019", Decline: "fraudulent"}},
		{"pm_card_br", Card{Input: "pm_card_br", Token: "pm_card_br"}},
	}
	for _, tt := range tests {
		got, err := ResolveCard(tt.in)
		if err != nil {
			t.Errorf("ResolveCard(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ResolveCard(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestResolveCardErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no card given: write an alias such as visa"},
		{"  ", "no card given"},
		{"4242424242424241", "fails the Luhn check, Stripe answers incorrect_number"},
		{"4111111111111111", "is not one of Stripe's test cards: use one of 3056930009020004 (diners)"},
		{"4242", "has 4 digits: card numbers have 12 to 19"},
		{"bitcoin", `unknown card "bitcoin": write one of visa, visa_debit, mastercard`},
		{"tok_visa", "write the PaymentMethod form pm_card_visa instead of a tok_ token"},
		{"pm_1234", "only Stripe's pm_card_* test tokens can be linked"},
		{"pm_card_", "is not a token"},
		{"pm_card_visa?x=1", "is not a token"},
		{"4242-4242-4242-424x", "unknown card"},
	}
	for _, tt := range tests {
		_, err := ResolveCard(tt.in)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ResolveCard(%q) = %v, want an ErrInvalid containing %q", tt.in, err, tt.want)
		}
	}
}

func TestTestCardTable(t *testing.T) {
	for _, c := range testCards {
		if !luhn(c.number) {
			t.Errorf("%s: number %s fails Luhn", c.aliases[0], c.number)
		}
		if !strings.HasPrefix(c.token, "pm_card_") {
			t.Errorf("%s: token %s", c.aliases[0], c.token)
		}
		for _, a := range c.aliases {
			if cards().byAlias[a] != nil && cards().byAlias[a].number != c.number {
				t.Errorf("alias %s used twice", a)
			}
		}
	}
	aliases := Aliases()
	for _, want := range []string{"visa", "mastercard", "amex", "declined", "insufficient_funds", "expired",
		"incorrect_cvc", "processing_error", "lost", "stolen", "fraudulent", "charge_customer_fail", "velocity"} {
		found := false
		for _, a := range aliases {
			found = found || a == want
		}
		if !found {
			t.Errorf("Aliases() lacks %q", want)
		}
		if _, err := ResolveCard(want); err != nil {
			t.Errorf("ResolveCard(%q): %v", want, err)
		}
	}
	if len(aliases) != len(cards().byAlias) {
		t.Errorf("Aliases() has %d entries, table %d", len(aliases), len(cards().byAlias))
	}
}

func TestLuhn(t *testing.T) {
	for s, want := range map[string]bool{"4242424242424242": true, "4242424242424241": false, "79927398713": true, "0": true, "1": false} {
		if got := luhn(s); got != want {
			t.Errorf("luhn(%s) = %v", s, got)
		}
	}
}
