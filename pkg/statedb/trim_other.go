//go:build !linux

package statedb

// dontNeed does nothing where it is not implemented.
func dontNeed(addr, n uintptr) error { return nil }

// residentFileBytes is not known here.
func residentFileBytes() (int64, bool) { return 0, false }
