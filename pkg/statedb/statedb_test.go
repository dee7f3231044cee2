package statedb

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "state.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	info, err := os.ReadFile(path + ".lock-info")
	if err != nil || !strings.HasPrefix(string(info), strconv.Itoa(os.Getpid())+" ") {
		t.Fatalf("lock-info = %q, %v", info, err)
	}
	if db.bolt.NoSync {
		t.Fatal("NoSync must stay off")
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("x"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(path + ".lock-info"); !os.IsNotExist(err) {
		t.Fatalf("lock-info left behind: %v", err)
	}
	db2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	_ = db2.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("x")).Get([]byte("k")); string(v) != "v" {
			t.Fatalf("value after reopen = %q", v)
		}
		return nil
	})
}

func TestLockedNamesHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = Open(path, Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	if !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("error does not name the holder: %v", err)
	}
}

func TestUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(dir, "state.db"), Options{})
	if !errors.Is(err, ErrUnwritable) || !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("want ErrUnwritable wrapping the OS error, got %v", err)
	}
}

func TestUnwritableParentIsAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(filepath.Join(f, "sub", "state.db"), Options{})
	if !errors.Is(err, ErrUnwritable) {
		t.Fatalf("want ErrUnwritable, got %v", err)
	}
}

// TestCountKeys counts a bucket larger than the trimming step, in a write
// transaction that changes it as it goes and then reads back what it wrote
// (the pages given back mid-count are mapped again).
func TestCountKeys(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const n = 20000
	if err := d.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		for i := range n {
			if err := b.Put([]byte(strconv.Itoa(1_000_000+i)), []byte(strings.Repeat("v", 100))); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		if got := CountKeys(b); got != n {
			t.Errorf("counted %d, want %d", got, n)
		}
		if err := b.Put([]byte("x"), []byte("y")); err != nil {
			return err
		}
		if got := CountKeys(b); got != n+1 {
			t.Errorf("counted %d after a put, want %d", got, n+1)
		}
		if v := b.Get([]byte("1012345")); string(v) != strings.Repeat("v", 100) {
			t.Errorf("value read after the trims: %q", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A new file gets newFilePageSize pages; a file created with another page
// size keeps it, and its data, when opened again.
func TestPageSizeOfNewAndExistingFiles(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "new.db")
	db, err := Open(fresh, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.bolt.Info().PageSize; got != newFilePageSize {
		t.Errorf("new file: page size %d, want %d", got, newFilePageSize)
	}
	db.Close()

	old := filepath.Join(dir, "old.db")
	b, err := bolt.Open(old, 0o600, &bolt.Options{PageSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(func(tx *bolt.Tx) error {
		bk, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		return bk.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	db, err = Open(old, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.bolt.Info().PageSize; got != 4096 {
		t.Errorf("existing file: page size %d, want its own 4096", got)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("b")).Get([]byte("k")); string(v) != "v" {
			t.Errorf("value %q after reopening", v)
		}
		return tx.Bucket([]byte("b")).Put([]byte("k2"), make([]byte, 10000))
	}); err != nil {
		t.Fatal(err)
	}
}

// A throwaway file is not synced; what it holds is still there for the next
// opening (a crash of the process loses nothing, only one of the machine).
// Other files are always synced.
func TestThrowawayIsNotSynced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Open(path, Options{Throwaway: true})
	if err != nil {
		t.Fatal(err)
	}
	if !db.bolt.NoSync {
		t.Error("a throwaway file is synced")
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("b"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.bolt.NoSync {
		t.Error("a file opened without Throwaway is not synced")
	}
	if err := db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("b")).Get([]byte("k")); string(v) != "v" {
			t.Errorf("value %q after reopening", v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
