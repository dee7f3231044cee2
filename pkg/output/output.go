// Package output prints command results as a table for people, tab-separated
// rows for pipes, JSON for scripts, or CSV for spreadsheets.
package output

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

// Format is the value of the -o/--output flag.
type Format string

// The output formats.
const (
	Table Format = "table"
	JSON  Format = "json"
	CSV   Format = "csv"
)

// value implements pflag.Value so that a bad format fails while flags are
// parsed, with the usage exit code.
type value struct {
	f       *Format
	allowed []Format
}

func (v *value) String() string { return string(*v.f) }
func (v *value) Type() string   { return "format" }
func (v *value) Set(s string) error {
	for _, a := range v.allowed {
		if Format(s) == a {
			*v.f = a
			return nil
		}
	}
	names := make([]string, len(v.allowed))
	for i, a := range v.allowed {
		names[i] = string(a)
	}
	if Format(s) == CSV {
		return fmt.Errorf("csv is for list commands; valid formats are %s", strings.Join(names, ", "))
	}
	return fmt.Errorf("valid formats are %s", strings.Join(names, ", "))
}

// AddFlag adds -o/--output accepting table and json.
func AddFlag(cmd *cobra.Command, f *Format) {
	addFlag(cmd, f, Table, JSON)
}

// AddListFlag adds -o/--output accepting table, json and csv.
func AddListFlag(cmd *cobra.Command, f *Format) {
	addFlag(cmd, f, Table, JSON, CSV)
}

// AddGlobalFlag adds -o/--output, accepting table and json, as a persistent
// flag of cmd: every command under it accepts the flag, and a command that
// adds its own -o (AddFlag, AddListFlag) replaces it. The root command uses
// it so that -o json is understood everywhere, if only to report errors as
// JSON.
func AddGlobalFlag(cmd *cobra.Command, f *Format) {
	*f = Table
	cmd.PersistentFlags().VarP(&value{f: f, allowed: []Format{Table, JSON}}, "output", "o",
		"Output `format`: table, json (list commands also csv)")
	registerCompletion(cmd, Table, JSON)
}

func addFlag(cmd *cobra.Command, f *Format, allowed ...Format) {
	*f = Table
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	cmd.Flags().VarP(&value{f: f, allowed: allowed}, "output", "o", "Output `format`: "+strings.Join(names, ", "))
	registerCompletion(cmd, allowed...)
}

func registerCompletion(cmd *cobra.Command, allowed ...Format) {
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// Column describes one column of a table or CSV for values of type T.
type Column[T any] struct {
	Header string
	Value  func(T) string
}

// Print writes items in the chosen format: JSON (an array, never null), CSV
// with a header row, a table on a terminal, or tab-separated rows otherwise.
// In the table and the rows, a cell's control characters are escaped (see
// Escape), so that a tab or a newline in a value cannot split its row or
// column and an escape sequence cannot reach the terminal; JSON and CSV
// keep every value exactly.
func Print[T any](io *iostreams.IOStreams, f Format, items []T, columns []Column[T]) error {
	switch f {
	case JSON:
		if items == nil {
			items = []T{}
		}
		return WriteJSON(io.Out, items)
	case CSV:
		w := NewCSV(io.Out, columns)
		for _, it := range items {
			if err := w.Write(it); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	if len(items) == 0 {
		return nil
	}
	if io.IsStdoutTTY() {
		return printTable(io.Out, items, columns)
	}
	w := NewTSV(io.Out, columns)
	for _, it := range items {
		if err := w.Write(it); err != nil {
			return err
		}
	}
	return nil
}

func printTable[T any](w io.Writer, items []T, columns []Column[T]) error {
	t := tablewriter.NewTable(w)
	headers := make([]any, len(columns))
	for i, c := range columns {
		headers[i] = c.Header
	}
	t.Header(headers...)
	for _, it := range items {
		row := make([]any, len(columns))
		for i, c := range columns {
			row[i] = Escape(c.Value(it))
		}
		if err := t.Append(row...); err != nil {
			return err
		}
	}
	return t.Render()
}

// WriteJSON writes v as indented JSON followed by a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteJSONLine writes v as one line of JSON, for streams of results.
func WriteJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// RowWriter writes rows one at a time, so that long lists stream.
type RowWriter[T any] interface {
	Write(T) error
	Flush() error
}

// NewCSV returns a streaming CSV writer that writes the header row first.
func NewCSV[T any](w io.Writer, columns []Column[T]) RowWriter[T] {
	return &csvWriter[T]{w: csv.NewWriter(w), columns: columns}
}

type csvWriter[T any] struct {
	w       *csv.Writer
	columns []Column[T]
	started bool
	row     []string
}

func (c *csvWriter[T]) header() error {
	c.started = true
	h := make([]string, len(c.columns))
	for i, col := range c.columns {
		h[i] = col.Header
	}
	return c.w.Write(h)
}

func (c *csvWriter[T]) Write(v T) error {
	if !c.started {
		if err := c.header(); err != nil {
			return err
		}
	}
	if c.row == nil {
		c.row = make([]string, len(c.columns))
	}
	for i, col := range c.columns {
		c.row[i] = col.Value(v)
	}
	return c.w.Write(c.row)
}

func (c *csvWriter[T]) Flush() error {
	if !c.started {
		if err := c.header(); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

// NewTSV returns a streaming writer of tab-separated rows without a header,
// the form used when stdout is not a terminal. Cells are escaped as by
// Escape: a tab in a value is written \t, so that every row has one field
// per column.
func NewTSV[T any](w io.Writer, columns []Column[T]) RowWriter[T] {
	return &tsvWriter[T]{w: w, columns: columns}
}

type tsvWriter[T any] struct {
	w       io.Writer
	columns []Column[T]
	buf     []byte
}

func (t *tsvWriter[T]) Write(v T) error {
	t.buf = t.buf[:0]
	for i, col := range t.columns {
		if i > 0 {
			t.buf = append(t.buf, '\t')
		}
		t.buf = append(t.buf, Escape(col.Value(v))...)
	}
	t.buf = append(t.buf, '\n')
	_, err := t.w.Write(t.buf)
	return err
}

func (t *tsvWriter[T]) Flush() error { return nil }

// Count writes n with the noun that agrees with it: "1 line", "2 lines",
// "0 retries".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
