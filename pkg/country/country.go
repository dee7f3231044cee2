// Package country checks ISO 3166-1 alpha-2 country codes, as offers,
// buyers and the merchant name them.
package country

import "golang.org/x/text/language"

// Valid reports whether code is a two-letter code, in upper case, of a
// country or territory: "US", "CA", "GB". Codes of the right shape that name
// no country are refused: the user-assigned ones (AA, QM-QZ, XA-XZ and ZZ,
// but XK, which CLDR and Stripe use for Kosovo), groups such as EU, and
// codes reserved for another spelling, such as UK (GB) and FX (FR).
func Valid(code string) bool {
	if len(code) != 2 || !upper(code[0]) || !upper(code[1]) {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && !r.IsGroup() && r.Canonicalize() == r
}

// Advice is what an error about an invalid code tells the user to write:
// the code's usual spelling when it has one ("write GB" for UK), else an
// example.
func Advice(code string) string {
	if r, err := language.ParseRegion(code); err == nil {
		if c := r.Canonicalize().String(); c != code && Valid(c) {
			return "write " + c
		}
	}
	return "write two letters such as US or CA"
}

func upper(b byte) bool { return 'A' <= b && b <= 'Z' }
