package fserr

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestWrapNamesThePathNotTheTemporaryFile(t *testing.T) {
	for _, err := range []error{
		&fs.PathError{Op: "write", Path: "/d/.c.yaml.123", Err: syscall.ENOSPC},
		&os.LinkError{Op: "rename", Old: "/d/.c.yaml.123", New: "/d/c.yaml", Err: syscall.ENOSPC},
	} {
		got := Wrap("save", "/d/c.yaml", err)
		if got.Error() != "save /d/c.yaml: "+syscall.ENOSPC.Error() || !errors.Is(got, syscall.ENOSPC) {
			t.Errorf("Wrap(%v) = %v", err, got)
		}
	}
	other := errors.New("boom")
	if got := Wrap("write", "f", other); got.Error() != "write f: boom" || !errors.Is(got, other) {
		t.Errorf("Wrap(boom) = %v", got)
	}
}
