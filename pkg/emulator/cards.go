package emulator

import (
	"net/http"
	"strings"
)

// scenario is what a test card does when attached and when charged.
type scenario struct {
	code, declineCode, message, param string
	attachFails                       bool   // declines when attached to a customer (stripe.md 1.3a)
	blocked                           bool   // Radar block: outcome.type "blocked"
	threeDS                           string // "setup": needs authentication off-session; "always"
	riskLevel                         string
	cvcCheck                          string
}

const (
	msgDeclined = "Your card was declined."
)

var scenarios = map[string]scenario{
	"ok":                 {},
	"generic_decline":    {code: "card_declined", declineCode: "generic_decline", message: msgDeclined, attachFails: true},
	"insufficient_funds": {code: "card_declined", declineCode: "insufficient_funds", message: "Your card has insufficient funds.", attachFails: true},
	"lost_card":          {code: "card_declined", declineCode: "lost_card", message: msgDeclined, attachFails: true},
	"stolen_card":        {code: "card_declined", declineCode: "stolen_card", message: msgDeclined, attachFails: true},
	"expired_card":       {code: "expired_card", message: "Your card has expired.", param: "exp_month", attachFails: true},
	"incorrect_cvc":      {code: "incorrect_cvc", message: "Your card's security code is incorrect.", param: "cvc", attachFails: true, cvcCheck: "fail"},
	"processing_error":   {code: "processing_error", message: "An error occurred while processing your card. Try again in a little bit.", attachFails: true},
	"velocity":           {code: "card_declined", declineCode: "card_velocity_exceeded", message: "Your card was declined for making repeated attempts too frequently or exceeding its amount limit."},
	"fraudulent":         {code: "card_declined", declineCode: "fraudulent", message: msgDeclined, blocked: true, riskLevel: "highest"},
	"risk_highest":       {code: "card_declined", declineCode: "fraudulent", message: msgDeclined, blocked: true, riskLevel: "highest"},
	"risk_elevated":      {riskLevel: "elevated"},
	"customer_fail":      {code: "card_declined", declineCode: "generic_decline", message: msgDeclined},
	"auth_on_setup":      {threeDS: "setup"},
	"auth_always":        {threeDS: "always"},
}

type testCard struct {
	brand, country, funding, scenario string
}

// testCards maps Stripe's test card numbers to their behaviour.
var testCards = map[string]testCard{
	"4242424242424242": {"visa", "US", "credit", "ok"},
	"4000056655665556": {"visa", "US", "debit", "ok"},
	"5555555555554444": {"mastercard", "US", "credit", "ok"},
	"2223003122003222": {"mastercard", "US", "credit", "ok"},
	"5200828282828210": {"mastercard", "US", "debit", "ok"},
	"5105105105105100": {"mastercard", "US", "prepaid", "ok"},
	"378282246310005":  {"amex", "US", "credit", "ok"},
	"371449635398431":  {"amex", "US", "credit", "ok"},
	"6011111111111117": {"discover", "US", "credit", "ok"},
	"3056930009020004": {"diners", "US", "credit", "ok"},
	"36227206271667":   {"diners", "US", "credit", "ok"},
	"3566002020360505": {"jcb", "JP", "credit", "ok"},
	"6200000000000005": {"unionpay", "CN", "credit", "ok"},
	"4000000760000002": {"visa", "BR", "credit", "ok"},
	"4000001240000000": {"visa", "CA", "credit", "ok"},
	"4000002500000003": {"visa", "FR", "credit", "ok"},
	"4000002760000016": {"visa", "DE", "credit", "ok"},
	"4000008260000000": {"visa", "GB", "credit", "ok"},
	"4000003920000003": {"visa", "JP", "credit", "ok"},
	"4000004840008001": {"visa", "MX", "credit", "ok"},
	"4000000360000006": {"visa", "AU", "credit", "ok"},
	"4000003560000008": {"visa", "IN", "credit", "ok"},
	"4000000000000002": {"visa", "US", "credit", "generic_decline"},
	"4000000000009995": {"visa", "US", "credit", "insufficient_funds"},
	"4000000000009987": {"visa", "US", "credit", "lost_card"},
	"4000000000009979": {"visa", "US", "credit", "stolen_card"},
	"4000000000000069": {"visa", "US", "credit", "expired_card"},
	"4000000000000127": {"visa", "US", "credit", "incorrect_cvc"},
	"4000000000000119": {"visa", "US", "credit", "processing_error"},
	"4000000000006975": {"visa", "US", "credit", "velocity"},
	"4100000000000019": {"visa", "US", "credit", "fraudulent"},
	"4000000000004954": {"visa", "US", "credit", "risk_highest"},
	"4000000000009235": {"visa", "US", "credit", "risk_elevated"},
	"4000000000000341": {"visa", "US", "credit", "customer_fail"},
	"4000002500003155": {"visa", "US", "credit", "auth_on_setup"},
	"4000002760003184": {"visa", "US", "credit", "auth_always"},
	"4000000000003220": {"visa", "US", "credit", "auth_always"},
	"4000008400001629": {"visa", "US", "credit", "auth_always"},
}

// pmTokens maps pm_card_* test tokens to card numbers.
var pmTokens = map[string]string{
	"pm_card_visa":                "4242424242424242",
	"pm_card_visa_debit":          "4000056655665556",
	"pm_card_mastercard":          "5555555555554444",
	"pm_card_mastercard_debit":    "5200828282828210",
	"pm_card_mastercard_prepaid":  "5105105105105100",
	"pm_card_amex":                "378282246310005",
	"pm_card_discover":            "6011111111111117",
	"pm_card_diners":              "3056930009020004",
	"pm_card_jcb":                 "3566002020360505",
	"pm_card_unionpay":            "6200000000000005",
	"pm_card_us":                  "4242424242424242",
	"pm_card_br":                  "4000000760000002",
	"pm_card_ca":                  "4000001240000000",
	"pm_card_fr":                  "4000002500000003",
	"pm_card_de":                  "4000002760000016",
	"pm_card_gb":                  "4000008260000000",
	"pm_card_jp":                  "4000003920000003",
	"pm_card_mx":                  "4000004840008001",
	"pm_card_au":                  "4000000360000006",
	"pm_card_in":                  "4000003560000008",
	"pm_card_visa_chargeDeclined": "4000000000000002",
	"pm_card_chargeDeclined":      "4000000000000002",
	"pm_card_visa_chargeDeclinedInsufficientFunds":     "4000000000009995",
	"pm_card_chargeDeclinedInsufficientFunds":          "4000000000009995",
	"pm_card_visa_chargeDeclinedLostCard":              "4000000000009987",
	"pm_card_chargeDeclinedLostCard":                   "4000000000009987",
	"pm_card_visa_chargeDeclinedStolenCard":            "4000000000009979",
	"pm_card_chargeDeclinedStolenCard":                 "4000000000009979",
	"pm_card_chargeDeclinedExpiredCard":                "4000000000000069",
	"pm_card_chargeDeclinedIncorrectCvc":               "4000000000000127",
	"pm_card_chargeDeclinedProcessingError":            "4000000000000119",
	"pm_card_visa_chargeDeclinedVelocityLimitExceeded": "4000000000006975",
	"pm_card_radarBlock":                               "4100000000000019",
	"pm_card_chargeDeclinedFraudulent":                 "4100000000000019",
	"pm_card_riskLevelHighest":                         "4000000000004954",
	"pm_card_riskLevelElevated":                        "4000000000009235",
	"pm_card_chargeCustomerFail":                       "4000000000000341",
	"pm_card_authenticationRequiredOnSetup":            "4000002500003155",
	"pm_card_authenticationRequired":                   "4000002760003184",
	"pm_card_threeDSecure2Required":                    "4000000000003220",
	"pm_card_threeDSecureRequiredChargeDeclined":       "4000008400001629",
}

// tokenNumber resolves a pm_card_* or tok_* test token to a card number.
func tokenNumber(tok string) (string, bool) {
	if strings.HasPrefix(tok, "tok_") {
		tok = "pm_card_" + tok[len("tok_"):]
	}
	n, ok := pmTokens[tok]
	return n, ok
}

func luhnValid(n string) bool {
	if len(n) < 12 || len(n) > 19 {
		return false
	}
	sum := 0
	double := false
	for i := len(n) - 1; i >= 0; i-- {
		c := n[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
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

func brandOf(n string) string {
	switch {
	case strings.HasPrefix(n, "4"):
		return "visa"
	case strings.HasPrefix(n, "34"), strings.HasPrefix(n, "37"):
		return "amex"
	case n[0] == '5' && n[1] >= '1' && n[1] <= '5', strings.HasPrefix(n, "2"):
		return "mastercard"
	case strings.HasPrefix(n, "6011"), strings.HasPrefix(n, "65"):
		return "discover"
	case strings.HasPrefix(n, "35"):
		return "jcb"
	case strings.HasPrefix(n, "30"), strings.HasPrefix(n, "36"), strings.HasPrefix(n, "38"):
		return "diners"
	case strings.HasPrefix(n, "62"):
		return "unionpay"
	}
	return "unknown"
}

// cardFor describes a number: a known test card, or any Luhn-valid number
// (which succeeds, like an unlisted card in test mode).
func cardFor(n string) (testCard, *apiError) {
	if tc, ok := testCards[n]; ok {
		return tc, nil
	}
	if !luhnValid(n) {
		return testCard{}, cardError("incorrect_number", "", "Your card number is incorrect.", "number")
	}
	return testCard{brand: brandOf(n), country: "US", funding: "credit", scenario: "ok"}, nil
}

func cardError(code, declineCode, msg, param string) *apiError {
	return &apiError{Status: http.StatusPaymentRequired, Type: "card_error", Code: code, DeclineCode: declineCode,
		Message: msg, Param: param, DocURL: docURL(code)}
}

func displayBrand(b string) string {
	switch b {
	case "amex":
		return "american_express"
	case "diners":
		return "diners_club"
	}
	return b
}

// outcomeFor builds a charge's outcome for a scenario (nil error: success).
func outcomeFor(sc scenario, declined bool, riskScore int64) *outcome {
	o := &outcome{RiskLevel: "normal", RiskScore: riskScore}
	if sc.riskLevel != "" {
		o.RiskLevel = sc.riskLevel
	}
	switch o.RiskLevel {
	case "elevated":
		o.RiskScore = 65 + riskScore%10
	case "highest":
		o.RiskScore = 85 + riskScore%15
	}
	switch {
	case !declined:
		o.NetworkStatus, o.Type, o.SellerMessage = "approved_by_network", "authorized", "Payment complete."
		if o.RiskLevel == "elevated" {
			o.Reason = strp("elevated_risk_level")
			o.Type = "manual_review"
			o.SellerMessage = "Stripe evaluated this payment as having elevated risk, and placed it in your manual review queue."
		}
	case sc.blocked:
		o.NetworkStatus, o.Type = "not_sent_to_network", "blocked"
		o.Reason = strp("highest_risk_level")
		o.SellerMessage = "Stripe blocked this payment as too risky."
	default:
		o.NetworkStatus, o.Type = "declined_by_network", "issuer_declined"
		reason := sc.declineCode
		if reason == "" {
			reason = sc.code
		}
		o.Reason = strp(reason)
		if sc.declineCode == "generic_decline" || sc.declineCode == "" {
			o.SellerMessage = "The bank did not return any further details with this decline."
		} else {
			o.SellerMessage = "The bank returned the decline code `" + sc.declineCode + "`."
		}
		advice := "try_again_later"
		switch sc.declineCode {
		case "lost_card", "stolen_card", "fraudulent":
			advice = "do_not_try_again"
		}
		if sc.code == "expired_card" || sc.code == "incorrect_cvc" {
			advice = "confirm_card_data"
		}
		o.AdviceCode = strp(advice)
		if ndc, ok := networkDeclineCodes[reason]; ok {
			o.NetworkDeclineCode = strp(ndc)
		}
	}
	return o
}

var networkDeclineCodes = map[string]string{
	"generic_decline": "05", "insufficient_funds": "51", "lost_card": "41", "stolen_card": "43",
	"expired_card": "54", "incorrect_cvc": "N7", "processing_error": "96", "card_velocity_exceeded": "61",
	"authentication_required": "1A",
}
