package cmdutil

import "github.com/spf13/cobra"

// Group returns a noun command holding verbs. It takes no arguments, so a
// mistyped verb is a usage error (exit 2) rather than help with exit 0, which
// is what a bare cobra parent does. long says what the noun is for and what
// its verbs share; Group adds the noun's exit status to it.
func Group(use, short, long string, verbs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long + "\n\n" + groupExitStatus,
		Args:  NoSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(verbs...)
	return cmd
}

// groupExitStatus ends every noun's Long: the noun itself only prints help or
// refuses a mistyped verb.
const groupExitStatus = `Exit status: 0 without a command, which prints this help; 2 for an unknown
command. Each command's help gives its own.`

// NoSubcommand is the Args of a command that only holds subcommands: an
// argument there is a mistyped subcommand.
func NoSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

// ExactArgs is cobra.ExactArgs returning a FlagError that names what is missing.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("%s is required", what)
		}
		if len(args) > n {
			return FlagErrorf("too many arguments: %q", args[n:])
		}
		return nil
	}
}

// NoArgs rejects positional arguments with a FlagError.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

// MutuallyExclusive returns a FlagError when more than one condition holds.
func MutuallyExclusive(message string, conditions ...bool) error {
	n := 0
	for _, c := range conditions {
		if c {
			n++
		}
	}
	if n > 1 {
		return FlagErrorf("%s", message)
	}
	return nil
}

// ConfirmFlag returns a FlagError when a destructive verb runs without
// --yes and no terminal to ask on.
func ConfirmFlag(yes, canPrompt bool, verb string) error {
	if !yes && !canPrompt {
		return FlagErrorf("%s needs --yes when not run interactively", verb)
	}
	return nil
}

const annotConfigMayBeMissing = "tweetpay/config-may-be-missing"

// ConfigMayBeMissing marks a command that works with a config file named by
// --config or TWEETPAY_CONFIG that does not exist yet: it creates the file or
// reports on it. For every other command such a file is an error (a mistyped
// path must not run on defaults).
func ConfigMayBeMissing(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotConfigMayBeMissing] = "yes"
	return cmd
}

// AllowsMissingConfig reports whether ConfigMayBeMissing marked cmd.
func AllowsMissingConfig(cmd *cobra.Command) bool {
	return cmd != nil && cmd.Annotations[annotConfigMayBeMissing] != ""
}
