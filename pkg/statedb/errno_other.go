//go:build !unix

package statedb

import "errors"

var errNeverMatches = errors.New("statedb: no such error on this platform")

func errReadOnlyFS() error { return errNeverMatches }

func isNoSpace(error) bool { return false }
