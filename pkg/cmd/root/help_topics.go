package root

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// exitCodeInfo is one exit code as `help exit-codes -o json` prints it.
type exitCodeInfo struct {
	Code    ExitCode `json:"code"`
	Name    string   `json:"name"`
	Meaning string   `json:"meaning"`
}

// exitCodes lists the exit codes for the help topic; a "\n" in a meaning is
// where the text form wraps.
var exitCodes = []exitCodeInfo{
	{ExitOK, "ok", `ok, including "nothing found"`},
	{ExitError, "error", "unexpected failure (a bug, an I/O error)"},
	{ExitUsage, "usage", "usage: a bad flag, argument or subcommand"},
	{ExitRejected, "rejected", "input rejected: a bad tweet, a bad offer, an unknown ID"},
	{ExitConfig, "config", "configuration or credentials: a bad tweetpay.yaml, a refused key,\na live key without --live, a config file or state directory that\ncannot be written (permissions, a read-only file, a full disk)"},
	{ExitDeclined, "declined", "payment declined"},
	{ExitUnavailable, "unavailable", "provider unavailable: rate limited, a server error, the network (a\nrequest over --timeout), the state directory locked by another\nprocess, or the config file being edited by another process past\nlock_timeout; also simulate run when a step failed for one of these\nreasons; a retry may help"},
	{ExitExpectation, "expectation", "an expectation was not met (simulate tweet --expect, a scenario step)"},
	{ExitInterrupted, "interrupted", "interrupted (SIGINT, SIGTERM); a second signal stops at once"},
}

var exitCodesHelp = exitCodesText()

func exitCodesText() string {
	var b strings.Builder
	b.WriteString("tweetpay exits with one of these codes; scripts may rely on them.\n\n")
	for _, c := range exitCodes {
		fmt.Fprintf(&b, "  %-4d %s\n", c.Code, strings.ReplaceAll(c.Meaning, "\n", "\n       "))
	}
	b.WriteString(`
With -o json, a failure is reported as one JSON line on stderr:
  {"error": "...", "exit_code": N}
`)
	return b.String()
}

// writeExitCodesJSON prints the codes as an array, for scripts.
func writeExitCodesJSON(w io.Writer) error {
	out := make([]exitCodeInfo, len(exitCodes))
	for i, c := range exitCodes {
		c.Meaning = strings.ReplaceAll(c.Meaning, "\n", " ")
		out[i] = c
	}
	return output.WriteJSON(w, out)
}

// newCmdExitCodes returns the exit-codes topic, which runs as
// `tweetpay exit-codes` and as `tweetpay help exit-codes`. format is the
// root's -o: the help command parses it, not the topic.
func newCmdExitCodes(format *output.Format) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exit-codes",
		Short: "Exit codes and what they mean",
		Long:  exitCodesHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if *format == output.JSON {
				return writeExitCodesJSON(cmd.OutOrStdout())
			}
			_, err := fmt.Fprint(cmd.OutOrStdout(), exitCodesHelp)
			return err
		},
	}
	help := cmd.HelpFunc()
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		if *format == output.JSON {
			if err := writeExitCodesJSON(c.OutOrStdout()); err != nil {
				fmt.Fprintln(c.ErrOrStderr(), err)
			}
			return
		}
		help(c, args)
	})
	return cmd
}

// newCmdHelp returns `help [command]`: cobra's help command, except that a
// topic it does not know, or a known one followed by more words, is a usage
// error (exit 2) instead of the root's help with exit 0.
func newCmdHelp(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help about any command: tweetpay help [command].",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			cmd, _, err := root.Find(args)
			if err != nil || cmd == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, cobra.CompletionWithDesc(sub.Name(), sub.Short))
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return cmdutil.FlagErrorf("unknown help topic %q: run 'tweetpay help' for the commands and topics", strings.Join(args, " "))
			}
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}
