package demo

import (
	"bytes"
	"context"
	"errors"
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
