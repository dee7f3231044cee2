package build

import "testing"

func TestString(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })
	Version = "1.2.3"
	if got := String(); got != "1.2.3" {
		t.Errorf("stamped: %q", got)
	}
	Version = ""
	// Without a stamp the version comes from the build information: a test
	// binary is "(devel)", so the fallback names it dev.
	if got := String(); got == "" || got == "(devel)" {
		t.Errorf("fallback: %q", got)
	}
}

func TestGet(t *testing.T) {
	oldV, oldC, oldD := Version, Commit, Date
	t.Cleanup(func() { Version, Commit, Date = oldV, oldC, oldD })
	Version, Commit, Date = "1.2.3", "0123456789abcdef", "2026-11-24T10:00:00Z"
	in := Get()
	if in.Version != "1.2.3" || in.Commit == nil || *in.Commit != Commit || in.Date == nil || *in.Date != Date {
		t.Errorf("stamped: %+v", in)
	}
	Date = ""
	if in := Get(); in.Date != nil {
		t.Errorf("unstamped date: %q, want null", *in.Date)
	}
}
