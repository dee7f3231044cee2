// Package money handles amounts of money as integer minor units of an ISO 4217
// currency, the way Stripe takes them: parsing what a merchant types ("12.50"),
// checking the currency's exponent, Stripe's minimum and maximum, and writing
// amounts for tweets ("$12.50", "¥500", "KWD 1.250").
package money

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every error about an amount or a currency.
var ErrInvalid = errors.New("invalid amount")

// MaxMinor is the largest amount Stripe accepts for a charge in most
// currencies: 99999999 minor units (999,999.99 USD).
const MaxMinor = 99999999

// Amount is an amount of money in the minor unit of its currency.
type Amount struct {
	// Minor is the amount in minor units (cents for usd, yen for jpy, fils for kwd).
	Minor int64
	// Currency is the lowercase ISO 4217 code, such as "usd".
	Currency string
}

// normCurrency lower-cases and trims a currency code.
func normCurrency(cur string) string {
	return strings.ToLower(strings.TrimSpace(cur))
}

// IsSupported reports whether Stripe accepts charges in the currency; the code
// is matched case-insensitively.
func IsSupported(cur string) bool {
	_, ok := currencies()[normCurrency(cur)]
	return ok
}

// Supported returns the lowercase codes of every supported currency, sorted.
func Supported() []string {
	out := make([]string, 0, len(currencies()))
	for c := range currencies() {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Exponent returns the number of decimals of the currency as Stripe counts
// them: 0 for zero-decimal currencies such as jpy, 3 for bhd, jod, kwd, omr
// and tnd, 2 for the others.
func Exponent(cur string) (int, error) {
	info, ok := currencies()[normCurrency(cur)]
	if !ok {
		return 0, unknownCurrency(cur)
	}
	return info.exponent, nil
}

func unknownCurrency(cur string) error {
	if strings.TrimSpace(cur) == "" {
		return fmt.Errorf("%w: no currency given: write a three-letter ISO code such as usd", ErrInvalid)
	}
	return fmt.Errorf("%w: unknown currency %q: write a three-letter ISO code that Stripe supports, such as usd, eur or jpy", ErrInvalid, cur)
}

// New returns an Amount of minor units after checking the currency, the range
// (0..MaxMinor) and, for three-decimal currencies, that the last digit is 0.
func New(minor int64, cur string) (Amount, error) {
	c := normCurrency(cur)
	info, ok := currencies()[c]
	if !ok {
		return Amount{}, unknownCurrency(cur)
	}
	a := Amount{Minor: minor, Currency: c}
	if minor < 0 {
		return Amount{}, fmt.Errorf("%w: %d %s is negative: amounts cannot be below 0", ErrInvalid, minor, c)
	}
	if minor > MaxMinor {
		return Amount{}, tooLarge(c, info.exponent)
	}
	if info.exponent == 3 && minor%10 != 0 {
		return Amount{}, lastDigit(a)
	}
	return a, nil
}

// maxMinor is the largest amount of a currency with exp decimals that Stripe
// accepts: MaxMinor, less its last digit where that digit must be 0.
func maxMinor(exp int) int64 {
	if exp == 3 {
		return MaxMinor - MaxMinor%10
	}
	return MaxMinor
}

func tooLarge(cur string, exp int) error {
	return fmt.Errorf("%w: too large: Stripe accepts at most %s %s (%d minor units) per charge",
		ErrInvalid, formatMajor(maxMinor(exp), exp), cur, maxMinor(exp))
}

func lastDigit(a Amount) error {
	down := Amount{Minor: a.Minor - a.Minor%10, Currency: a.Currency}
	up := Amount{Minor: down.Minor + 10, Currency: a.Currency}
	advice := fmt.Sprintf("write %s or %s", down.Major(), up.Major())
	if up.Minor > MaxMinor {
		advice = fmt.Sprintf("write %s, the largest amount Stripe accepts", down.Major())
	}
	return fmt.Errorf("%w: %s %s: Stripe requires the last of the 3 decimals of %s amounts to be 0: %s",
		ErrInvalid, a.Major(), a.Currency, a.Currency, advice)
}

// Parse reads an amount typed in major units of the currency: digits with an
// optional dot and at most as many decimals as the currency has ("12",
// "12.5", "12.50", "0.50"; "500" for jpy; "1.250" for kwd). Surrounding spaces
// are ignored. Commas, signs, exponents, hexadecimal, NaN and Inf are refused
// with a message saying what to write instead. Errors wrap ErrInvalid.
func Parse(s, currency string) (Amount, error) {
	cur := normCurrency(currency)
	info, ok := currencies()[cur]
	if !ok {
		return Amount{}, unknownCurrency(currency)
	}
	exp := info.exponent
	if strings.TrimSpace(s) == "" {
		return Amount{}, fmt.Errorf("%w: no amount given: write it in %s, e.g. %s", ErrInvalid, cur, example(exp))
	}
	intPart, frac, err := split(s, exp)
	if err != nil {
		return Amount{}, err
	}
	if len(frac) > exp {
		if exp == 0 {
			return Amount{}, fmt.Errorf("%w: %q: %s takes no decimals: write a whole number such as %s", ErrInvalid, s, cur, example(exp))
		}
		return Amount{}, fmt.Errorf("%w: %q: %s takes at most %d decimals", ErrInvalid, s, cur, exp)
	}
	// Leading zeros cannot overflow; strip them before the length check.
	digits := strings.TrimLeft(intPart, "0")
	if len(digits) > 18 {
		return Amount{}, tooLarge(cur, exp)
	}
	var major int64
	if digits != "" {
		var err error
		major, err = strconv.ParseInt(digits, 10, 64)
		if err != nil {
			return Amount{}, tooLarge(cur, exp)
		}
	}
	scale := pow10(exp)
	if major > MaxMinor/scale {
		return Amount{}, tooLarge(cur, exp)
	}
	var minorFrac int64
	if frac != "" {
		f, _ := strconv.ParseInt(frac, 10, 64) // at most 3 digits, already checked
		minorFrac = f * pow10(exp-len(frac))
	}
	return New(major*scale+minorFrac, cur)
}

// CheckSyntax reports whether s is written as Parse reads amounts, before
// the currency (and so how many decimals it takes) is known: a command can
// refuse "abc" or "-5" as a bad flag before it looks up what the amount is
// in. Errors wrap ErrInvalid.
func CheckSyntax(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%w: no amount given: write it in major units, e.g. 12.50", ErrInvalid)
	}
	_, _, err := split(s, 2)
	return err
}

// split checks what Parse requires of every amount, whatever its currency,
// and returns the digits before and after the dot; exp picks the example
// that messages give.
func split(s string, exp int) (intPart, frac string, err error) {
	t := strings.TrimSpace(s)
	if t[0] == '-' {
		return "", "", fmt.Errorf("%w: %q is negative: amounts cannot be below 0", ErrInvalid, s)
	}
	if t[0] == '+' {
		return "", "", fmt.Errorf("%w: %q has a sign: write %s without the +", ErrInvalid, s, t[1:])
	}
	if strings.ContainsAny(t, ",' _") {
		return "", "", fmt.Errorf("%w: %q is ambiguous: write %s (a dot for decimals, no thousands separators)",
			ErrInvalid, s, suggest(t))
	}
	intPart, frac, hasDot := strings.Cut(t, ".")
	if !allDigits(intPart) || !allDigits(frac) || (hasDot && (intPart == "" || frac == "")) {
		return "", "", fmt.Errorf("%w: %q is not an amount: write digits with an optional dot, e.g. %s", ErrInvalid, s, example(exp))
	}
	return intPart, frac, nil
}

// suggest rewrites a number written with commas, apostrophes, underscores or
// spaces as digits with at most one dot. The last separator is taken as the
// decimal point when it is followed by other than three digits, or when
// both a comma and a dot appear.
func suggest(t string) string {
	isSep := func(r rune) bool { return r == ',' || r == '.' || r == '\'' || r == '_' || r == ' ' }
	parts := strings.FieldsFunc(t, isSep)
	if len(parts) == 0 {
		return "12.50"
	}
	last := strings.LastIndexFunc(t, isSep)
	lastSep := t[last]
	decimal := false
	switch {
	case strings.ContainsRune(t, '.') && lastSep == '.':
		decimal = true
	case strings.ContainsRune(t, '.') && lastSep == ',':
		decimal = true
	case lastSep == ',' && len(parts[len(parts)-1]) != 3:
		decimal = true
	}
	if decimal && len(parts) > 1 {
		return strings.Join(parts[:len(parts)-1], "") + "." + parts[len(parts)-1]
	}
	return strings.Join(parts, "")
}

func example(exp int) string {
	switch exp {
	case 0:
		return "500"
	case 3:
		return "1.250"
	}
	return "12.50"
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Minimum returns the smallest amount Stripe charges in the currency, from
// Stripe's published table (usd 0.50, gbp 0.30, jpy 50, ...). Currencies
// outside the table get DefaultMinimum (50 minor units), an approximation of
// Stripe's "equivalent of USD 0.50" rule.
func Minimum(cur string) Amount {
	c := normCurrency(cur)
	if m, ok := minimum(c); ok {
		return Amount{Minor: m, Currency: c}
	}
	return Amount{Minor: DefaultMinimum, Currency: c}
}

// CheckMinimum returns an error wrapping ErrInvalid when a is below Stripe's
// minimum charge for its currency, naming the minimum.
func CheckMinimum(a Amount) error {
	if !IsSupported(a.Currency) {
		return unknownCurrency(a.Currency)
	}
	m := Minimum(a.Currency)
	if a.Minor < m.Minor {
		return fmt.Errorf("%w: %s is below Stripe's minimum charge of %s for %s: raise the price to at least %s",
			ErrInvalid, a, m, m.Currency, m.Major())
	}
	return nil
}

// Major returns the amount in major units with the currency's number of
// decimals and a dot: "12.50", "500" (jpy), "1.250" (kwd). Parse reads it
// back. Unknown currencies are written with two decimals.
func (a Amount) Major() string {
	exp := 2
	if info, ok := currencies()[normCurrency(a.Currency)]; ok {
		exp = info.exponent
	}
	return formatMajor(a.Minor, exp)
}

func formatMajor(minor int64, exp int) string {
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 {
		if len(s) <= exp {
			s = strings.Repeat("0", exp-len(s)+1) + s
		}
		s = s[:len(s)-exp] + "." + s[len(s)-exp:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String writes the amount for people: a symbol for usd ("$12.50"), eur
// ("€3.00"), gbp ("£0.30") and jpy ("¥500"), and the upper-case code for
// every other currency ("KWD 1.250", "CAD 5.00"), since "$" alone would be
// ambiguous between dollars. A negative amount starts with "-".
func (a Amount) String() string {
	c := normCurrency(a.Currency)
	major := a.Major()
	sign := ""
	if strings.HasPrefix(major, "-") {
		sign, major = "-", major[1:]
	}
	if sym, ok := symbol(c); ok {
		return sign + sym + major
	}
	return sign + strings.ToUpper(c) + " " + major
}

// IsZero reports whether the amount is zero.
func (a Amount) IsZero() bool { return a.Minor == 0 }

// Format writes minor units of currency for people, as Amount.String does
// ("$12.50"); a currency it does not know is written as given, after the
// number ("1250 xyz").
func Format(minor int64, currency string) string {
	if _, ok := currencies()[normCurrency(currency)]; !ok {
		return strconv.FormatInt(minor, 10) + " " + currency
	}
	return Amount{Minor: minor, Currency: currency}.String()
}
