//go:build !unix

package yamldoc

import "errors"

func mkfifo(string) error { return errors.New("not supported") }
