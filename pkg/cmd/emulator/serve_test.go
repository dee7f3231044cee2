package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// testConfig loads the defaults with a state directory of its own.
func testConfig(t *testing.T) func() (*config.Config, error) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"TWEETPAY_STATE_DIR": filepath.Join(dir, "state"), "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}
	return func() (*config.Config, error) {
		return config.Load(config.Options{Dir: dir, LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}})
	}
}

func TestServeRunJSON(t *testing.T) {
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	ios := &iostreams.IOStreams{In: strings.NewReader(""), Out: pw, ErrOut: &errOut}
	getCfg := testConfig(t)
	cfg, err := getCfg()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- serveRun(ctx, &ServeOptions{IO: ios, Config: getCfg, Addr: "127.0.0.1:0", Output: output.JSON})
		pw.Close()
	}()

	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(pr).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, pr)
	}()
	var line string
	select {
	case line = <-lines:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no line within 30s")
	}
	var got struct {
		URL      string `json:"url"`
		Addr     string `json:"addr"`
		StateDir string `json:"state_dir"`
	}
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatalf("first line %q is not a JSON object: %v", line, err)
	}
	if !strings.HasPrefix(got.URL, "http://127.0.0.1:") || got.URL != "http://"+got.Addr || got.StateDir != cfg.StateDir {
		t.Errorf("listening object %+v (state dir %s)", got, cfg.StateDir)
	}
	resp, err := http.Get(got.URL + "/v1/customers")
	if err != nil {
		t.Fatalf("the server does not answer at %s: %v", got.URL, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		err    string
	}{
		{"127.0.0.1:12111", false, ""},
		{"127.0.0.1:0", false, ""},
		{"localhost:65535", false, ""},
		{"[::1]:12111", false, ""},
		{"0.0.0.0:12111", true, ""},
		{"127.0.0.1:99999", false, `invalid --addr "127.0.0.1:99999": the port must be a number from 0 to 65535`},
		{"127.0.0.1:65536", false, "the port must be a number from 0 to 65535"},
		{":-1", false, "the port must be a number from 0 to 65535"},
		{":-1", true, "the port must be a number from 0 to 65535"},
		{"localhost:abc", false, "the port must be a number from 0 to 65535"},
		{"localhost:http", false, "the port must be a number from 0 to 65535"},
		{"127.0.0.1:", false, "the port must be a number from 0 to 65535"},
		{"nonsense", false, `invalid --addr "nonsense": address nonsense: missing port in address`},
		{"0.0.0.0:12111", false, "is not a loopback address"},
	} {
		err := checkAddr(tc.addr, tc.remote)
		var fe *cmdutil.FlagError
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.addr, err)
		case tc.err != "" && (err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s (remote %v): error %v, want a FlagError with %q", tc.addr, tc.remote, err, tc.err)
		}
	}
}

func TestServeRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	ios := &iostreams.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	err = serveRun(context.Background(), &ServeOptions{IO: ios, Config: testConfig(t), Addr: addr})
	if err == nil {
		t.Fatal("serve on an address in use: no error")
	}
	want := "listen on " + addr + ": the address is already in use; choose another with --addr (127.0.0.1:0 picks a free port)"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
