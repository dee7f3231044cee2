package money

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

// currencies maps every supported lowercase code to its description.
var currencies = func() map[string]currencyInfo {
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
}()

// minimums holds Stripe's minimum charge amounts in minor units
// (reference: docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
var minimums = map[string]int64{
	"usd": 50, "eur": 50, "gbp": 30, "jpy": 50, "aed": 200, "aud": 50,
	"bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500, "dkk": 250,
	"hkd": 400, "huf": 17500, "inr": 50, "mxn": 1000, "myr": 200, "nok": 300,
	"nzd": 50, "pln": 200, "ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}

// DefaultMinimum is the minimum, in minor units, assumed for currencies that
// Stripe's published table does not list. Stripe's real rule for them is
// "about USD 0.50 at the day's rate"; 50 minor units is what the WooCommerce
// Stripe gateway assumes too. Stripe may still refuse such an amount.
const DefaultMinimum = 50

// symbols are the currencies written with a symbol in front of the amount;
// every other currency is written as "CODE 1.23".
var symbols = map[string]string{"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥"}
