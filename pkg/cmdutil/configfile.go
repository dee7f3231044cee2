package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// ReadList loads the list key of the config file (the offers, the buyers)
// without its edit lock (yamldoc.ReadList). A file that cannot be read or
// parsed, or an entry that does not decode, is a configuration problem
// (config.ErrInvalid, exit 4).
func ReadList[T any](cfg *config.Config, key string) (*yamldoc.List[T], error) {
	l, err := yamldoc.ReadList[T](cfg.Path, key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", config.ErrInvalid, err)
	}
	return l, nil
}

// OpenList is ReadList under the config file's edit lock, waiting for
// another process's edit up to lock_timeout; the lock is held until Close.
func OpenList[T any](ctx context.Context, cfg *config.Config, key string) (*yamldoc.List[T], error) {
	return yamldoc.OpenList(ctx, cfg.Path, cfg.LockTimeout, func() (*yamldoc.List[T], error) { return ReadList[T](cfg, key) })
}

// EditErr explains a yamldoc failure to edit or save the config file at
// path: a layout it cannot edit safely, a file in a directory that does not
// exist, a path that is not a regular file, or a file or directory that
// cannot be written is the configuration's problem (exit 4), not the
// user's input.
func EditErr(path string, err error) error {
	switch {
	case errors.Is(err, yamldoc.ErrUnsupported) || errors.Is(err, yamldoc.ErrInvalid):
		return fmt.Errorf("%w: %s: %w", config.ErrInvalid, path, err)
	case errors.Is(err, yamldoc.ErrNoDir):
		// A --config in a directory that does not exist: create it, or
		// fix the path. The error names both.
		return fmt.Errorf("%w: %w; create it first, or check the path", config.ErrInvalid, err)
	case errors.Is(err, yamldoc.ErrNotFile), errors.Is(err, yamldoc.ErrReadOnly):
		return fmt.Errorf("%w: %w", config.ErrInvalid, err)
	case errors.Is(err, fs.ErrPermission):
		// The file is replaced by a new one written beside it, so its
		// directory must be writable too.
		return fmt.Errorf("%w: %w (an edit writes a new file in the file's directory)", config.ErrInvalid, err)
	}
	return err
}

// NotFound is the error for an entry of the config file's list that it
// does not have: "no buyer @x in tweetpay.yaml (it has @a, @b)", what being
// the entry's kind, name how the user named it and have the names of those
// the file has. It matches (errors.Is) kind, the command package's own
// sentinel, and payment.ErrNotFound, so that it exits 3.
func NotFound(kind error, what, name, path string, have []string) error {
	known := "it has none"
	if len(have) > 0 {
		known = "it has " + strings.Join(have, ", ")
	}
	return &notFoundError{kind: kind, msg: fmt.Sprintf("no %s %s in %s (%s)", what, name, path, known)}
}

type notFoundError struct {
	kind error
	msg  string
}

func (e *notFoundError) Error() string { return e.msg }

func (e *notFoundError) Is(target error) bool {
	return target == e.kind || target == payment.ErrNotFound
}
