package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// TestInitRunWaitsForAnEdit: config init takes the edit lock that offer and
// buyer edits hold from load to save. An edit that creates the file
// meanwhile is not overwritten without --force: init, which found no file
// before, used to write its starter over the edit's.
func TestInitRunWaitsForAnEdit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tweetpay.yaml")
	unlock, err := yamldoc.Lock(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := iostreams.Test()
	done := make(chan error, 1)
	go func() {
		done <- initRun(context.Background(), &InitOptions{IO: ios, ConfigPath: func() (string, error) { return path, nil }})
	}()
	select {
	case err := <-done:
		unlock()
		t.Fatalf("init ran while an edit held the file: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	// The edit saves the file it made, then lets go.
	edit := "offers:\n  - hashtag: BuyMug\n    name: Mug\n    price: \"5\"\n"
	if err := os.WriteFile(path, []byte(edit), 0o600); err != nil {
		t.Fatal(err)
	}
	unlock()
	if err := <-done; !errors.Is(err, config.ErrInvalid) {
		t.Errorf("init after the edit: %v, want the file already exists (config.ErrInvalid)", err)
	}
	if b, _ := os.ReadFile(path); string(b) != edit {
		t.Errorf("the edit's file was overwritten: %q", b)
	}
}

// TestInitRunPermission: a directory init may not write in is a
// configuration problem (exit 4), as it is for offer and buyer edits, and
// the error names the file, not a temporary one.
func TestInitRunPermission(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root writes in a read-only directory")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tweetpay.yaml")
	ios, _, _, _ := iostreams.Test()
	err := initRun(context.Background(), &InitOptions{IO: ios, ConfigPath: func() (string, error) { return path, nil }})
	if want := "write " + path + ": permission denied"; !errors.Is(err, config.ErrInvalid) || !errors.Is(err, os.ErrPermission) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("init in a read-only directory: %v, want config.ErrInvalid ending %q", err, want)
	}
}
