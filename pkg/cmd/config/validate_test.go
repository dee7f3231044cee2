package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
)

// TestValidateRunJSON: a file that could not be read at all still gets its
// JSON result, naming the file; a problem not at a line of it has null file
// and line; an error that is not about the configuration is returned
// without a result.
func TestValidateRunJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tweetpay.yaml")
	probs := config.ProblemsOf(fmt.Errorf("%w: no API key for the stripe backend", config.ErrInvalid))
	ios, _, stdout, _ := iostreams.Test()
	err := validateRun(context.Background(), &ValidateOptions{IO: ios, Output: output.JSON,
		Check:      func() (*config.Config, error) { return nil, probs },
		ConfigPath: func() (string, error) { return path, nil }})
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("err = %v, want the problems", err)
	}
	var got struct {
		Path     string
		Exists   bool
		Valid    bool
		Problems []struct {
			File    *string
			Line    *int
			Message string
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if got.Path != path || got.Exists || got.Valid || len(got.Problems) != 1 || got.Problems[0].File != nil ||
		got.Problems[0].Line != nil || got.Problems[0].Message != "no API key for the stripe backend" {
		t.Errorf("result: %s", stdout)
	}

	ios, _, stdout, _ = iostreams.Test()
	boom := errors.New("working directory: gone")
	err = validateRun(context.Background(), &ValidateOptions{IO: ios, Output: output.JSON,
		Check:      func() (*config.Config, error) { return nil, boom },
		ConfigPath: func() (string, error) { return path, nil }})
	if err != boom || stdout.Len() != 0 {
		t.Errorf("other error: %v, stdout %q", err, stdout)
	}
}
