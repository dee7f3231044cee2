package emulator

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/money"
)

var currencySymbols = map[string]string{
	"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "aud": "$", "cad": "$", "nzd": "$", "sgd": "$",
	"hkd": "$", "mxn": "$", "brl": "R$", "inr": "₹", "chf": "CHF ", "sek": "kr", "nok": "kr", "dkk": "kr",
	"pln": "zł", "czk": "Kč", "huf": "Ft", "thb": "฿", "myr": "RM", "aed": "AED ", "bgn": "лв", "ron": "lei",
}

func decimals(cur string) int {
	d, err := money.Exponent(cur)
	if err != nil {
		return 2
	}
	return d
}

// formatMajor writes a minor-unit amount in major units ("12.50", "500").
func formatMajor(amount int64, cur string) string {
	d := decimals(cur)
	neg := amount < 0
	if neg {
		amount = -amount
	}
	s := strconv.FormatInt(amount, 10)
	if d > 0 {
		for len(s) <= d {
			s = "0" + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// formatMoney writes an amount as Stripe's messages do ("$0.50").
func formatMoney(amount int64, cur string) string {
	if sym, ok := currencySymbols[cur]; ok {
		return sym + formatMajor(amount, cur)
	}
	return formatMajor(amount, cur) + " " + strings.ToUpper(cur)
}

// checkCurrency validates a currency code given as param.
func checkCurrency(cur, param string) (string, *apiError) {
	c := strings.ToLower(cur)
	if !money.IsSupported(c) {
		return "", invalidRequest("", param, "Invalid currency: %s. Stripe currently supports these currencies: %s", cur,
			"usd, aed, afn, all, amd, ang, aoa, ars, aud, awg, azn, bam, bbd, bdt, bgn, bhd, bif, bmd, bnd, bob, brl, ... (see https://stripe.com/docs/currencies)")
	}
	return c, nil
}

// checkChargeAmount applies the minimum-amount and three-decimal rules.
func checkChargeAmount(amount int64, cur string) *apiError {
	if amount < 1 {
		return invalidRequest("parameter_invalid_integer", "amount", "This value must be greater than or equal to 1.")
	}
	minimum := money.Minimum(cur).Minor
	if amount < minimum {
		e := invalidRequest("amount_too_small", "amount", "Amount must be at least %s %s", formatMoney(minimum, cur), cur)
		return e
	}
	if decimals(cur) == 3 && amount%10 != 0 {
		return invalidRequest("invalid_amount", "amount",
			"Invalid amount for %s: amounts in three-decimal currencies must be a multiple of 10 (the last digit must be 0), got %d.", cur, amount)
	}
	if amount > 99999999 {
		e := invalidRequest("amount_too_large", "amount", "Amount must be no more than %s %s", formatMoney(99999999, cur), cur)
		e.Status = http.StatusBadRequest
		return e
	}
	return nil
}

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
