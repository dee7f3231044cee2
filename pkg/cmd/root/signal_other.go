//go:build !unix

package root

import "os"

// stopNow ends the process on a second signal.
func stopNow(os.Signal, bool) { os.Exit(int(ExitInterrupted)) }

// ignoreFileSizeSignal does nothing: there is no SIGXFSZ here.
func ignoreFileSizeSignal() {}
