package statedb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A Committer reopens the file once RenewAfter pages were allocated, while
// readers keep reading: every committed write stays readable, no reader
// sees an error, the lock stays with this process, and Stats counts across
// the reopenings.
func TestCommitterRenewsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := Open(path, Options{RenewAfter: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("b"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c := NewCommitter(db)
	value := bytes.Repeat([]byte("v"), 3000) // about a page each

	stop := make(chan struct{})
	var readers sync.WaitGroup
	var reads atomic.Int64
	var readErr atomic.Value
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := db.View(func(tx *bolt.Tx) error {
					_ = tx.Bucket([]byte("b")).Get([]byte("0"))
					return nil
				}); err != nil {
					readErr.Store(err)
				}
				reads.Add(1)
			}
		}()
	}
	var writers sync.WaitGroup
	const n = 400
	for w := range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := w; i < n; i += 8 {
				if err := c.Do(func(tx *bolt.Tx) error {
					return tx.Bucket([]byte("b")).Put([]byte(strconv.Itoa(i)), value)
				}); err != nil {
					t.Errorf("write %d: %v", i, err)
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	readers.Wait()
	c.Close()
	if err, _ := readErr.Load().(error); err != nil {
		t.Fatalf("a reader failed: %v", err)
	}
	st := db.Stats()
	if db.Renewals() == 0 {
		t.Fatalf("no renewal after %d pages written (reads: %d)", st.TxStats.GetWrite(), reads.Load())
	}
	if w := st.TxStats.GetWrite(); w < n {
		t.Fatalf("Stats counts %d pages written, fewer than the %d values", w, n)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		for i := range n {
			if v := tx.Bucket([]byte("b")).Get([]byte(strconv.Itoa(i))); !bytes.Equal(v, value) {
				return fmt.Errorf("key %d: %d bytes", i, len(v))
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	info, err := os.ReadFile(path + ".lock-info")
	if err != nil || !strings.HasPrefix(string(info), strconv.Itoa(os.Getpid())+" ") {
		t.Fatalf("lock-info after renewals = %q, %v", info, err)
	}
	// The lock is still this process's.
	if _, err := Open(path, Options{Timeout: -1}); err == nil {
		t.Fatal("a second open got the lock")
	}
}
