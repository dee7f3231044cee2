package root

import (
	"fmt"

	"github.com/spf13/cobra"
)

const exitCodesHelp = `tweetpay exits with one of these codes; scripts may rely on them.

  0    ok, including "nothing found"
  1    unexpected failure (a bug, an I/O error)
  2    usage: a bad flag, argument or subcommand
  3    input rejected: a bad tweet, a bad offer, an unknown ID
  4    configuration or credentials: a bad tweetpay.yaml, a refused key,
       a live key without --live
  5    payment declined
  6    provider unavailable: rate limited, a server error, the network, or
       the state directory locked by another process; a retry may help
  7    an expectation was not met (simulate tweet --expect, a scenario step)
  130  interrupted

With -o json, a failure is reported as one JSON line on stderr:
  {"error": "...", "exit_code": N}
`

func newCmdExitCodes() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "Exit codes and what they mean",
		Long:  exitCodesHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), exitCodesHelp)
			return err
		},
	}
}
