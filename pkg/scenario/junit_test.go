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

	"github.com/tweetpay/tweetpay/pkg/scenario/junittest"
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
	doc, err := junittest.Parse([]byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
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
	doc, err := junittest.Parse(buf.Bytes())
	if err != nil {
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

// A file that could not run at all is a testsuite of its own, named as its
// scenario would be, with one testcase in error whose message is the error
// as printed, word for word: CI shows the fault instead of "no test
// results". The scenarios that did not run for it are skipped.
func TestWriteJUnitInvalidFile(t *testing.T) {
	msg := "invalid scenario: dir/bad.yaml:3: unknown key \"a\x01<b>&\\\"c\" (did you mean \"steps\"?)\n" +
		"dir/bad.yaml: a second problem, on a line of its own"
	ok, err := Load("ok.yaml", []byte("name: fine\nsteps:\n  - {tweet: hi, from: \"@a\"}\n  - {tweet: hi again, from: \"@a\"}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reports := []Report{
		InvalidFile(&Scenario{Path: "dir/bad.yaml", Name: "bad"}, 3, msg),
		NotRun(ok, "nothing ran: invalid scenario file dir/bad.yaml"),
		InvalidFile(&Scenario{Path: "clash.yaml", Name: "Clash"}, 0, "clash.yaml: invalid configuration: tweetpay.yaml: offer #X: taken"),
	}
	if reports[0].OK() || reports[2].OK() || !reports[1].OK() {
		t.Errorf("OK: %v %v %v, want false true false", reports[0].OK(), reports[1].OK(), reports[2].OK())
	}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, reports); err != nil {
		t.Fatal(err)
	}
	doc, err := junittest.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if doc.Tests != 4 || doc.Failures != 0 || doc.Errors != 2 || doc.Skipped != 2 || len(doc.Suites) != 3 {
		t.Fatalf("testsuites: tests %d failures %d errors %d skipped %d, %d suites; want 4 0 2 2, 3\n%s",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(doc.Suites), buf.String())
	}
	for i, want := range []struct {
		name, file string
		line       int
		msg        string
	}{{"bad", "dir/bad.yaml", 3, msg}, {}, {"Clash", "clash.yaml", 0, "clash.yaml: invalid configuration: tweetpay.yaml: offer #X: taken"}} {
		if want.name == "" {
			continue
		}
		s := doc.Suites[i]
		if s.Name != want.name || s.File != want.file || s.Tests != 1 || s.Errors != 1 || s.Failures != 0 || s.Skipped != 0 || s.Time != "0.000" || len(s.Cases) != 1 {
			t.Errorf("testsuite %d: %+v\n%s", i, s, buf.String())
			continue
		}
		c := s.Cases[0]
		if c.Name != "scenario file" || c.Classname != want.name || c.File != want.file || c.Line != want.line || c.Failure != nil || c.Skipped != nil || c.Error == nil {
			t.Errorf("testsuite %d: testcase %+v", i, c)
			continue
		}
		// XML 1.0 has no U+0001: the one character that cannot be kept.
		wantMsg := strings.ReplaceAll(want.msg, "\x01", "\uFFFD")
		if c.Error.Message != wantMsg || c.Error.Type != "invalid" || c.Error.Text != wantMsg+"\n" {
			t.Errorf("testsuite %d: error %+v, want message and text %q", i, c.Error, wantMsg)
		}
	}
	if s := doc.Suites[1]; s.Name != "fine" || s.Tests != 2 || s.Skipped != 2 || s.Errors != 0 || len(s.Cases) != 2 || s.Cases[0].Skipped == nil ||
		s.Cases[0].Skipped.Message != "nothing ran: invalid scenario file dir/bad.yaml" {
		t.Errorf("the scenario that did not run: %+v", s)
	}
}
