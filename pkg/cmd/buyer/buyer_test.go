package buyer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

type testEnv struct {
	dir, path string
}

func newEnv(t *testing.T, yaml string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	e := &testEnv{dir: dir, path: filepath.Join(dir, "tweetpay.yaml")}
	if err := os.WriteFile(e.path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *testEnv) config() (*config.Config, error) {
	return config.Load(config.Options{Dir: e.dir, LookupEnv: func(k string) (string, bool) {
		if k == "TWEETPAY_STATE_DIR" {
			return filepath.Join(e.dir, ".tweetpay"), true
		}
		return "", false
	}})
}

func (e *testEnv) read(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeCounter counts the write requests the gateway sends.
type writeCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (w *writeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		w.mu.Lock()
		w.n++
		w.mu.Unlock()
	}
	return w.next.RoundTrip(req)
}

func (w *writeCounter) take() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := w.n
	w.n = 0
	return n
}

func emulatorGateway(t *testing.T) (payment.Gateway, *writeCounter) {
	t.Helper()
	em, err := emulator.Open(t.TempDir(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	wc := &writeCounter{next: em.Transport()}
	return stripegw.New(stripegw.Options{Key: "sk_test_buyercmd", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: wc}, NoRetrySleep: true}), wc
}

func TestNewCmdLink(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *LinkOptions
	cmd := NewCmdLink(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *LinkOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"@alice", "--card", "visa", "--country", "ca"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Handle != "@alice" || got.Card != "visa" || got.Country != "ca" || !got.CountrySet || got.NameSet {
		t.Errorf("options = %+v", got)
	}
	for args, want := range map[string]string{
		"@alice":              "--card is required",
		"--card visa":         "a buyer's @handle is required",
		"@a @b --card visa":   `too many arguments: ["@b"]`,
		"@a --card visa -o x": "valid formats are table, json",
	} {
		cmd := NewCmdLink(&cmdutil.Factory{IOStreams: ios}, func(context.Context, *LinkOptions) error { return nil })
		cmd.SetArgs(strings.Fields(args))
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cmdutil.FlagErrorWrap(err) })
		err := cmd.Execute()
		var fe *cmdutil.FlagError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error = %v, want a FlagError containing %q", args, err, want)
		}
	}
}

func link(t *testing.T, e *testEnv, gw payment.Gateway, args ...string) (LinkResult, string, error) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	opts := &LinkOptions{IO: ios, Config: e.config, Gateway: func() (payment.Gateway, error) { return gw, nil },
		Handle: args[0], Card: args[1], Output: output.JSON}
	if len(args) > 2 {
		opts.Country, opts.CountrySet = args[2], true
	}
	err := linkRun(context.Background(), opts)
	var res LinkResult
	if err == nil {
		if jerr := json.Unmarshal(stdout.Bytes(), &res); jerr != nil {
			t.Fatalf("output %q: %v", stdout, jerr)
		}
	}
	return res, stderr.String(), err
}

func TestLinkRun(t *testing.T) {
	const start = "# buyers for CI\nmerchant:\n  country: US\n"
	e := newEnv(t, start)
	gw, wc := emulatorGateway(t)

	res, msg, err := link(t, e, gw, "@alice", "visa")
	if err != nil {
		t.Fatal(err)
	}
	if !res.CustomerCreated || !res.CardAttached || !res.Changed || !res.FileChanged ||
		!strings.HasPrefix(res.Customer, "cus_") || !strings.HasPrefix(res.PaymentMethod, "pm_") {
		t.Errorf("first link = %+v", res)
	}
	if !strings.Contains(msg, "✓ Linked @alice to "+res.Customer) {
		t.Errorf("message %q", msg)
	}
	if got, want := e.read(t), start+"buyers:\n  - handle: \"@alice\"\n    card: visa\n"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if wc.take() == 0 {
		t.Error("the first link sent no write")
	}
	c, found, err := gw.FindCustomer(context.Background(), shop.CustomerEmail("alice"))
	if err != nil || !found || c.ID != res.Customer || c.DefaultPaymentMethod != res.PaymentMethod {
		t.Errorf("customer = %+v, %v, %v", c, found, err)
	}

	// The second link, in another case, sends no write and leaves the file.
	before := e.read(t)
	again, msg, err := link(t, e, gw, "ALICE", "visa")
	if err != nil {
		t.Fatal(err)
	}
	if n := wc.take(); n != 0 {
		t.Errorf("second link sent %d writes", n)
	}
	if again.Customer != res.Customer || again.CustomerCreated || again.Changed || again.FileChanged {
		t.Errorf("second link = %+v", again)
	}
	if !strings.Contains(msg, "already linked") || e.read(t) != before {
		t.Errorf("second link: message %q, file %q", msg, e.read(t))
	}

	// Bad input is buyer.ErrInvalid (exit 3) and sends nothing.
	for _, args := range [][]string{{"@a-b", "visa"}, {"@bob", "nope"}, {"@bob", "visa", "USA"}} {
		_, _, err := link(t, e, gw, args...)
		if !errors.Is(err, buyer.ErrInvalid) || errors.Is(err, config.ErrInvalid) {
			t.Errorf("%v: error = %v, want buyer.ErrInvalid", args, err)
		}
	}
	if n := wc.take(); n != 0 || e.read(t) != before {
		t.Errorf("refused links sent %d writes or changed the file", n)
	}

	// A declining card links with its token kept for purchases.
	res, _, err = link(t, e, gw, "@bob", "insufficient_funds", "ca")
	if err != nil {
		t.Fatal(err)
	}
	if res.CardAttached || res.PaymentMethod != "pm_card_visa_chargeDeclinedInsufficientFunds" || res.DeclinesWith == nil ||
		*res.DeclinesWith != "insufficient_funds" || res.Country != "CA" {
		t.Errorf("declining link = %+v", res)
	}
	if !strings.Contains(e.read(t), "  - handle: \"@bob\"\n    card: insufficient_funds\n    country: CA\n") {
		t.Errorf("file = %q", e.read(t))
	}
}

func TestUnlinkRunKeepsCustomer(t *testing.T) {
	e := newEnv(t, "buyers:\n  - handle: \"@alice\"\n    card: visa\n  # bob\n  - handle: \"@bob\"\n    card: amex\n")
	gw, _ := emulatorGateway(t)
	first, _, err := link(t, e, gw, "@bob", "amex")
	if err != nil {
		t.Fatal(err)
	}
	ios, _, _, stderr := iostreams.Test()
	if err := unlinkRun(context.Background(), &UnlinkOptions{IO: ios, Config: e.config, Handle: "bob", Yes: true}); err != nil {
		t.Fatal(err)
	}
	if got, want := e.read(t), "buyers:\n  - handle: \"@alice\"\n    card: visa\n"; got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	if !strings.Contains(stderr.String(), "Stripe Customer is kept") {
		t.Errorf("message %q", stderr)
	}
	c, found, err := gw.FindCustomer(context.Background(), shop.CustomerEmail("bob"))
	if err != nil || !found || c.ID != first.Customer {
		t.Errorf("customer after unlink = %+v, %v, %v", c, found, err)
	}
	err = unlinkRun(context.Background(), &UnlinkOptions{IO: ios, Config: e.config, Handle: "@bob", Yes: true})
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, payment.ErrNotFound) {
		t.Errorf("second unlink = %v, want ErrNotFound", err)
	}
}

func TestShowRun(t *testing.T) {
	e := newEnv(t, "buyers:\n  - handle: \"@alice\"\n    card: visa\n    name: Alice\n")
	gw, wc := emulatorGateway(t)
	show := func() Shown {
		t.Helper()
		ios, _, stdout, _ := iostreams.Test()
		if err := showRun(context.Background(), &ShowOptions{IO: ios, Config: e.config,
			Gateway: func() (payment.Gateway, error) { return gw, nil }, Handle: "@Alice", Output: output.JSON}); err != nil {
			t.Fatal(err)
		}
		var s Shown
		if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := show(); s.Linked || s.Customer != nil || s.InSync || s.CardToken != "pm_card_visa" || s.Name != "Alice" {
		t.Errorf("unlinked show = %+v", s)
	}
	res, _, err := link(t, e, gw, "@alice", "visa")
	if err != nil {
		t.Fatal(err)
	}
	wc.take()
	s := show()
	if !s.Linked || s.Customer == nil || *s.Customer != res.Customer || s.PaymentMethod == nil ||
		*s.PaymentMethod != res.PaymentMethod || !s.InSync {
		t.Errorf("linked show = %+v", s)
	}
	if n := wc.take(); n != 0 {
		t.Errorf("show sent %d writes", n)
	}
}

// TestShowRunCardDetached: a card detached from the Customer on Stripe's side
// is shown as such, with how to attach it again, not as another card.
func TestShowRunCardDetached(t *testing.T) {
	e := newEnv(t, "buyers:\n  - handle: \"@alice\"\n    card: visa\n")
	gw, wc := emulatorGateway(t)
	res, _, err := link(t, e, gw, "@alice", "visa")
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://emulator.invalid/v1/payment_methods/"+res.PaymentMethod+"/detach", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer sk_test_buyercmd")
	resp, err := wc.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("detach: status %d", resp.StatusCode)
	}
	ios, _, stdout, _ := iostreams.Test()
	if err := showRun(context.Background(), &ShowOptions{IO: ios, Config: e.config,
		Gateway: func() (payment.Gateway, error) { return gw, nil }, Handle: "@alice"}); err != nil {
		t.Fatal(err)
	}
	want := "in sync:          no (the card on file is no longer attached to the Customer; attach it again with: tweetpay buyer link @alice --card visa)\n"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("show =\n%s\nwant a line %q", stdout, want)
	}
}

// hookGateway runs during once, after the link's first request: another
// process's edit of the file while the link talks to Stripe.
type hookGateway struct {
	payment.Gateway
	during func()
	once   sync.Once
}

func (g *hookGateway) FindCustomer(ctx context.Context, email string) (payment.Customer, bool, error) {
	c, ok, err := g.Gateway.FindCustomer(ctx, email)
	g.once.Do(g.during)
	return c, ok, err
}

// TestLinkRunEditedMeanwhile: the link's Stripe requests run while another
// process holds the file's edit lock, which then edits the file; the link
// writes the buyer to the file as that process left it.
func TestLinkRunEditedMeanwhile(t *testing.T) {
	const start = "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n  - handle: \"@bob\"\n    card: amex\n    name: Bob\n"
	const carol = "  # carol, added meanwhile\n  - handle: \"@carol\"\n    card: visa\n    user_id: \"42\"\n"
	for _, tc := range []struct {
		name      string
		userID    string // --user-id, when not ""
		meanwhile string // the file as the other process leaves it
		want      string // the file after the link; "" for meanwhile
		note      string // in the link's messages
		err       string // the link's error, when it fails
	}{{
		name:      "another buyer added",
		meanwhile: start + carol + "offers:\n  - hashtag: BuyMug\n    name: Mug\n    price: \"9.00\"\n",
		want: "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n  - handle: \"@bob\"\n    card: visa\n    name: Bob\n" + carol +
			"offers:\n  - hashtag: BuyMug\n    name: Mug\n    price: \"9.00\"\n",
	}, {
		name:      "the buyer removed",
		meanwhile: "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n" + carol,
		want:      "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n" + carol + "  - handle: \"@bob\"\n    card: visa\n    name: Bob\n",
		note:      "note: another process removed @bob from " + "PATH" + " while this link ran; the link wrote it back",
	}, {
		name:      "the buyer changed",
		meanwhile: "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n  - handle: \"@bob\"\n    card: mastercard\n    name: Robert\n",
		want:      "merchant:\n  country: US\nlock_timeout: 2s\nbuyers:\n  - handle: \"@bob\"\n    card: visa\n    name: Robert\n",
		note: "note: another process changed @bob in PATH while this link ran; the link kept its name \"Robert\"; " +
			"replaced its card \"mastercard\" with \"visa\" as this link was told",
	}, {
		name:      "the user ID taken meanwhile",
		userID:    "42",
		meanwhile: start + carol,
		err: "buyer @bob: user_id 42 is already the user ID of buyer @carol: a Twitter account has one ID; PATH was not changed, " +
			"but on Stripe @bob is linked to CUSTOMER with visa …4242: once that is fixed, running this command again writes the buyer to the file",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, start)
			gw, _ := emulatorGateway(t)
			held, err := yamldoc.Lock(context.Background(), e.path, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			unlock := sync.OnceFunc(held)
			defer unlock()
			ran := false
			hook := &hookGateway{Gateway: gw, during: func() {
				ran = true
				if err := os.WriteFile(e.path, []byte(tc.meanwhile), 0o600); err != nil {
					t.Error(err)
				}
				unlock()
			}}
			ios, _, _, stderr := iostreams.Test()
			opts := &LinkOptions{IO: ios, Config: e.config, Gateway: func() (payment.Gateway, error) { return hook, nil },
				Handle: "@bob", Card: "visa", UserID: tc.userID, UserIDSet: tc.userID != ""}
			err = linkRun(context.Background(), opts)
			if !ran {
				t.Fatalf("the link sent no request while another process held the edit lock: %v", err)
			}
			c, found, ferr := gw.FindCustomer(context.Background(), shop.CustomerEmail("bob"))
			if ferr != nil || !found || c.Metadata[shop.MetaCard] != "pm_card_visa" {
				t.Fatalf("customer = %+v, %v, %v", c, found, ferr)
			}
			fix := strings.NewReplacer("PATH", e.path, "CUSTOMER", c.ID)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), fix.Replace(tc.err)) || !errors.Is(err, buyer.ErrInvalid) {
					t.Errorf("error = %v, want buyer.ErrInvalid with %q", err, fix.Replace(tc.err))
				}
			} else if err != nil {
				t.Fatal(err)
			}
			want := tc.want
			if want == "" {
				want = tc.meanwhile
			}
			if got := e.read(t); got != want {
				t.Errorf("file = %q, want %q", got, want)
			}
			if tc.note != "" && !strings.Contains(stderr.String(), fix.Replace(tc.note)) {
				t.Errorf("messages %q, want %q", stderr, fix.Replace(tc.note))
			} else if tc.note == "" && strings.Contains(stderr.String(), "another process") {
				t.Errorf("messages %q, want no note", stderr)
			}
		})
	}
}

// answerReader answers a question, after running meanwhile: what another
// process does while the user reads the question.
type answerReader struct {
	meanwhile func()
	answer    *strings.Reader
}

func (r *answerReader) Read(p []byte) (int, error) {
	if r.meanwhile != nil {
		r.meanwhile()
		r.meanwhile = nil
	}
	return r.answer.Read(p)
}

// TestUnlinkRunEditedMeanwhile: unlink asks before it locks the file; what
// another process changed while the user answered is kept, and a buyer it
// removed meanwhile is reported removed, not missing.
func TestUnlinkRunEditedMeanwhile(t *testing.T) {
	const start = "buyers:\n  - handle: \"@alice\"\n    card: visa\n  - handle: \"@Bob\"\n    card: amex\n"
	for _, tc := range []struct {
		name, meanwhile, want, msg string
		json                       string
	}{{
		name:      "another buyer added",
		meanwhile: start + "  - handle: \"@carol\"\n    card: visa\n",
		want:      "buyers:\n  - handle: \"@alice\"\n    card: visa\n  - handle: \"@carol\"\n    card: visa\n",
		msg:       "✓ Removed buyer @Bob from PATH",
		json:      `{"buyer":"@Bob","path":"PATH","unlinked":true}`,
	}, {
		name:      "the buyer removed",
		meanwhile: "buyers:\n  - handle: \"@alice\"\n    card: visa\n",
		want:      "buyers:\n  - handle: \"@alice\"\n    card: visa\n",
		msg:       "✓ Buyer @Bob was removed from PATH by another process meanwhile; nothing to do",
		json:      `{"buyer":"@Bob","path":"PATH","unlinked":false}`,
	}} {
		for _, format := range []output.Format{output.Table, output.JSON} {
			t.Run(tc.name+"/"+string(format), func(t *testing.T) {
				e := newEnv(t, start)
				ios, _, stdout, stderr := iostreams.Test()
				ios.In = &answerReader{answer: strings.NewReader("y\n"), meanwhile: func() {
					if err := os.WriteFile(e.path, []byte(tc.meanwhile), 0o600); err != nil {
						t.Error(err)
					}
				}}
				if err := unlinkRun(context.Background(), &UnlinkOptions{IO: ios, Config: e.config, Handle: "bob", Output: format}); err != nil {
					t.Fatal(err)
				}
				if got := e.read(t); got != tc.want {
					t.Errorf("file = %q, want %q", got, tc.want)
				}
				fix := strings.NewReplacer("PATH", e.path)
				if format == output.JSON {
					if got := strings.TrimSpace(stdout.String()); compactJSON(t, got) != fix.Replace(tc.json) {
						t.Errorf("stdout = %s, want %s", got, fix.Replace(tc.json))
					}
				} else if !strings.Contains(stderr.String(), fix.Replace(tc.msg)) {
					t.Errorf("messages %q, want %q", stderr, fix.Replace(tc.msg))
				}
			})
		}
	}
}

func compactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return b.String()
}
