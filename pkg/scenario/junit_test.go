package scenario

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tweetpay/tweetpay/pkg/shop"
)

// xmlChar reports whether r may appear in an XML 1.0 document, as a
// character or a character reference (the Char production).
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// A tweet's text, a scenario's name or a provider's message may hold
// characters XML 1.0 forbids (U+0001, ESC, U+FFFE) or bytes that are not
// UTF-8; the report must stay a document every JUnit reader parses.
func TestWriteJUnitWellFormed(t *testing.T) {
	bad := "a\x01b\x1b[31mc\x00d\xff\xfee\uFFFEf\uFFFFg\xed\xa0\x80h]]>i<j&k\"l'"
	rep := Report{Name: "suite " + bad, File: "dir/" + bad + ".yaml", Started: time.Now(), Duration: 1500 * time.Millisecond, Failed: 2, Steps: []StepReport{
		{Index: 1, Line: 3, Name: bad, Kind: KindTweet, Duration: 2 * time.Millisecond,
			Failures: []Failure{{Field: "reply", Line: 4, Expected: "a match for /" + bad + "/", Got: bad}},
			Result:   &shop.Result{TweetID: bad, From: "@a", Outcome: shop.Purchased}},
		{Index: 2, Line: 5, Name: "charges", Kind: KindCharges, Error: bad,
			Failures: []Failure{{Field: "charges", Expected: "a list of charges", Got: "error: " + bad}}},
		{Index: 3, Line: 7, Name: "x", Kind: KindTweet, Skipped: true, SkipReason: bad, Failures: []Failure{}},
	}}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, []Report{rep}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !utf8.ValidString(out) {
		t.Fatalf("not UTF-8:\n%q", out)
	}
	for i, r := range out {
		if !xmlChar(r) {
			t.Fatalf("character %U at byte %d is not allowed in XML 1.0:\n%q", r, i, out)
		}
	}
	for _, m := range regexp.MustCompile(`&#(x[0-9a-fA-F]+|[0-9]+);`).FindAllStringSubmatch(out, -1) {
		v := m[1]
		base := 10
		if strings.HasPrefix(v, "x") {
			v, base = v[1:], 16
		}
		n, err := strconv.ParseInt(v, base, 32)
		if err != nil || !xmlChar(rune(n)) {
			t.Fatalf("character reference %s is not allowed in XML 1.0", m[0])
		}
	}
	var doc struct {
		Time   string `xml:"time,attr"`
		Suites []struct {
			Name  string `xml:"name,attr"`
			Time  string `xml:"time,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Time    string `xml:"time,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	dec := xml.NewDecoder(strings.NewReader(out))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, out)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 3 {
		t.Fatalf("junit %+v", doc)
	}
	c := doc.Suites[0].Cases
	if c[0].Failure == nil || c[1].Error == nil || c[2].Skipped == nil {
		t.Errorf("cases %+v", c)
	}
	// The text around the replaced characters survives.
	if !strings.Contains(c[0].Failure.Message, "h]]>i<j&k\"l'") || !strings.HasPrefix(doc.Suites[0].Name, "suite a") {
		t.Errorf("message %q, suite %q", c[0].Failure.Message, doc.Suites[0].Name)
	}
	// Times are seconds with decimals, as JUnit readers expect.
	seconds := regexp.MustCompile(`^[0-9]+\.[0-9]{3}$`)
	for _, v := range []string{doc.Time, doc.Suites[0].Time, c[0].Time, c[2].Time} {
		if !seconds.MatchString(v) {
			t.Errorf("time %q is not seconds with decimals", v)
		}
	}
	if doc.Suites[0].Time != "1.500" || c[0].Time != "0.002" {
		t.Errorf("times: suite %s, step 1 %s", doc.Suites[0].Time, c[0].Time)
	}
}
