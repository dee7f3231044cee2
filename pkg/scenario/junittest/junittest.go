// Package junittest reads the JUnit XML reports of `simulate run`
// (scenario.WriteJUnit) for tests, as a CI system reads them: strictly, so
// that a report that is not well-formed XML fails the test that reads it.
package junittest

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// Doc is a report's <testsuites> element.
type Doc struct {
	Tests    int     `xml:"tests,attr"`
	Failures int     `xml:"failures,attr"`
	Errors   int     `xml:"errors,attr"`
	Skipped  int     `xml:"skipped,attr"`
	Time     string  `xml:"time,attr"`
	Suites   []Suite `xml:"testsuite"`
}

// Suite is a <testsuite>: one scenario, or one scenario file that could not
// run.
type Suite struct {
	Name     string `xml:"name,attr"`
	File     string `xml:"file,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
	Cases    []Case `xml:"testcase"`
}

// Case is a <testcase>: one step.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	File      string   `xml:"file,attr"`
	Line      int      `xml:"line,attr"`
	Time      string   `xml:"time,attr"`
	Error     *Problem `xml:"error"`
	Failure   *Problem `xml:"failure"`
	Skipped   *Skip    `xml:"skipped"`
}

// Problem is a testcase's <error> or <failure>.
type Problem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Skip is a testcase's <skipped>.
type Skip struct {
	Message string `xml:"message,attr"`
}

// Parse reads a report, refusing one that is not well-formed XML.
func Parse(data []byte) (Doc, error) {
	var doc Doc
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return Doc{}, fmt.Errorf("junit report is not well-formed XML: %w", err)
	}
	return doc, nil
}
