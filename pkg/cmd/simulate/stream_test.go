package simulate

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/stream"
)

// --concurrency given is kept; not given, it is left to the backend's
// default: many tweets at once on the embedded emulator, few against Stripe
// (whose test mode allows about 25 requests a second) or another server.
func TestStreamConcurrency(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    int
		wantErr string
	}{
		{args: []string{"f.jsonl"}, want: 0},
		{args: []string{"--concurrency", "16", "f.jsonl"}, want: 16},
		{args: []string{"--concurrency", "256", "f.jsonl"}, want: 256},
		{args: []string{"--concurrency", "0", "f.jsonl"}, wantErr: "--concurrency must be between 1 and 256, got 0"},
		{args: []string{"--concurrency", "257", "f.jsonl"}, wantErr: "--concurrency must be between 1 and 256, got 257"},
	} {
		ios, _, _, _ := iostreams.Test()
		var got *StreamOptions
		cmd := NewCmdStream(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *StreamOptions) error {
			got = o
			return nil
		})
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%v: error %v, want %q", tc.args, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got.Concurrency != tc.want {
			t.Errorf("%v: concurrency %v (%v), want %d", tc.args, got, err, tc.want)
		}
	}
	if n := concurrencyFor(&config.Config{Backend: config.BackendEmulator}); n != stream.InProcessConcurrency {
		t.Errorf("embedded emulator: %d", n)
	}
	if n := concurrencyFor(&config.Config{Backend: config.BackendStripe}); n != stream.DefaultConcurrency {
		t.Errorf("stripe: %d", n)
	}
}

// --rate takes a positive, finite rate of at least one tweet an hour:
// NaN, Inf and rates so low that the interval between tweets overflowed
// were read as no limit at all.
func TestParseRate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		wantErr string
	}{
		{in: "", want: 0},
		{in: "50/s", want: 50},
		{in: "50", want: 50},
		{in: "3000/m", want: 50},
		{in: "1/h", want: 1.0 / 3600},
		{in: "0.5/s", want: 0.5},
		{in: "0/s", wantErr: "write a positive rate"},
		{in: "-3", wantErr: "write a positive rate"},
		{in: "NaN", wantErr: "write a positive rate"},
		{in: "nan/s", wantErr: "write a positive rate"},
		{in: "Inf/s", wantErr: "write a positive rate"},
		{in: "+inf", wantErr: "write a positive rate"},
		{in: "1e-12/s", wantErr: "the lowest rate is 1/h"},
		{in: "0.5/h", wantErr: "the lowest rate is 1/h"},
		{in: "50/sec", wantErr: "the unit must be /s, /m or /h"},
	} {
		got, err := parseRate(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseRate(%q) = %v, %v; want error %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseRate(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

// The progress bar's share done and ETA come from the input's size: of a
// file named on the command line, and of one given as standard input
// (- < tweets.jsonl), whose size was not looked at; from where standard
// input was left, when something read from it first. A pipe has none.
func TestInputSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tweets.jsonl")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n, ok := inputSize(f); n != 1000 || !ok {
		t.Errorf("file: %d, %v", n, ok)
	}
	if _, err := f.Seek(400, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if n, ok := inputSize(f); n != 600 || !ok {
		t.Errorf("file read in part: %d, %v", n, ok)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if n, ok := inputSize(pr); n != 0 || ok {
		t.Errorf("pipe: %d, %v", n, ok)
	}
	if n, ok := inputSize(strings.NewReader("x")); n != 0 || ok {
		t.Errorf("reader: %d, %v", n, ok)
	}
}
