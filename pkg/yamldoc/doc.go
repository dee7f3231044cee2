// Package yamldoc edits a YAML file the way a person would: the entries of a
// top-level sequence (such as offers or buyers in tweetpay.yaml) are
// appended, replaced, updated or removed by splicing text into the original
// bytes, so that comments, key order, blank lines, quoting and indentation of
// everything that was not edited survive byte for byte. yaml.v3's node tree
// is used to find what to edit and to render the new text; it is never used to
// re-encode the whole file, since that would re-indent and re-flow it.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/fserr"
)

var (
	// ErrNotFound is returned when no entry matches.
	ErrNotFound = errors.New("no matching entry")
	// ErrUnsupported is returned for layouts the text splicing cannot edit
	// safely, such as a flow-style top-level mapping.
	ErrUnsupported = errors.New("unsupported yaml layout")
	// ErrInvalid is returned when the file is not YAML with a mapping at the top.
	ErrInvalid = errors.New("invalid yaml document")
	// ErrNoDir is matched (errors.Is) by the error of Save when the file's
	// directory does not exist or is not a directory.
	ErrNoDir = errors.New("no such directory")
	// ErrNotFile is matched by the error of Save when something other than
	// a regular file is at the path: a device such as /dev/null, a pipe
	// or a socket, which a rename would replace.
	ErrNotFile = errors.New("not a regular file")
	// ErrReadOnly is matched by the error of Save when the file at the path
	// is read-only: its owner may not write it, or the caller may not.
	ErrReadOnly = errors.New("read-only file")
)

// notFileError names what is at a path that Save will not replace.
type notFileError struct {
	mode fs.FileMode
}

func (e *notFileError) Error() string {
	what := "not a regular file"
	switch t := e.mode.Type(); {
	case t&fs.ModeDevice != 0:
		what = "a device, not a regular file"
	case t&fs.ModeNamedPipe != 0:
		what = "a pipe, not a regular file"
	case t&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	}
	return what + "; only a regular file can be edited"
}

func (e *notFileError) Is(target error) bool { return target == ErrNotFile }

// readOnlyError says that a file is read-only and how to change that.
type readOnlyError struct {
	path string
	mode fs.FileMode
}

func (e *readOnlyError) Error() string {
	if e.mode.Perm()&0o200 != 0 {
		// The owner may write it: another user's file, or a read-only
		// file system.
		return fmt.Sprintf("the file cannot be written by this user (mode %04o), or is on a read-only file system", e.mode.Perm())
	}
	return fmt.Sprintf("the file is read-only (mode %04o): make it writable (chmod u+w %s) to edit it", e.mode.Perm(), e.path)
}

func (e *readOnlyError) Is(target error) bool { return target == ErrReadOnly }

// noDirError names the directory Save cannot write in.
type noDirError struct {
	dir    string
	notDir bool // it exists but is a file
}

func (e *noDirError) Error() string {
	if e.notDir {
		return e.dir + " is not a directory"
	}
	return "directory " + e.dir + " does not exist"
}

func (e *noDirError) Is(target error) bool { return target == ErrNoDir }

// Doc is a YAML document kept as its source bytes plus the node tree parsed
// from them. It is not safe for concurrent use.
type Doc struct {
	src  []byte
	t    *text
	root *yaml.Node // the top-level mapping, or nil for an empty document
	crlf bool       // the file's lines end in "\r\n"
}

// Parse reads a YAML document whose top level is a mapping (or empty).
func Parse(b []byte) (*Doc, error) {
	d := &Doc{}
	if err := d.set(bytes.Clone(b)); err != nil {
		return nil, err
	}
	return d, nil
}

// Load reads a YAML file; a missing file gives an empty document that Save
// will create.
func Load(path string) (*Doc, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Parse(nil)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// set replaces the source and re-parses it; on error the Doc is unchanged.
func (d *Doc) set(src []byte) error {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var root *yaml.Node
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		root = n.Content[0]
		switch {
		case root.Kind == yaml.ScalarNode && root.Tag == "!!null":
			root = nil
		case root.Kind != yaml.MappingNode:
			return fmt.Errorf("%w: the top level must be a mapping of keys (line %d)", ErrInvalid, root.Line)
		}
	}
	d.src, d.t, d.root = src, newText(src), root
	if i := bytes.IndexByte(src, '\n'); i > 0 {
		d.crlf = src[i-1] == '\r'
	}
	return nil
}

// Bytes returns the document's current text.
func (d *Doc) Bytes() ([]byte, error) { return bytes.Clone(d.src), nil }

// Root returns the top-level mapping node, or nil for an empty document. The
// node reflects the current text; it must not be modified.
func (d *Doc) Root() *yaml.Node { return d.root }

// Decode decodes the whole document into v.
func (d *Doc) Decode(v any) error {
	if d.root == nil {
		return nil
	}
	return d.root.Decode(v)
}

// Save writes the document to path atomically: a temporary file in the same
// directory is written, synced and renamed over path, so readers see either
// the old or the new file, never a part. The file gets mode 0600, or the
// existing file's mode when that is stricter. A symbolic link at path is
// followed, so the link survives. Save never replaces what the user could
// not write in place: a path that is not a regular file (a device such as
// /dev/null, a pipe) is an error matching ErrNotFile, and a read-only file
// one matching ErrReadOnly. The directory is not created: its absence is an
// error matching ErrNoDir. Errors name path, never the temporary file.
func (d *Doc) Save(path string) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if err := CheckSave(path); err != nil {
		return err
	}
	perm := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm() & 0o600
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return saveErr(path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(perm); err != nil {
		return saveErr(path, err)
	}
	if _, err := f.Write(d.src); err != nil {
		return saveErr(path, err)
	}
	if err := f.Sync(); err != nil {
		return saveErr(path, err)
	}
	if err := f.Close(); err != nil {
		return saveErr(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return saveErr(path, err)
	}
	ok = true
	if df, err := os.Open(dir); err == nil {
		_ = df.Sync() // best effort: makes the rename durable where supported
		df.Close()
	}
	return nil
}

// CheckSave returns the error Save would give before writing anything: the
// directory of path does not exist or is not a directory (ErrNoDir), or
// path is not a regular file (ErrNotFile) or is read-only (ErrReadOnly);
// else nil. A command with side effects before its Save checks first.
func CheckSave(path string) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return saveErr(path, &noDirError{dir: dir})
	} else if err == nil && !fi.IsDir() {
		return saveErr(path, &noDirError{dir: dir, notDir: true})
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil // a file to create; a problem with the directory shows when it is written
	}
	if !fi.Mode().IsRegular() {
		return saveErr(path, &notFileError{mode: fi.Mode()})
	}
	// A rename replaces a file whatever its mode: the user's "chmod a-w"
	// would be ignored without a word.
	if fi.Mode().Perm()&0o200 == 0 || !canWrite(path) {
		return saveErr(path, &readOnlyError{path: path, mode: fi.Mode()})
	}
	return nil
}

// saveErr reports a failure to save path, naming path and not the
// temporary file.
func saveErr(path string, err error) error { return fserr.Wrap("save", path, err) }

// Field returns the value node of key name in mapping n, or nil.
func Field(n *yaml.Node, name string) *yaml.Node {
	_, v := field(n, name)
	return v
}

// Scalar returns the value of the scalar field name in mapping n, or "".
func Scalar(n *yaml.Node, name string) string {
	if v := Field(n, name); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

func field(n *yaml.Node, name string) (key, value *yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// List returns the entries of the top-level sequence key, or nil when the key
// is absent or not a sequence.
func (d *Doc) List(key string) []*yaml.Node {
	_, v := field(d.root, key)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	return v.Content
}

// splice replaces src[from:to] with s and re-parses the result. In a file
// with "\r\n" line ends, the new text gets them too.
func (d *Doc) splice(from, to int, s string) error {
	if d.crlf {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
	}
	out := make([]byte, 0, len(d.src)-(to-from)+len(s))
	out = append(out, d.src[:from]...)
	out = append(out, s...)
	out = append(out, d.src[to:]...)
	if err := d.set(out); err != nil {
		if anchor, alias := d.usedAnchorIn(from, to); anchor != nil {
			return fmt.Errorf("%w: the edit would remove the anchor &%s (line %d) that *%s at line %d refers to; write the value in place of *%s first",
				ErrUnsupported, anchor.Anchor, anchor.Line, alias.Value, alias.Line, alias.Value)
		}
		return fmt.Errorf("edit produced invalid yaml (please report this): %w", err)
	}
	return nil
}

// usedAnchorIn returns a node of the document whose anchor is defined in
// src[from:to] and an alias outside that range referring to it, or nils.
func (d *Doc) usedAnchorIn(from, to int) (anchor, alias *yaml.Node) {
	var walk func(n *yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n == nil {
			return false
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			if a, o := n.Alias, d.off(n); (o < from || o >= to) && d.off(a) >= from && d.off(a) < to {
				anchor, alias = a, n
				return true
			}
			return false // the anchored node is walked where it is defined
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(d.root)
	return anchor, alias
}

// seq returns the key node and the sequence node of a top-level key.
func (d *Doc) seq(key string) (*yaml.Node, *yaml.Node, error) {
	if d.root != nil && d.root.Style&yaml.FlowStyle != 0 {
		return nil, nil, fmt.Errorf("%w: a flow-style top-level mapping", ErrUnsupported)
	}
	k, v := field(d.root, key)
	if k == nil {
		return nil, nil, nil
	}
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return k, v, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, nil, fmt.Errorf("%w: %s (line %d) is not a list", ErrInvalid, key, k.Line)
	}
	return k, v, nil
}

func (d *Doc) find(key string, match func(*yaml.Node) bool) (*yaml.Node, int, error) {
	_, v, err := d.seq(key)
	if err != nil {
		return nil, -1, err
	}
	if v != nil && v.Kind == yaml.SequenceNode {
		for i, n := range v.Content {
			if match(n) {
				return v, i, nil
			}
		}
	}
	return v, -1, fmt.Errorf("%s: %w", key, ErrNotFound)
}

// off returns the byte offset where node n starts.
func (d *Doc) off(n *yaml.Node) int { return d.t.offset(n.Line, n.Column) }

// dash finds the '-' introducing a block sequence entry.
func (d *Doc) dash(item *yaml.Node) (int, error) {
	off := d.off(item)
	line := d.t.lineOf(off)
	before := strings.TrimRight(string(d.src[d.t.start[line]:off]), " \t")
	if strings.HasSuffix(before, "-") {
		return d.t.start[line] + len(before) - 1, nil
	}
	if strings.TrimSpace(before) == "" {
		col := d.t.colOf(off)
		for i := line - 1; i >= 0; i-- {
			if d.t.blank(i) || d.t.comment(i) {
				continue
			}
			if d.t.dashAt(i) && d.t.indent(i) < col {
				return d.t.start[i] + d.t.indent(i), nil
			}
			break
		}
	}
	return 0, fmt.Errorf("%w: entry at line %d has no '-' before it", ErrUnsupported, item.Line)
}

// entry locates a block sequence entry: its dash offset, column and last line.
type entry struct {
	dashOff, dashCol, first, last int
}

func (d *Doc) entry(item *yaml.Node) (entry, error) {
	off, err := d.dash(item)
	if err != nil {
		return entry{}, err
	}
	line := d.t.lineOf(off)
	col := d.t.colOf(off)
	return entry{dashOff: off, dashCol: col, first: line, last: d.t.blockEnd(line, col, false)}, nil
}
