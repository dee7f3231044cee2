// Package build holds the version of the tweetpay binary.
package build

import "runtime/debug"

// Version is stamped at release time with
// -ldflags "-X github.com/tweetpay/tweetpay/pkg/build.Version=1.2.3".
var Version = ""

// Commit is the VCS revision stamped at release time, if any.
var Commit = ""

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
	if rev := setting(info, "vcs.revision"); len(rev) >= 12 {
		return "dev+" + rev[:12]
	}
	return "dev"
}

// Info is what `tweetpay --version -o json` prints. Commit and Date are
// null when unknown.
type Info struct {
	Version string  `json:"version"`
	Commit  *string `json:"commit"`
	Date    *string `json:"date"`
}

// Get returns the version, the commit (stamped, else the VCS revision the Go
// toolchain recorded) and the build date (stamped only).
func Get() Info {
	in := Info{Version: String()}
	commit := Commit
	if commit == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			commit = setting(info, "vcs.revision")
		}
	}
	if commit != "" {
		in.Commit = &commit
	}
	if Date != "" {
		d := Date
		in.Date = &d
	}
	return in
}

func setting(info *debug.BuildInfo, key string) string {
	for _, s := range info.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
