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
