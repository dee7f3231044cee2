//go:build !unix

package yamldoc

import "os"

// tryLock does nothing where flock is not available.
func tryLock(*os.File) (busy bool, err error) { return false, nil }
