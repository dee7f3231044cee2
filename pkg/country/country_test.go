package country

import "testing"

func TestValid(t *testing.T) {
	for code, want := range map[string]bool{
		"US": true, "CA": true, "GB": true, "JP": true, "DE": true, "AQ": true, "XK": true,
		"ZZ": false, "XX": false, "AA": false, "QO": false, "EU": false, "QU": false, "UK": false, "FX": false,
		"us": false, "U": false, "USA": false, "": false, "U1": false, "ÜS": false,
	} {
		if got := Valid(code); got != want {
			t.Errorf("Valid(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestAdvice(t *testing.T) {
	for code, want := range map[string]string{
		"UK": "write GB", "FX": "write FR", "uk": "write GB",
		"ZZ": "write two letters such as US or CA", "USA": "write US", "1X": "write two letters such as US or CA", "": "write two letters such as US or CA",
	} {
		if got := Advice(code); got != want {
			t.Errorf("Advice(%q) = %q, want %q", code, got, want)
		}
	}
}
