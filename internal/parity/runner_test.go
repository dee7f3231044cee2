package parity

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunnerResolvesReferences(t *testing.T) {
	steps := []Step{
		post("c", "/v1/customers", 200, "email", "${run}@example.com", "metadata[n]", "1").idem("c"),
		get("by_id", "/v1/customers/${c:id}", 200),
		get("by_number", "/v1/customers", 200, "email", "${run}@example.com", "limit", "${c:metadata.n}"),
		get("by_index", "/v1/customers/${by_number:data.0.id}", 200),
		get("missing_path", "/v1/customers/${c:nope}", 0),
		get("missing_step", "/v1/customers/${later:id}", 0),
		get("object_not_string", "/v1/customers/${c:metadata}", 0),
		get("after_errors", "/v1/customers/${c:id}", 200),
		get("later", "/v1/customers", 200),
	}
	r := &Runner{Backend: inProcess(openEmulator(t))}
	answers := r.Run(context.Background(), steps, "runtoken")
	if len(answers) != len(steps) {
		t.Fatalf("%d answers for %d steps", len(answers), len(steps))
	}
	id, _ := answers[0].Body.(map[string]any)["id"].(string)
	if answers[0].Status != 200 || !strings.HasPrefix(id, "cus_") || answers[0].Header["Idempotency-Key"] != "parity-runtoken-c" {
		t.Fatalf("first answer %+v", answers[0])
	}
	for _, i := range []int{1, 3, 7} {
		if answers[i].Status != 200 || answers[i].Path != "/v1/customers/"+id {
			t.Errorf("step %s: %d %s, want 200 /v1/customers/%s", answers[i].Step, answers[i].Status, answers[i].Path, id)
		}
	}
	if answers[2].Err != "" || answers[2].Status != 200 {
		t.Errorf("by_number: %+v", answers[2])
	}
	for i, want := range map[int]string{
		4: `reference ${c:nope}: step "c" answered 200 without "nope"`,
		5: `reference ${later:id}: no earlier step "later"`,
		6: `reference ${c:metadata}: step "c" has {"n":"1"}, not a string or number`,
	} {
		if answers[i].Err != want || answers[i].Status != 0 {
			t.Errorf("step %s: err %q status %d, want %q", answers[i].Step, answers[i].Err, answers[i].Status, want)
		}
	}
}

// searchLag answers an empty list to the first polls, as Stripe's search
// does until its index catches up.
type searchLag struct {
	empty, calls int
}

func (s *searchLag) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls++
	w.Header().Set("Content-Type", "application/json")
	if s.calls <= s.empty {
		_, _ = io.WriteString(w, `{"object":"search_result","data":[]}`)
		return
	}
	_, _ = io.WriteString(w, `{"object":"search_result","data":[{"id":"cus_Xxxxxxxxxx1"}]}`)
}

func TestRunnerPollsUntil(t *testing.T) {
	step := get("search", "/v1/customers/search", 200, "query", "x").until(hasData(1))
	lag := &searchLag{empty: 2}
	r := &Runner{Backend: overHTTP(t, lag), PollTimeout: 10 * time.Second, PollInterval: time.Millisecond}
	a := r.Run(context.Background(), []Step{step}, "run")[0]
	if lag.calls != 3 || len(a.Body.(map[string]any)["data"].([]any)) != 1 {
		t.Errorf("%d calls, answer %v: want the third", lag.calls, a.Body)
	}

	// Without a poll timeout (the emulator's runs) one request is sent,
	// and its answer recorded, whatever the condition says.
	lag = &searchLag{empty: 2}
	r = &Runner{Backend: overHTTP(t, lag)}
	a = r.Run(context.Background(), []Step{step}, "run")[0]
	if lag.calls != 1 || len(a.Body.(map[string]any)["data"].([]any)) != 0 {
		t.Errorf("%d calls, answer %v: want one", lag.calls, a.Body)
	}
}

func TestRunnerRecordsNonJSON(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>bad gateway</html>")
	})
	r := &Runner{Backend: overHTTP(t, h)}
	a := r.Run(context.Background(), []Step{get("x", "/v1/customers", 200)}, "run")[0]
	if a.Status != http.StatusBadGateway || !strings.Contains(a.Err, "not JSON") || !strings.Contains(a.Err, "bad gateway") {
		t.Errorf("answer %+v", a)
	}
}
