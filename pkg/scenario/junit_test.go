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

// Files with the same base name in different directories, or the same
// name: written in each, would be testsuites of one name, which CI systems
// merge or overwrite: each gets the file it came from, and only those.
func TestUniqueNames(t *testing.T) {
	load := func(path, name string) *Scenario {
		t.Helper()
		src := "steps:\n  - tweet: x\n    from: \"@a\"\n"
		if name != "" {
			src = "name: " + name + "\n" + src
		}
		s, err := Load(path, []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	scs := []*Scenario{
		load("a/checkout.yaml", ""),
		load("b/checkout.yaml", ""),
		load("gift.yaml", ""),
		load("x/launch.yaml", "Launch"),
		load("y/other.yaml", "Launch"),
		load("a/checkout.yaml", ""),
		load("refunds.yaml", "Refunds"),
	}
	id := scs[1].Steps[0].Tweet.ID
	UniqueNames(scs)
	var names []string
	for _, s := range scs {
		names = append(names, s.Name)
	}
	want := []string{
		"checkout (a/checkout.yaml)",
		"checkout (b/checkout.yaml)",
		"gift",
		"Launch (x/launch.yaml)",
		"Launch (y/other.yaml)",
		"checkout (a/checkout.yaml, run 2)",
		"Refunds",
	}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("names\n%q\nwant\n%q", names, want)
	}
	if got := scs[1].Steps[0].Tweet.ID; got != id {
		t.Errorf("tweet ID %q changed to %q", id, got)
	}

	var reports []Report
	for _, s := range scs {
		reports = append(reports, NotRun(s, "not run"))
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, reports); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Classname string `xml:"classname,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, s := range doc.Suites {
		if seen[s.Name] {
			t.Errorf("two testsuites named %q", s.Name)
		}
		seen[s.Name] = true
		if s.Name != want[i] || len(s.Cases) != 1 || s.Cases[0].Classname != want[i] {
			t.Errorf("testsuite %d: %+v, want name and classname %q", i, s, want[i])
		}
	}
}

// TestWriteJUnitTotals: the <testsuites> element adds up its testsuites'
// counts, skipped included, for readers that take the totals from it: an
// interrupted run must not read as all passed.
func TestWriteJUnitTotals(t *testing.T) {
	step := func(i int, skipped bool, failures ...Failure) StepReport {
		return StepReport{Index: i, Line: i, Name: "s", Kind: KindCharges, Skipped: skipped, Passed: !skipped && len(failures) == 0, Failures: failures}
	}
	reports := []Report{
		{Name: "a", File: "a.yaml", Steps: []StepReport{step(1, false), step(2, false, Failure{Field: "count", Expected: "1", Got: "0"}), step(3, true)}},
		{Name: "b", File: "b.yaml", Steps: []StepReport{step(1, true), step(2, true)}},
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, reports); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int  `xml:"tests,attr"`
		Failures int  `xml:"failures,attr"`
		Errors   int  `xml:"errors,attr"`
		Skipped  *int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 5 || doc.Failures != 1 || doc.Errors != 0 || doc.Skipped == nil || *doc.Skipped != 3 {
		t.Errorf("testsuites: tests %d failures %d errors %d skipped %v, want 5 1 0 3\n%s", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, buf.String())
	}
}
