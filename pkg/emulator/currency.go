package emulator

import (
	"net/http"
	"strconv"
	"strings"
)

var zeroDecimal = setOf("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf")

var threeDecimal = setOf("bhd", "jod", "kwd", "omr", "tnd")

// supportedCurrencies are the presentment currencies Stripe accepts.
var supportedCurrencies = setOf("usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn",
	"bam", "bbd", "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
	"cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur",
	"fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils",
	"inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp",
	"lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr",
	"mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg",
	"qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std",
	"szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd", "vuv",
	"wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw")

// minimumAmounts are Stripe's minimum charge amounts in minor units;
// other currencies default to 50 minor units.
var minimumAmounts = map[string]int64{
	"usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50,
	"chf": 50, "czk": 1500, "dkk": 250, "hkd": 400, "huf": 17500, "inr": 50, "mxn": 1000, "myr": 200,
	"nok": 300, "nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}

var currencySymbols = map[string]string{
	"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "aud": "$", "cad": "$", "nzd": "$", "sgd": "$",
	"hkd": "$", "mxn": "$", "brl": "R$", "inr": "₹", "chf": "CHF ", "sek": "kr", "nok": "kr", "dkk": "kr",
	"pln": "zł", "czk": "Kč", "huf": "Ft", "thb": "฿", "myr": "RM", "aed": "AED ", "bgn": "лв", "ron": "lei",
}

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func decimals(cur string) int {
	switch {
	case zeroDecimal[cur]:
		return 0
	case threeDecimal[cur]:
		return 3
	}
	return 2
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
	if !supportedCurrencies[c] {
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
	minimum, ok := minimumAmounts[cur]
	if !ok {
		minimum = 50
	}
	if amount < minimum {
		e := invalidRequest("amount_too_small", "amount", "Amount must be at least %s %s", formatMoney(minimum, cur), cur)
		return e
	}
	if threeDecimal[cur] && amount%10 != 0 {
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
