package yamldoc

import (
	"context"
	"fmt"
	"time"
)

// List is a YAML file loaded for an edit of one of its top-level lists (the
// offers or the buyers of tweetpay.yaml): the document, to edit and save,
// and the list's entries decoded as T, in file order.
type List[T any] struct {
	// Path is the file and Key the top-level key of the list.
	Path, Key string
	Doc       *Doc
	// Items are the entries of the list as they were loaded; edits of Doc
	// do not change them.
	Items  []T
	unlock func()
}

// ReadList loads the file at path (Load: a missing file is an empty list)
// and decodes the entries of its list key, without the edit lock: for a
// look only, or for work to do before an edit that reads the file again
// under the lock (OpenList). An entry that does not decode as T is an error
// naming path and the entry's line.
func ReadList[T any](path, key string) (*List[T], error) {
	doc, err := Load(path)
	if err != nil {
		return nil, err
	}
	l := &List[T]{Path: path, Key: key, Doc: doc}
	for _, n := range doc.List(key) {
		var v T
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n.Line, err)
		}
		l.Items = append(l.Items, v)
	}
	return l, nil
}

// OpenList takes the edit lock of path (Lock, waiting up to timeout) and
// then calls read, ReadList or a wrapper of it, as Locked does. The lock is
// held until Close, so that another process's edit made meanwhile is
// neither overwritten nor lost; it is released when read fails.
func OpenList[T any](ctx context.Context, path string, timeout time.Duration, read func() (*List[T], error)) (*List[T], error) {
	l, unlock, err := Locked(ctx, path, timeout, read)
	if err != nil {
		return nil, err
	}
	l.unlock = unlock
	return l, nil
}

// Close releases the edit lock taken by OpenList. It may be called more
// than once, and on a List from ReadList, which holds none.
func (l *List[T]) Close() {
	if l != nil && l.unlock != nil {
		l.unlock()
		l.unlock = nil
	}
}
