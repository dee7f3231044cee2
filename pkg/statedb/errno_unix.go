//go:build unix

package statedb

import (
	"errors"
	"syscall"
)

func errReadOnlyFS() error { return syscall.EROFS }

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
