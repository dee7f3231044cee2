package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// offlineFactory is a factory whose configuration is broken: any command
// that asks for the config, the gateway or an engine fails, and the test
// is told.
func offlineFactory(t *testing.T, ios *iostreams.IOStreams) *cmdutil.Factory {
	broken := errors.New("tweetpay.yaml: did not find expected node content")
	return &cmdutil.Factory{
		IOStreams: ios,
		Config: func() (*config.Config, error) {
			t.Error("the demo read the config")
			return nil, broken
		},
		Gateway: func() (payment.Gateway, error) {
			t.Error("the demo asked for the configured gateway")
			return nil, broken
		},
		Engine: func() (*shop.Engine, error) {
			t.Error("the demo asked for the configured engine")
			return nil, broken
		},
		EngineFor: func(cmdutil.EngineSpec) (*shop.Engine, func() error, error) {
			t.Error("the demo asked the factory for an engine")
			return nil, nil, broken
		},
	}
}

func TestNewCmdDemo(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *Options
	cmd := NewCmdDemo(offlineFactory(t, ios), func(_ context.Context, o *Options) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"--keep", "-o", "json"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.Keep || got.Output != output.JSON {
		t.Errorf("options: %+v", got)
	}
}

// TestDemoRun runs the whole demo without any configuration: every step has
// its expected outcome, and the expired purchase's charge is released, not
// refunded.
func TestDemoRun(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	ios, _, stdout, stderr := iostreams.Test()
	cmd := NewCmdDemo(offlineFactory(t, ios), nil)
	cmd.SetArgs([]string{"-o", "json"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	var got struct {
		Results []struct {
			Outcome string `json:"outcome"`
		} `json:"results"`
		Charges []struct {
			Buyer    string `json:"buyer"`
			Status   string `json:"status"`
			Refunded int64  `json:"amount_refunded"`
			Released bool   `json:"released"`
		} `json:"charges"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(got.Results) != len(demoSteps) {
		t.Fatalf("%d results, want %d", len(got.Results), len(demoSteps))
	}
	for i, s := range demoSteps {
		if got.Results[i].Outcome != s.expect {
			t.Errorf("step %d (%s): %s, want %s", i+1, s.title, got.Results[i].Outcome, s.expect)
		}
	}
	released := 0
	for _, c := range got.Charges {
		if c.Released {
			released++
			if c.Buyer != "@dave" || c.Status != "succeeded" || c.Refunded != 14999 {
				t.Errorf("released charge: %+v", c)
			}
		}
	}
	if released != 1 {
		t.Errorf("%d released charges, want 1: %+v", released, got.Charges)
	}
	// The temporary state is removed.
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("left behind in TMPDIR: %v", left)
	}
}
