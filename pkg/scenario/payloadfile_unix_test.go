//go:build unix

package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// A step's file: that is not a regular file is refused at load, without
// opening it: a named pipe nobody writes to would hang the load, and
// /dev/zero would be read until memory ran out. The scenario file itself
// is read no further than its size limit.
func TestLoadFileNotRegular(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.json"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "payloads"), 0o755); err != nil {
		t.Fatal(err)
	}
	big := `{"id":"1","from":"@a","text":"x","created_at":"2026-01-01T00:00:00Z"}` + strings.Repeat(" ", tweet.MaxPayloadInput)
	if err := os.WriteFile(filepath.Join(dir, "big.json"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ file, want string }{
		{"pipe.json", "steps[0].file: pipe.json is a named pipe, not a regular file"},
		{"/dev/zero", "steps[0].file: /dev/zero is a device, not a regular file"},
		{"payloads", "steps[0].file: payloads is a directory"},
		{"big.json", fmt.Sprintf("steps[0].file: big.json: invalid tweet payload: payload is %d bytes, over the 1048576-byte limit", len(big))},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, "s.yaml")
			if err := os.WriteFile(p, []byte("steps:\n  - file: "+c.file+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := LoadFile(p); done <- err }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "s.yaml:2: "+c.want) {
					t.Errorf("err = %v, want ErrInvalid with %q", err, c.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("LoadFile still reading %s after 10s", c.file)
			}
		})
	}
	t.Run("scenario is /dev/zero", func(t *testing.T) {
		_, err := LoadFile("/dev/zero")
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "/dev/zero: file too long: over the 4194304-byte limit") {
			t.Errorf("err = %v", err)
		}
	})
}

// A scenario that comes through a pipe (simulate run <(envsubst < s.yaml))
// has no directory of its own: its relative payload paths are found from
// the working directory, not under /dev/fd.
func TestLoadFileFromPipeFindsPayloadsInWorkingDir(t *testing.T) {
	dir := t.TempDir()
	payload := `{"id":"77","from":"@a","text":"#BuyX","created_at":"2026-01-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = w.WriteString("steps:\n  - file: p.json\n")
		w.Close()
	}()
	s, err := LoadFile(fmt.Sprintf("/dev/fd/%d", r.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 1 || s.Steps[0].Tweet.ID != "77" {
		t.Fatalf("steps = %+v", s.Steps)
	}
}

// A scenario named by a descriptor of a regular file (simulate run
// /dev/stdin < s.yaml, or /dev/fd/N, /proc/self/fd/N) has no directory of
// its own either: /dev or /dev/fd is where the name is, not the file. Its
// relative payload paths are found from the working directory, as from a
// pipe.
func TestLoadFileFromDescriptorFindsPayloadsInWorkingDir(t *testing.T) {
	dir := t.TempDir()
	payload := `{"id":"78","from":"@a","text":"#BuyX","created_at":"2026-01-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(dir, "p.json"), []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	// The scenario lives elsewhere: its own directory has no p.json.
	sc := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(sc, []byte("steps:\n  - file: p.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, pattern := range []string{"/dev/fd/%d", "/proc/self/fd/%d"} {
		f, err := os.Open(sc)
		if err != nil {
			t.Fatal(err)
		}
		p := fmt.Sprintf(pattern, f.Fd())
		if _, err := os.Stat(p); err != nil {
			f.Close()
			t.Logf("%s: %v: skipped", p, err)
			continue
		}
		s, err := LoadFile(p)
		f.Close()
		if err != nil {
			t.Errorf("LoadFile(%s): %v", p, err)
			continue
		}
		if len(s.Steps) != 1 || s.Steps[0].Tweet.ID != "78" {
			t.Errorf("LoadFile(%s): steps = %+v", p, s.Steps)
		}
	}
}

func TestNamesDescriptor(t *testing.T) {
	for path, want := range map[string]bool{
		"/dev/stdin":              true,
		"/dev/fd/0":               true,
		"/dev/fd/63":              true,
		"/dev//fd/7":              true,
		"/proc/self/fd/3":         true,
		"/proc/thread-self/fd/3":  true,
		"/proc/1234/fd/0":         true,
		"/dev/null":               false,
		"/dev/fd":                 false,
		"/dev/fd/x":               false,
		"/proc/self/fdinfo/3":     false,
		"/proc/self/environ":      false,
		"/proc/x/fd/1":            false,
		"scenarios/fd/3":          false,
		"s.yaml":                  false,
		"/srv/ci/dev/fd/3":        false,
		"/srv/ci/proc/self/fd/3/": false,
	} {
		if got := NamesDescriptor(path); got != want {
			t.Errorf("NamesDescriptor(%q) = %v, want %v", path, got, want)
		}
	}
}
