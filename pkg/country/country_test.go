package country

import "testing"

func TestValid(t *testing.T) {
	for code, want := range map[string]bool{
		"US": true, "CA": true, "GB": true, "JP": true, "DE": true, "AQ": true, "XK": true,
		"ZZ": false, "XX": false, "AA": false, "QO": false, "EU": false, "QU": false,
		"us": false, "U": false, "USA": false, "": false, "U1": false, "ÜS": false,
	} {
		if got := Valid(code); got != want {
			t.Errorf("Valid(%q) = %v, want %v", code, got, want)
		}
	}
}
