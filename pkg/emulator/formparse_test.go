package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// parseForm must read a form exactly as url.ParseQuery does, errors included.
func checkParseForm(t *testing.T, q string) {
	t.Helper()
	want, werr := url.ParseQuery(q)
	got, gerr := parseForm(q)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%q: error %v, url.ParseQuery's %v", q, gerr, werr)
	}
	if !reflect.DeepEqual(got, formPairs(want)) && (len(got) > 0 || len(want) > 0) {
		t.Fatalf("%q: pairs %q, url.ParseQuery's %q", q, got, formPairs(want))
	}
	// The legacy digest is url.Values.Encode's.
	sum := sha256.Sum256([]byte(want.Encode()))
	if l := legacyParamsHash(got); werr == nil && l != hex.EncodeToString(sum[:16]) {
		t.Fatalf("%q: legacy digest differs from that of %q", q, want.Encode())
	}
}

func TestParseForm(t *testing.T) {
	for _, q := range []string{
		"", "a=1", "a=1&a=2&b=3", "b=2&a=1&b=1&a=0", "a", "a=", "=1", "&&a=1&&", "a=1;b=2", "a=%zz&b=2", "b=2&a=%zz",
		"a%5Bb%5D=x+y&c=%40buyer", "k=%E2%82%AC", "a=1&b=%", "a+b=c+d", tweetPaymentForm,
	} {
		checkParseForm(t, q)
	}
}

func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"amount=1&metadata[a]=b", "a=%41&a=b;c", "x=%&y=1", tweetPaymentForm} {
		f.Add(s)
	}
	f.Fuzz(checkParseForm)
}

func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 2047, 2048, 2049, 70000, maxBody + 10} {
		s := strings.Repeat("x", n)
		got, err := readBody(strings.NewReader(s))
		if err != nil || got != s[:min(n, maxBody)] {
			t.Fatalf("%d bytes: read %d, %v", n, len(got), err)
		}
	}
}
