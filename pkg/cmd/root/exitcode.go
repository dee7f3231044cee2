package root

import (
	"context"
	"errors"
	"strings"
	"syscall"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/statedb"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// ExitCode is the process exit status; the values are a public contract.
type ExitCode int

// The exit codes of CLI.md. Add new ones; never renumber.
const (
	ExitOK          ExitCode = 0
	ExitError       ExitCode = 1
	ExitUsage       ExitCode = 2
	ExitRejected    ExitCode = 3
	ExitConfig      ExitCode = 4
	ExitDeclined    ExitCode = 5
	ExitUnavailable ExitCode = 6
	ExitExpectation ExitCode = 7
	ExitInterrupted ExitCode = 130
)

// exitCodeFor maps an error onto the exit code table. It is the only place
// that does.
func exitCodeFor(ctx context.Context, err error) ExitCode {
	var flagErr *cmdutil.FlagError
	var exitErr *cmdutil.ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exitErr):
		return ExitCode(exitErr.Code)
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &flagErr), strings.HasPrefix(err.Error(), "unknown command"):
		return ExitUsage // the one string match: cobra has no typed error for it
	case errors.Is(err, config.ErrInvalid), errors.Is(err, payment.ErrAuth):
		return ExitConfig
	case errors.Is(err, scenario.ErrExpectation):
		return ExitExpectation
	case errors.Is(err, payment.ErrDeclined):
		return ExitDeclined
	case errors.Is(err, statedb.ErrUnwritable), diskFull(err):
		return ExitConfig
	case errors.Is(err, payment.ErrUnavailable), errors.Is(err, statedb.ErrLocked), errors.Is(err, yamldoc.ErrLocked):
		return ExitUnavailable
	case isRejected(err):
		return ExitRejected
	}
	return ExitError
}

// diskFull reports a write refused for lack of space or over a file-size
// limit. bbolt formats some of these errors with %s, dropping the errno, so
// the message is matched too: the one other string match, for a library
// that leaves no typed error.
func diskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	msg := err.Error()
	for _, m := range []string{"no space left on device", "file too large", "disk quota exceeded"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
