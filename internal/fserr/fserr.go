// Package fserr reports a failure to write a file that was written through
// a temporary file beside it, naming the file and not the temporary one.
package fserr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Wrap returns "verb path: cause". An *fs.PathError or *os.LinkError in
// err names the temporary file, an implementation detail: it is replaced by
// its cause, which errors.Is still matches.
func Wrap(verb, path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("%s %s: %w", verb, path, err)
}
