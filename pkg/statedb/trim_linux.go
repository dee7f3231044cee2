//go:build linux

package statedb

import "syscall"

// dontNeed drops the process's mappings of [addr, addr+n).
func dontNeed(addr, n uintptr) error {
	if addr == 0 || n == 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, n, syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
