package money

import "sync"

// currencyInfo describes how Stripe treats one ISO 4217 currency.
type currencyInfo struct {
	exponent int // digits after the decimal point in major units
}

// zeroDecimal lists the currencies Stripe charges in whole units
// (docs.stripe.com/currencies#zero-decimal).
var zeroDecimal = []string{
	"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga",
	"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
}

// threeDecimal lists the currencies Stripe charges in thousandths; the last
// digit of their amounts must be 0 (docs.stripe.com/currencies#three-decimal).
var threeDecimal = []string{"bhd", "jod", "kwd", "omr", "tnd"}

// twoDecimal lists the other currencies Stripe accepts for charges
// (docs.stripe.com/currencies, "Presentment currencies").
var twoDecimal = []string{
	"usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg",
	"azn", "bam", "bbd", "bdt", "bgn", "bmd", "bnd", "bob", "brl", "bsd",
	"bwp", "byn", "bzd", "cad", "cdf", "chf", "cny", "cop", "crc", "cve",
	"czk", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp",
	"gel", "gip", "gmd", "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr",
	"ils", "inr", "isk", "jmd", "kes", "kgs", "khr", "kyd", "kzt", "lak",
	"lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mkd", "mmk", "mnt", "mop",
	"mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
	"npr", "nzd", "pab", "pen", "pgk", "php", "pkr", "pln", "qar", "ron",
	"rsd", "rub", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos",
	"srd", "std", "szl", "thb", "tjs", "top", "try", "ttd", "twd", "tzs",
	"uah", "uyu", "uzs", "wst", "xcd", "yer", "zar", "zmw",
}

// currencies maps every supported lowercase code to its description. It is
// built on first use: a command that handles no money pays nothing for it.
var currencies = sync.OnceValue(func() map[string]currencyInfo {
	m := make(map[string]currencyInfo, len(zeroDecimal)+len(threeDecimal)+len(twoDecimal))
	for _, c := range twoDecimal {
		m[c] = currencyInfo{exponent: 2}
	}
	for _, c := range zeroDecimal {
		m[c] = currencyInfo{exponent: 0}
	}
	for _, c := range threeDecimal {
		m[c] = currencyInfo{exponent: 3}
	}
	return m
})

// minimum returns Stripe's minimum charge amount in minor units, if its table
// lists the currency
// (reference: docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
func minimum(c string) (int64, bool) {
	switch c {
	case "usd", "eur", "jpy", "aud", "brl", "cad", "chf", "inr", "nzd", "sgd":
		return 50, true
	case "gbp":
		return 30, true
	case "bgn":
		return 100, true
	case "aed", "myr", "pln", "ron":
		return 200, true
	case "dkk":
		return 250, true
	case "nok", "sek":
		return 300, true
	case "hkd":
		return 400, true
	case "mxn", "thb":
		return 1000, true
	case "czk":
		return 1500, true
	case "huf":
		return 17500, true
	}
	return 0, false
}

// DefaultMinimum is the minimum, in minor units, assumed for currencies that
// Stripe's published table does not list. Stripe's real rule for them is
// "about USD 0.50 at the day's rate"; 50 minor units is what the WooCommerce
// Stripe gateway assumes too. Stripe may still refuse such an amount.
const DefaultMinimum = 50

// symbols are the currencies written with a symbol in front of the amount;
// every other currency is written as "CODE 1.23".
func symbol(c string) (string, bool) {
	switch c {
	case "usd":
		return "$", true
	case "eur":
		return "€", true
	case "gbp":
		return "£", true
	case "jpy":
		return "¥", true
	}
	return "", false
}
