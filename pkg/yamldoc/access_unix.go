//go:build unix

package yamldoc

import (
	"errors"
	"syscall"
)

// canWrite reports whether the caller may write the file at path in place
// (access(2) with W_OK): false for another user's file it may not write, or
// on a read-only file system.
func canWrite(path string) bool {
	const wOK = 0x2
	err := syscall.Access(path, wOK)
	return !errors.Is(err, syscall.EACCES) && !errors.Is(err, syscall.EROFS) && !errors.Is(err, syscall.EPERM)
}
