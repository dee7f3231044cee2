//go:build !linux

package statedb

// dontNeed does nothing where it is not implemented.
func dontNeed(addr, n uintptr) error { return nil }
