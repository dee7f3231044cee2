//go:build unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report CPU per operation besides wall time: a figure that moves less
// than throughput when other work shares the machine.
package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system CPU time this process has used.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
