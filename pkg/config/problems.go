package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with the configuration.
type Problem struct {
	// File is the config file when the problem is in it; "" when it is about
	// a value from the environment or a flag, or about no file in
	// particular.
	File string
	// Line is the line of File the problem is at, 0 when not known.
	Line int
	// Message says what is wrong; about a value from the environment or a
	// flag, it starts with its name ("$TWEETPAY_BACKEND: ...").
	Message string
	// cause is the error the problem was found as, for errors.Is (an
	// offer's problem wraps offer.ErrInvalid, a live key ErrLiveKey).
	cause error
}

// String is the problem as messages show it: "tweetpay.yaml:7: message",
// "tweetpay.yaml: message" or the message alone.
func (p Problem) String() string {
	switch {
	case p.File != "" && p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	case p.File != "":
		return p.File + ": " + p.Message
	}
	return p.Message
}

// Problems is the error of a configuration with problems, one per line of
// its message. It wraps ErrInvalid and the error each problem was found as.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return ErrInvalid.Error() + ": " + strings.Join(lines, "\n")
}

// Unwrap lets errors.Is match ErrInvalid and each problem's own error.
func (ps Problems) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, p := range ps {
		if p.cause != nil {
			out = append(out, p.cause)
		}
	}
	return out
}

// ProblemsOf returns the problems err holds: those of a Problems in its
// chain, or else err itself as one problem (without the "invalid
// configuration: " its message may start with).
func ProblemsOf(err error) Problems {
	if err == nil {
		return nil
	}
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	return Problems{{Message: strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "), cause: err}}
}

// sortProblems orders problems for a reader: those at a line of the file
// by line, then the others in the order they were found.
func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		ka, kb := a.Line > 0 && a.File != "", b.Line > 0 && b.File != ""
		switch {
		case ka && kb:
			return cmp.Compare(a.Line, b.Line)
		case ka:
			return -1
		case kb:
			return 1
		}
		return 0
	})
}

// collector gathers the problems found while loading: all of them for
// Check, the first for Load.
type collector struct {
	all  bool
	list Problems
}

// add records problems; it reports whether loading stops there (Load's
// first problem).
func (k *collector) add(ps ...Problem) (stop bool) {
	k.list = append(k.list, ps...)
	return len(ps) > 0 && !k.all
}

// addErr records the problems of err, if any.
func (k *collector) addErr(err error) (stop bool) {
	if err == nil {
		return false
	}
	return k.add(ProblemsOf(err)...)
}

// err returns the problems recorded as an error, or nil.
func (k *collector) err() error {
	if len(k.list) == 0 {
		return nil
	}
	return k.list
}

// fileProblem is a problem in the file at path, at line (0: unknown).
func fileProblem(path string, line int, format string, args ...any) Problem {
	return Problem{File: path, Line: line, Message: fmt.Sprintf(format, args...)}
}

// settingProblem is a problem with the value of setting key, placed where
// that value came from: the file's line, or the variable or flag named at
// the start of the message.
func (c *Config) settingProblem(key, format string, args ...any) Problem {
	msg := fmt.Sprintf(format, args...)
	for _, s := range c.settings {
		if s.Key != key {
			continue
		}
		switch s.Source {
		case SourceFile:
			return Problem{File: s.Origin, Line: s.line, Message: msg}
		case SourceEnv:
			return Problem{Message: "$" + s.Origin + ": " + msg}
		case SourceFlag:
			return Problem{Message: s.Origin + ": " + msg}
		}
	}
	return Problem{Message: msg}
}
