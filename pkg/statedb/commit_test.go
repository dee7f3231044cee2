package statedb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTestDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "state.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("b"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return db
}

// Concurrent callers share commits; a failing function gets its own error
// and leaves nothing behind, while the others of its group are committed.
func TestCommitterGroupsAndIsolatesFailures(t *testing.T) {
	db := openTestDB(t)
	c := NewCommitter(db)
	errBad := errors.New("bad")
	var wg sync.WaitGroup
	errs := make([]error, 200)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Do(func(tx *bolt.Tx) error {
				if err := tx.Bucket([]byte("b")).Put([]byte(strconv.Itoa(i)), []byte("v")); err != nil {
					return err
				}
				if i%50 == 7 {
					return errBad
				}
				return nil
			})
		}()
	}
	wg.Wait()
	c.Close()
	if err := c.Do(func(*bolt.Tx) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do after Close: %v", err)
	}
	// The failing calls were re-run alone, outside the groups.
	if ws := c.Stats(); ws.Functions != 196 || ws.Commits < 1 || ws.Commits > 196 || ws.Busy <= 0 || ws.Busy > ws.Elapsed {
		t.Errorf("stats %+v: want 196 functions in 1-196 commits, busy for part of the time", ws)
	}
	err := db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		for i, err := range errs {
			stored := b.Get([]byte(strconv.Itoa(i))) != nil
			switch {
			case i%50 == 7 && !errors.Is(err, errBad):
				return fmt.Errorf("call %d: error %v, want errBad", i, err)
			case i%50 == 7 && stored:
				return fmt.Errorf("call %d failed but its write was committed", i)
			case i%50 != 7 && (err != nil || !stored):
				return fmt.Errorf("call %d: error %v, stored %v", i, err, stored)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// DoAsync's functions share commits with Do's; then is called once per
// function, after its commit, with the function's own error, and a failing
// function leaves nothing behind.
func TestCommitterDoAsync(t *testing.T) {
	db := openTestDB(t)
	c := NewCommitter(db)
	errBad := errors.New("bad")
	var (
		mu    sync.Mutex
		calls = make([]int, 200)
		errs  = make([]error, 200)
		seen  = make([]bool, 200)
		wg    sync.WaitGroup
	)
	for i := range calls {
		wg.Add(1)
		key := []byte(strconv.Itoa(i))
		fn := func(tx *bolt.Tx) error {
			if err := tx.Bucket([]byte("b")).Put(key, []byte("v")); err != nil {
				return err
			}
			if i%40 == 3 {
				return errBad
			}
			return nil
		}
		then := func(err error) {
			// Committed by now: a reader sees the write (or its absence).
			var stored bool
			if verr := db.View(func(tx *bolt.Tx) error {
				stored = tx.Bucket([]byte("b")).Get(key) != nil
				return nil
			}); verr != nil {
				t.Error(verr)
			}
			mu.Lock()
			calls[i]++
			errs[i], seen[i] = err, stored
			mu.Unlock()
			wg.Done()
		}
		if i%2 == 0 {
			c.DoAsync(fn, then)
		} else {
			go func() { then(c.Do(fn)) }()
		}
	}
	wg.Wait()
	c.Close()
	for i := range calls {
		switch {
		case calls[i] != 1:
			t.Errorf("call %d: then called %d times", i, calls[i])
		case i%40 == 3 && (!errors.Is(errs[i], errBad) || seen[i]):
			t.Errorf("call %d: error %v, stored %v; want errBad, nothing stored", i, errs[i], seen[i])
		case i%40 != 3 && (errs[i] != nil || !seen[i]):
			t.Errorf("call %d: error %v, stored %v", i, errs[i], seen[i])
		}
	}
	closed := make(chan error, 1)
	c.DoAsync(func(*bolt.Tx) error { return nil }, func(err error) { closed <- err })
	select {
	case err := <-closed:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("DoAsync after Close: %v", err)
		}
	default:
		t.Fatal("DoAsync after Close did not call then before returning")
	}
}

// A panicking function does not stop the loop: it panics in its caller.
func TestCommitterPanicReachesCaller(t *testing.T) {
	db := openTestDB(t)
	c := NewCommitter(db)
	defer c.Close()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic in the caller")
			}
		}()
		_ = c.Do(func(*bolt.Tx) error { panic("boom") })
	}()
	if err := c.Do(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte("k"), []byte("v")) }); err != nil {
		t.Fatalf("after a panic: %v", err)
	}
}

// TrimMapped drops the pages a scan mapped (on Linux, where it is
// implemented), and the data reads the same afterwards.
func TestTrimMapped(t *testing.T) {
	db := openTestDB(t)
	val := strings.Repeat("x", 3000)
	putValues(t, db, 4000, val)
	scan := func() int { return countValues(db, val) }
	if n := scan(); n != 4000 {
		t.Fatalf("scan found %d values", n)
	}
	before := mappedKB(t, db.Path())
	if err := db.TrimMapped(); err != nil {
		t.Fatal(err)
	}
	after := mappedKB(t, db.Path())
	if before >= 0 && (before < 8000 || after > before-8000) {
		t.Errorf("mapped %d KiB of the file before the trim, %d KiB after", before, after)
	}
	if n := scan(); n != 4000 {
		t.Fatalf("after the trim the scan found %d values", n)
	}
}

// putValues stores n copies of val in bucket "b", 1,000 a transaction.
func putValues(t *testing.T, db *DB, n int, val string) {
	t.Helper()
	for i := 0; i < n; i += 1000 {
		if err := db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("b"))
			for j := i; j < min(n, i+1000); j++ {
				if err := b.Put([]byte(fmt.Sprintf("%07d", j)), []byte(val)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// countValues reads every value of bucket "b" and counts those equal to val.
func countValues(db *DB, val string) int {
	n := 0
	_ = db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("b")).ForEach(func(_, v []byte) error {
			if string(v) == val {
				n++
			}
			return nil
		})
	})
	return n
}

// mappedKB is the resident size of the mappings of path (-1 where
// /proc/self/smaps is not available).
func mappedKB(t *testing.T, path string) int {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return -1
	}
	in, kb := false, 0
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && strings.Contains(f[0], "-") {
			in = f[len(f)-1] == path
			continue
		}
		if in && len(f) >= 2 && f[0] == "Rss:" {
			n, _ := strconv.Atoi(f[1])
			kb += n
		}
	}
	return kb
}

// MaybeTrim trims once the process has mapped TrimResident more bytes of
// files since the last trim, and not before (on Linux, where resident memory
// is read); it trims every open file, not only its own.
func TestMaybeTrimByResidentMemory(t *testing.T) {
	if _, ok := residentFileBytes(); !ok {
		t.Skip("resident memory cannot be read here")
	}
	db := openTestDB(t)
	other := openTestDB(t)
	val := strings.Repeat("y", 3000)
	putValues(t, db, 12000, val)
	putValues(t, other, 100, val)
	scan := func() { countValues(db, val); countValues(other, val) }
	maybeTrim := func() {
		db.MaybeTrim()
		trims.wg.Wait()
	}
	maybeTrim() // sets the baseline if the writes above went past it
	otherBefore := mappedKB(t, other.Path())
	scan() // maps the files: about 4 KB per value, 48 MB in all
	mapped, mappedOther := mappedKB(t, db.Path()), mappedKB(t, other.Path())
	if mapped < TrimResident/1024 || mappedOther-otherBefore < 100 {
		t.Fatalf("the scan mapped only %d and %d KiB", mapped, mappedOther-otherBefore)
	}
	done := trims.done.Load()
	maybeTrim()
	if trims.done.Load() == done {
		t.Fatalf("%d KiB mapped since the last trim, and MaybeTrim did not trim", mapped)
	}
	// Most of it is released (the test process may map some pages again
	// meanwhile, as it did once under -race in CI: 54 MB, then 22 MB), and
	// the other file's pages too.
	if after := mappedKB(t, db.Path()); after > mapped/2 {
		t.Errorf("mapped %d KiB before the trim, %d KiB after", mapped, after)
	}
	if after := mappedKB(t, other.Path()); after > otherBefore+(mappedOther-otherBefore)/2 {
		t.Errorf("the other file: mapped %d KiB before the scan, %d after it, %d after the trim", otherBefore, mappedOther, after)
	}
	done = trims.done.Load()
	maybeTrim() // nothing mapped since
	if trims.done.Load() != done {
		t.Errorf("MaybeTrim trimmed with nothing mapped since the last trim")
	}
}

// A lingering Committer commits a function alone at once, gathers the
// functions it finds waiting into one group of n, commits a smaller group
// when the linger ends, and commits what it gathered when closed.
func TestCommitterLinger(t *testing.T) {
	db := openTestDB(t)
	const n = 8
	c := NewCommitter(db, WithLinger(time.Hour, n))
	waitFor := func(what string, done <-chan error) {
		t.Helper()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: not committed after a minute (the linger is an hour)", what)
		}
	}
	put := func(k string) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte(k), []byte("v")) }
	}
	// hold keeps c's writer in a transaction; the function it returns lets
	// it go and waits for that transaction's commit.
	hold := func(c *Committer) (release func()) {
		inside, released, held := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		c.DoAsync(func(*bolt.Tx) error { inside <- struct{}{}; <-released; return nil }, func(err error) { held <- err })
		<-inside
		return func() { close(released); waitFor("the held function", held) }
	}

	// Alone: committed without waiting.
	alone := make(chan error, 1)
	go func() { alone <- c.Do(put("alone")) }()
	waitFor("a function alone", alone)

	// Hold the writer in a transaction while three functions queue up.
	release := hold(c)
	before := c.Stats().Commits
	done := make(chan error, n)
	for i := range 3 {
		c.DoAsync(put(fmt.Sprint("q", i)), func(err error) { done <- err })
	}
	release()
	// The three waiting form a group that waits for n: add the rest.
	for i := 3; i < n; i++ {
		c.DoAsync(put(fmt.Sprint("q", i)), func(err error) { done <- err })
	}
	for i := range n {
		waitFor(fmt.Sprint("gathered function ", i), done)
	}
	if got := c.Stats().Commits - before; got != 2 {
		t.Errorf("%d commits for the held function and %d gathered ones, want 2", got, n)
	}
	c.Close()

	// Close commits a group that is still gathering.
	c = NewCommitter(db, WithLinger(time.Hour, n))
	release = hold(c)
	for i := range 2 {
		c.DoAsync(put(fmt.Sprint("c", i)), func(err error) { done <- err })
	}
	release()
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	for i := range 2 {
		waitFor(fmt.Sprint("function gathered at Close ", i), done)
	}
	<-closed
	if err := db.View(func(tx *bolt.Tx) error {
		for _, k := range []string{"alone", "q0", "q7", "c0", "c1"} {
			if tx.Bucket([]byte("b")).Get([]byte(k)) == nil {
				return fmt.Errorf("%s not stored", k)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A short linger ends with fewer than n.
	c = NewCommitter(db, WithLinger(time.Millisecond, n))
	defer c.Close()
	release = hold(c)
	for i := range 2 {
		c.DoAsync(put(fmt.Sprint("s", i)), func(err error) { done <- err })
	}
	release()
	for i := range 2 {
		waitFor(fmt.Sprint("function of a short linger ", i), done)
	}
}
