// Package build holds the version of the tweetpay binary.
package build

import "runtime/debug"

// Version is stamped at release time with
// -ldflags "-X github.com/tweetpay/tweetpay/pkg/build.Version=1.2.3".
var Version = ""

// Date is the build date stamped at release time, if any.
var Date = ""

// String returns the version to show: the stamped one, else the module
// version recorded by `go install`, else "dev" with the VCS revision when known.
func String() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev+" + s.Value[:12]
		}
	}
	return "dev"
}
