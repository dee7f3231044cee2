//go:build !unix

// Package cputime reads the CPU time the process has used, for benchmarks
// that report CPU per operation besides wall time: a figure that moves less
// than throughput when other work shares the machine.
package cputime

import "time"

// Process is not measured on this platform: it is always 0.
func Process() time.Duration { return 0 }
