package simulate

import (
	"context"
	"errors"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
)

// A scenario's fresh state is deleted after the run, so its writes are not
// synced; one kept with --keep-state, which later commands may use, is.
func TestScenarioStateThrowawayUnlessKept(t *testing.T) {
	stop := errors.New("stop here")
	for _, keep := range []bool{false, true} {
		var got []cmdutil.EngineSpec
		ios, _, _, _ := iostreams.Test()
		opts := &RunOptions{IO: ios, KeepState: keep, EngineFor: func(s cmdutil.EngineSpec) (*shop.Engine, func() error, error) {
			got = append(got, s)
			return nil, nil, stop
		}}
		if _, err := runScenario(context.Background(), opts, &scenario.Scenario{Path: "s.yaml"}, "", 0); !errors.Is(err, stop) {
			t.Fatalf("keep %v: %v", keep, err)
		}
		if err := checkEngine(opts, nil, nil); !errors.Is(err, stop) {
			t.Fatalf("keep %v: check: %v", keep, err)
		}
		if len(got) != 2 || got[0].Throwaway == keep || !got[1].Throwaway {
			t.Errorf("keep-state %v: specs %+v; want the run's state throwaway unless kept, the check's always", keep, got)
		}
	}
}
