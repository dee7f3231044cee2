package money

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, cur string
		want    Amount
	}{
		{"12", "usd", Amount{1200, "usd"}},
		{"12.5", "usd", Amount{1250, "usd"}},
		{"12.50", "usd", Amount{1250, "usd"}},
		{"0.50", "usd", Amount{50, "usd"}},
		{"0", "usd", Amount{0, "usd"}},
		{" 7.05 ", "USD", Amount{705, "usd"}},
		{"007.10", "eur", Amount{710, "eur"}},
		{"500", "jpy", Amount{500, "jpy"}},
		{"1.250", "kwd", Amount{1250, "kwd"}},
		{"1.25", "KWD", Amount{1250, "kwd"}},
		{"3", "bhd", Amount{3000, "bhd"}},
		{"999999.99", "usd", Amount{MaxMinor, "usd"}},
		{"99999999", "jpy", Amount{MaxMinor, "jpy"}},
		{"99999.990", "kwd", Amount{99999990, "kwd"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, tt.cur)
		if err != nil {
			t.Errorf("Parse(%q, %q): %v", tt.in, tt.cur, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q, %q) = %+v, want %+v", tt.in, tt.cur, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, cur string
		want    string // substring of the message
	}{
		{"12,50", "usd", "write 12.50 (a dot for decimals, no thousands separators)"},
		{"1,000", "usd", "write 1000 (a dot for decimals"},
		{"1,000.50", "usd", "write 1000.50 ("},
		{"1.000,50", "eur", "write 1000.50 ("},
		{"1 000", "usd", "write 1000 ("},
		{"1'000", "chf", "write 1000 ("},
		{"1_000", "usd", "write 1000 ("},
		{"-1", "usd", `"-1" is negative`},
		{"+5", "usd", "write 5 without the +"},
		{"", "usd", "no amount given: write it in usd, e.g. 12.50"},
		{" ", "jpy", "no amount given: write it in jpy, e.g. 500"},
		{"NaN", "usd", `"NaN" is not an amount: write digits with an optional dot`},
		{"Inf", "usd", "is not an amount"},
		{"1e3", "usd", "is not an amount"},
		{"0x10", "usd", "is not an amount"},
		{".5", "usd", "is not an amount"},
		{"12.", "usd", "is not an amount"},
		{"1.2.3", "usd", "is not an amount"},
		{"１２", "usd", "is not an amount"},
		{"12.505", "usd", "usd takes at most 2 decimals"},
		{"1.2345", "kwd", "kwd takes at most 3 decimals"},
		{"5.5", "jpy", "jpy takes no decimals: write a whole number such as 500"},
		{"1.255", "kwd", "Stripe requires the last of the 3 decimals of kwd amounts to be 0: write 1.250 or 1.260"},
		{"1000000", "usd", "too large: Stripe accepts at most 999999.99 usd (99999999 minor units)"},
		{"100000000", "jpy", "at most 99999999 jpy"},
		{"100000", "kwd", "too large: Stripe accepts at most 99999.990 kwd (99999990 minor units)"},
		{"99999.995", "kwd", "write 99999.990, the largest amount Stripe accepts"},
		{"99999999999999999999999", "usd", "too large"},
		{"92233720368547758", "usd", "too large"},
		{"1", "xyz", `unknown currency "xyz"`},
		{"1", "", "no currency given"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, tt.cur)
		if err == nil {
			t.Errorf("Parse(%q, %q): no error, want %q", tt.in, tt.cur, tt.want)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q, %q): %v does not wrap ErrInvalid", tt.in, tt.cur, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q, %q) = %q, want it to contain %q", tt.in, tt.cur, err, tt.want)
		}
		if msg := err.Error(); msg != strings.TrimRight(msg, ".") {
			t.Errorf("Parse(%q, %q): message ends with a period: %q", tt.in, tt.cur, msg)
		}
	}
}

// CheckSyntax refuses what Parse refuses in every currency, and accepts what
// some currency could take: the decimals are left to Parse.
func TestCheckSyntax(t *testing.T) {
	for _, ok := range []string{"5", "5.00", "0.5", "1.250", "5.001", " 12.50 ", "0"} {
		if err := CheckSyntax(ok); err != nil {
			t.Errorf("CheckSyntax(%q) = %v, want nil", ok, err)
		}
	}
	for in, want := range map[string]string{
		"":      "no amount given: write it in major units, e.g. 12.50",
		"  ":    "no amount given",
		"abc":   `"abc" is not an amount: write digits with an optional dot, e.g. 12.50`,
		"-5":    `"-5" is negative`,
		"+5":    "write 5 without the +",
		"1,000": "write 1000 (",
		"1e3":   "is not an amount",
		".5":    "is not an amount",
	} {
		err := CheckSyntax(in)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSyntax(%q) = %v, want an ErrInvalid containing %q", in, err, want)
		}
		if strings.TrimSpace(in) == "" {
			continue // Parse names the currency it wants the amount in
		}
		if _, perr := Parse(in, "usd"); perr == nil || perr.Error() != err.Error() {
			t.Errorf("CheckSyntax(%q) = %v but Parse(%q, usd) = %v", in, err, in, perr)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		minor int64
		cur   string
		want  string
	}{{1250, "usd", "$12.50"}, {1250, "USD", "$12.50"}, {500, "jpy", "¥500"}, {1250, "kwd", "KWD 1.250"}, {1250, "xyz", "1250 xyz"}} {
		if got := Format(tt.minor, tt.cur); got != tt.want {
			t.Errorf("Format(%d, %q) = %q, want %q", tt.minor, tt.cur, got, tt.want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		minor   int64
		cur     string
		wantErr string
	}{
		{1250, "USD", ""},
		{0, "jpy", ""},
		{MaxMinor, "eur", ""},
		{MaxMinor + 1, "eur", "too large"},
		{-1, "usd", "negative"},
		{1255, "kwd", "write 1.250 or 1.260"},
		{5, "tnd", "write 0.000 or 0.010"},
		{1, "zzz", "unknown currency"},
	}
	for _, tt := range tests {
		a, err := New(tt.minor, tt.cur)
		if tt.wantErr == "" {
			if err != nil || a.Minor != tt.minor || a.Currency != strings.ToLower(tt.cur) {
				t.Errorf("New(%d, %q) = %+v, %v", tt.minor, tt.cur, a, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("New(%d, %q) error = %v, want %q", tt.minor, tt.cur, err, tt.wantErr)
		}
	}
}

func TestExponent(t *testing.T) {
	tests := []struct {
		cur  string
		want int
	}{
		{"usd", 2}, {"EUR", 2}, {"jpy", 0}, {"krw", 0}, {"ugx", 0}, {"xpf", 0},
		{"kwd", 3}, {"bhd", 3}, {"jod", 3}, {"omr", 3}, {"tnd", 3}, {"isk", 2},
	}
	for _, tt := range tests {
		got, err := Exponent(tt.cur)
		if err != nil || got != tt.want {
			t.Errorf("Exponent(%q) = %d, %v; want %d", tt.cur, got, err, tt.want)
		}
	}
	if _, err := Exponent("btc"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Exponent(btc) error = %v, want ErrInvalid", err)
	}
}

func TestIsSupported(t *testing.T) {
	for _, c := range []string{"usd", "USD", " eur ", "jpy", "kwd", "cad", "inr", "zar"} {
		if !IsSupported(c) {
			t.Errorf("IsSupported(%q) = false", c)
		}
	}
	for _, c := range []string{"", "us", "usdd", "btc", "xau", "hrk", "ves"} {
		if IsSupported(c) {
			t.Errorf("IsSupported(%q) = true", c)
		}
	}
	all := Supported()
	if len(all) < 130 || len(all) > 150 {
		t.Errorf("Supported() has %d currencies, want about 135", len(all))
	}
	for i, c := range all {
		if len(c) != 3 || strings.ToLower(c) != c {
			t.Errorf("Supported()[%d] = %q, want a lowercase 3-letter code", i, c)
		}
		if i > 0 && all[i-1] >= c {
			t.Errorf("Supported() not sorted or has duplicates at %q", c)
		}
	}
	// Stripe's table lists 24 currencies, every one of them supported.
	listed := 0
	for _, c := range all {
		if _, ok := minimum(c); ok {
			listed++
		}
	}
	if listed != 24 {
		t.Errorf("%d supported currencies have a listed minimum, want Stripe's 24", listed)
	}
}

func TestMinimum(t *testing.T) {
	tests := []struct {
		cur  string
		want Amount
	}{
		{"usd", Amount{50, "usd"}},
		{"GBP", Amount{30, "gbp"}},
		{"jpy", Amount{50, "jpy"}},
		{"huf", Amount{17500, "huf"}},
		{"czk", Amount{1500, "czk"}},
		{"thb", Amount{1000, "thb"}},
		{"kwd", Amount{DefaultMinimum, "kwd"}},
		{"krw", Amount{DefaultMinimum, "krw"}},
	}
	for _, tt := range tests {
		if got := Minimum(tt.cur); got != tt.want {
			t.Errorf("Minimum(%q) = %+v, want %+v", tt.cur, got, tt.want)
		}
	}
}

func TestCheckMinimum(t *testing.T) {
	tests := []struct {
		a       Amount
		wantErr string
	}{
		{Amount{50, "usd"}, ""},
		{Amount{49, "usd"}, "$0.49 is below Stripe's minimum charge of $0.50 for usd: raise the price to at least 0.50"},
		{Amount{29, "gbp"}, "£0.29 is below Stripe's minimum charge of £0.30"},
		{Amount{30, "gbp"}, ""},
		{Amount{49, "jpy"}, "at least 50"},
		{Amount{1000, "mxn"}, ""},
		{Amount{999, "mxn"}, "MXN 9.99 is below Stripe's minimum charge of MXN 10.00"},
		{Amount{40, "kwd"}, "at least 0.050"},
		{Amount{100, "nope"}, "unknown currency"},
	}
	for _, tt := range tests {
		err := CheckMinimum(tt.a)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("CheckMinimum(%+v) = %v", tt.a, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("CheckMinimum(%+v) = %v, want %q", tt.a, err, tt.wantErr)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		a    Amount
		want string
	}{
		{Amount{1250, "usd"}, "$12.50"},
		{Amount{500, "jpy"}, "¥500"},
		{Amount{300, "eur"}, "€3.00"},
		{Amount{30, "gbp"}, "£0.30"},
		{Amount{1250, "kwd"}, "KWD 1.250"},
		{Amount{500, "cad"}, "CAD 5.00"},
		{Amount{5, "usd"}, "$0.05"},
		{Amount{0, "usd"}, "$0.00"},
		{Amount{-150, "usd"}, "-$1.50"},
		{Amount{-7, "kwd"}, "-KWD 0.007"},
		{Amount{1000, "USD"}, "$10.00"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestMajor(t *testing.T) {
	tests := []struct {
		a    Amount
		want string
	}{
		{Amount{1250, "usd"}, "12.50"},
		{Amount{1, "usd"}, "0.01"},
		{Amount{500, "jpy"}, "500"},
		{Amount{1250, "kwd"}, "1.250"},
		{Amount{10, "kwd"}, "0.010"},
		{Amount{MaxMinor, "usd"}, "999999.99"},
		{Amount{-1, "usd"}, "-0.01"},
		{Amount{-9223372036854775808, "usd"}, "-92233720368547758.08"},
		{Amount{123, "???"}, "1.23"},
	}
	for _, tt := range tests {
		if got := tt.a.Major(); got != tt.want {
			t.Errorf("%+v.Major() = %q, want %q", tt.a, got, tt.want)
		}
	}
}

func TestIsZero(t *testing.T) {
	if !(Amount{Currency: "usd"}).IsZero() || (Amount{1, "usd"}).IsZero() {
		t.Error("IsZero wrong")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12", "12.50", "0.5", "12,50", "1e3", "-1", "NaN", "999999.99", "1.250", " 3 "} {
		f.Add(s, "usd")
		f.Add(s, "jpy")
		f.Add(s, "kwd")
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		a, err := Parse(s, cur)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q, %q): %v does not wrap ErrInvalid", s, cur, err)
			}
			return
		}
		if a.Minor < 0 || a.Minor > MaxMinor {
			t.Fatalf("Parse(%q, %q) = %d out of range", s, cur, a.Minor)
		}
		b, err := Parse(a.Major(), a.Currency)
		if err != nil || b != a {
			t.Fatalf("Parse(%q, %q) = %+v, but Parse(Major()=%q) = %+v, %v", s, cur, a, a.Major(), b, err)
		}
		_ = a.String()
	})
}
