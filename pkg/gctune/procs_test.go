package gctune

import (
	"runtime"
	"testing"
)

func TestProcs(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	restore := Procs()
	if n := runtime.GOMAXPROCS(0); n != def+ExtraProcs {
		t.Errorf("GOMAXPROCS %d while in effect, want %d", n, def+ExtraProcs)
	}
	inner := Procs() // a second one adds nothing
	if n := runtime.GOMAXPROCS(0); n != def+ExtraProcs {
		t.Errorf("GOMAXPROCS %d with two in effect, want %d", n, def+ExtraProcs)
	}
	inner()
	if n := runtime.GOMAXPROCS(0); n != def+ExtraProcs {
		t.Errorf("GOMAXPROCS %d after the inner restore, want %d", n, def+ExtraProcs)
	}
	restore()
	restore() // twice is harmless
	if n := runtime.GOMAXPROCS(0); n != def {
		t.Errorf("GOMAXPROCS %d after restore, want the default %d", n, def)
	}
}

func TestProcsLeavesUserSetting(t *testing.T) {
	t.Setenv("GOMAXPROCS", "3")
	prev := runtime.GOMAXPROCS(3)
	defer func() {
		runtime.GOMAXPROCS(prev)
		runtime.SetDefaultGOMAXPROCS()
	}()
	restore := Procs()
	defer restore()
	if n := runtime.GOMAXPROCS(0); n != 3 {
		t.Errorf("GOMAXPROCS %d, want the user's 3", n)
	}
}
