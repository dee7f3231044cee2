package yamldoc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

type listItem struct {
	Name string `yaml:"name"`
	N    int    `yaml:"n"`
}

func TestReadList(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	if err := os.WriteFile(path, []byte("other: 1\nitems:\n  - name: a\n    n: 1\n  - name: b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := ReadList[listItem](path, "items")
	if err != nil {
		t.Fatal(err)
	}
	if want := []listItem{{"a", 1}, {"b", 0}}; !reflect.DeepEqual(l.Items, want) {
		t.Errorf("Items = %v, want %v", l.Items, want)
	}
	if l.Path != path || l.Key != "items" || len(l.Doc.List("items")) != 2 {
		t.Errorf("Path, Key, Doc = %q, %q, %d entries", l.Path, l.Key, len(l.Doc.List("items")))
	}
	l.Close() // no lock: nothing to do

	// A missing file is an empty list, as Load makes it.
	l, err = ReadList[listItem](filepath.Join(dir, "none.yaml"), "items")
	if err != nil || len(l.Items) != 0 {
		t.Errorf("missing file: %v, %v", l, err)
	}

	// An entry that does not decode is named by the file and its line.
	if err := os.WriteFile(path, []byte("items:\n  - name: a\n  - n: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadList[listItem](path, "items"); err == nil || !strings.HasPrefix(err.Error(), path+":3: ") {
		t.Errorf("bad entry: err = %v, want it to start with %s:3:", err, path)
	}
	if err := os.WriteFile(path, []byte("- a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadList[listItem](path, "items"); !errors.Is(err, ErrInvalid) {
		t.Errorf("not a mapping: err = %v, want ErrInvalid", err)
	}
}

// TestOpenList: the list is read under the edit lock, which is held until
// Close (and released when the read fails).
func TestOpenList(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no flock here: Lock does nothing")
	}
	path := filepath.Join(t.TempDir(), "tweetpay.yaml")
	if err := os.WriteFile(path, []byte("items:\n  - name: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	held := func() bool {
		unlock, err := Lock(ctx, path, 20*time.Millisecond)
		if err == nil {
			unlock()
			return false
		}
		if !errors.Is(err, ErrLocked) {
			t.Fatal(err)
		}
		return true
	}

	read := func() (*List[listItem], error) { return ReadList[listItem](path, "items") }
	l, err := OpenList(ctx, path, time.Second, read)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 1 || l.Items[0].Name != "a" {
		t.Errorf("Items = %v", l.Items)
	}
	if !held() {
		t.Error("the edit lock is not held after OpenList")
	}
	l.Close()
	l.Close()
	if held() {
		t.Error("the edit lock is held after Close")
	}

	boom := errors.New("boom")
	if _, err := OpenList(ctx, path, time.Second, func() (*List[listItem], error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failing read: err = %v", err)
	}
	if held() {
		t.Error("the edit lock is held after a failed read")
	}
}
