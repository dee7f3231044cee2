// Package listerr describes a problem with one entry of a list that is
// validated as a whole (the offers or the buyers of tweetpay.yaml), so that
// a caller can say where that entry is written.
package listerr

// EntryError is one problem found in a list: Err, about the entry at Index
// in the list given to the validation.
type EntryError struct {
	Index int
	Err   error
}

func (e *EntryError) Error() string { return e.Err.Error() }
func (e *EntryError) Unwrap() error { return e.Err }

// Entry returns the index of the entry in the list.
func (e *EntryError) Entry() int { return e.Index }
