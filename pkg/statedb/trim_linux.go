//go:build linux

package statedb

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"
)

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

var pageSize = int64(os.Getpagesize())

// statm is /proc/self/statm, opened once: reading it again is one pread.
var statm = sync.OnceValue(func() *os.File {
	f, err := os.Open("/proc/self/statm")
	if err != nil {
		return nil
	}
	return f
})

// residentFileBytes returns the process's resident file-backed (and shared)
// memory, the third field of /proc/self/statm: the pages of the mapped state
// files, and of the executable.
func residentFileBytes() (int64, bool) {
	f := statm()
	if f == nil {
		return 0, false
	}
	var buf [128]byte
	n, err := f.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return 0, false
	}
	fields := bytes.Fields(buf[:n])
	if len(fields) < 3 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(fields[2]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * pageSize, true
}
