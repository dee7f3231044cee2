package output

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

type row struct {
	ID, Name string
}

var cols = []Column[row]{
	{Header: "ID", Value: func(r row) string { return r.ID }},
	{Header: "NAME", Value: func(r row) string { return r.Name }},
}

var rows = []row{{"ch_1", "Blue Mug"}, {"ch_2", "tab\there, new\nline"}}

func TestPrint(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format Format
		tty    bool
		items  []row
		want   string
	}{
		{"tsv off a terminal: no header, tabs, control characters escaped", Table, false, rows, "ch_1\tBlue Mug\nch_2\ttab\\there, new\\nline\n"},
		{"json array", JSON, false, rows[:1], "[\n  {\n    \"ID\": \"ch_1\",\n    \"Name\": \"Blue Mug\"\n  }\n]\n"},
		{"json empty is [] not null", JSON, false, nil, "[]\n"},
		{"csv with a header", CSV, false, rows, "ID,NAME\nch_1,Blue Mug\nch_2,\"tab\there, new\nline\"\n"},
		{"csv empty still has the header", CSV, true, nil, "ID,NAME\n"},
		{"empty table prints nothing", Table, true, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			io, _, out, _ := iostreams.Test()
			io.SetTTY(tc.tty)
			if err := Print(io, tc.format, tc.items, cols); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("got %q, want %q", out.String(), tc.want)
			}
		})
	}
}

func TestPrintTableOnTerminal(t *testing.T) {
	io, _, out, _ := iostreams.Test()
	io.SetTTY(true)
	if err := Print(io, Table, rows[:1], cols); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"ID", "NAME", "ch_1", "Blue Mug", "│"} {
		if !strings.Contains(got, want) {
			t.Errorf("table %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "\t") {
		t.Errorf("a terminal table should not be tab-separated: %q", got)
	}
}

func TestFlag(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	var f Format
	AddFlag(cmd, &f)
	if f != Table {
		t.Errorf("default %q, want table", f)
	}
	if err := cmd.Flags().Set("output", "json"); err != nil || f != JSON {
		t.Errorf("json: %v %q", err, f)
	}
	err := cmd.Flags().Set("output", "csv")
	if err == nil || !strings.Contains(err.Error(), "csv is for list commands; valid formats are table, json") {
		t.Errorf("csv on a single-object command: %v", err)
	}
	err = cmd.Flags().Set("output", "xml")
	if err == nil || !strings.HasSuffix(err.Error(), ": valid formats are table, json") {
		t.Errorf("xml: %v", err)
	}
	list := &cobra.Command{Use: "y"}
	AddListFlag(list, &f)
	if err := list.Flags().Set("output", "csv"); err != nil || f != CSV {
		t.Errorf("csv on a list: %v %q", err, f)
	}
}

func TestGlobalFlag(t *testing.T) {
	root := &cobra.Command{Use: "root", SilenceErrors: true, SilenceUsage: true}
	var global, local Format
	AddGlobalFlag(root, &global)
	plain := &cobra.Command{Use: "plain", Run: func(*cobra.Command, []string) {}}
	list := &cobra.Command{Use: "list", Run: func(*cobra.Command, []string) {}}
	AddListFlag(list, &local)
	root.AddCommand(plain, list)

	// A command without its own -o inherits the global one.
	root.SetArgs([]string{"plain", "-o", "json"})
	if err := root.Execute(); err != nil || global != JSON {
		t.Fatalf("plain -o json: %v, global %q", err, global)
	}
	// Its csv is refused as on any command that is not a list.
	global = Table
	root.SetArgs([]string{"plain", "-o", "csv"})
	if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "csv is for list commands") {
		t.Errorf("plain -o csv: %v", err)
	}
	// A command with its own -o gets the value; the global one is untouched.
	global = Table
	root.SetArgs([]string{"list", "-o", "csv"})
	if err := root.Execute(); err != nil || local != CSV || global != Table {
		t.Errorf("list -o csv: %v, local %q, global %q", err, local, global)
	}
	if list.InheritedFlags().Lookup("output") != nil {
		t.Errorf("a command with its own -o lists the global one too")
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 retries"}, {1, "1 retry"}, {2, "2 retries"}, {-1, "-1 retries"}} {
		if got := Count(tt.n, "retry", "retries"); got != tt.want {
			t.Errorf("Count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
