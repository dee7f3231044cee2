package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// The JUnit XML shapes that CI systems (GitHub Actions reporters, GitLab,
// Jenkins) read: one testsuite per scenario, one testcase per step.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	File      string      `xml:"file,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// TestcaseName is the name of a step's JUnit testcase: its number and name.
func TestcaseName(s StepReport) string {
	return fmt.Sprintf("step %d: %s", s.Index, s.Name)
}

// InvalidFileTestcase is the name of the one testcase of a file that could
// not run at all (InvalidFile).
const InvalidFileTestcase = "scenario file"

// WriteJUnit writes reports as one JUnit XML document. A step whose
// expectations failed is a <failure> whose message says what was expected
// and what came; a step that could not be carried out is an <error>; a step
// that did not run (an interrupted run) is <skipped>, so that the report
// has a testcase for every step. A file that could not run at all has one
// testcase, an <error> whose message is why, as printed.
func WriteJUnit(w io.Writer, reports []Report) error {
	doc := junitSuites{Name: "tweetpay scenarios", Suites: []junitSuite{}}
	var total time.Duration
	for _, r := range reports {
		s := junitSuite{Name: r.Name, File: r.File, Time: seconds(r.Duration), Cases: []junitCase{}}
		if !r.Started.IsZero() {
			s.Timestamp = r.Started.UTC().Format("2006-01-02T15:04:05")
		}
		if r.Invalid != "" {
			s.Cases = append(s.Cases, junitCase{Name: InvalidFileTestcase, Classname: r.Name, File: r.File, Line: r.InvalidLine, Time: seconds(0),
				Error: &junitProblem{Message: r.Invalid, Type: "invalid", Text: r.Invalid + "\n"}})
			s.Tests++
			s.Errors++
		}
		for _, st := range r.Steps {
			c := junitCase{Name: TestcaseName(st), Classname: r.Name, File: r.File, Line: st.Line, Time: seconds(st.Duration)}
			msgs := st.Messages()
			switch {
			case st.Skipped:
				c.Skipped = &junitSkipped{Message: st.SkipReason}
				s.Skipped++
			case st.Passed:
			case st.Unavailable:
				// An <error>, not a <failure>: the step could not be
				// carried out, and says nothing about the flow.
				c.Error = &junitProblem{Message: strings.Join(msgs, "; "), Type: "provider_unavailable", Text: problemText(r, st, msgs)}
				s.Errors++
			case len(st.Failures) > 0 && !isRunError(st):
				c.Failure = &junitProblem{Message: strings.Join(msgs, "; "), Type: "expectation", Text: problemText(r, st, msgs)}
				s.Failures++
			default:
				c.Error = &junitProblem{Message: strings.Join(msgs, "; "), Type: "error", Text: problemText(r, st, msgs)}
				s.Errors++
			}
			if st.Result != nil {
				c.SystemOut = fmt.Sprintf("outcome %s, tweet %s from %s", st.Result.Outcome, st.Result.TweetID, st.Result.From)
			}
			s.Cases = append(s.Cases, c)
			s.Tests++
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		total += r.Duration
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// isRunError tells a step that could not be carried out (an unexpected
// error from the engine or the provider) from one whose result differed.
func isRunError(st StepReport) bool {
	return st.Error != "" && len(st.Failures) == 1 && st.Failures[0].Expected == "no error" ||
		st.Kind != KindTweet && st.Error != ""
}

func problemText(r Report, st StepReport, msgs []string) string {
	var b strings.Builder
	failures := st.Failures
	if st.Unavailable {
		failures = nil
	}
	for _, f := range failures {
		loc := r.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", r.File, f.Line)
		} else {
			loc = fmt.Sprintf("%s:%d", r.File, st.Line)
		}
		fmt.Fprintf(&b, "%s: %s\n", loc, f.String())
	}
	if len(failures) == 0 {
		for _, m := range msgs {
			fmt.Fprintf(&b, "%s:%d: %s\n", r.File, st.Line, m)
		}
	}
	return b.String()
}
