package offer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/config"
	"github.com/tweetpay/tweetpay/pkg/emulator"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
	stripegw "github.com/tweetpay/tweetpay/pkg/payment/stripe"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// testEnv is a config file in a temporary directory and the loader for it.
type testEnv struct {
	dir  string
	path string
}

func newEnv(t *testing.T, yaml string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	e := &testEnv{dir: dir, path: filepath.Join(dir, "tweetpay.yaml")}
	if yaml != "" {
		if err := os.WriteFile(e.path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *testEnv) config() (*config.Config, error) {
	env := map[string]string{"TWEETPAY_STATE_DIR": filepath.Join(e.dir, ".tweetpay"), "XDG_CONFIG_HOME": filepath.Join(e.dir, "xdg")}
	return config.Load(config.Options{Dir: e.dir, LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
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

// request is one request the gateway sent.
type request struct {
	method, path, idemKey string
	status                int
}

// recorder notes every request and passes it on.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []request
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	rq := request{method: req.Method, path: req.URL.Path, idemKey: req.Header.Get("Idempotency-Key")}
	if resp != nil {
		rq.status = resp.StatusCode
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rq)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) take() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

func writes(reqs []request) []request {
	var out []request
	for _, r := range reqs {
		if r.method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

// emulatorGateway is the real stripe-go gateway over a fresh in-process
// emulator, with every request recorded.
func emulatorGateway(t *testing.T) (payment.Gateway, *recorder) {
	t.Helper()
	em, err := emulator.Open(t.TempDir(), emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = em.Close() })
	rec := &recorder{next: em.Transport()}
	gw := stripegw.New(stripegw.Options{Key: "sk_test_offercmd", URL: "http://emulator.invalid",
		HTTPClient: &http.Client{Transport: rec}, NoRetrySleep: true})
	return gw, rec
}

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    CreateOptions
		wantSet []string
		wantErr string
	}{
		{name: "hashtag", args: []string{"--hashtag", "#BuyBlueMug", "--name", "Blue Mug", "--price", "12.50", "--stock", "3", "--countries", "US,ca"},
			want:    CreateOptions{Hashtag: "#BuyBlueMug", Fields: Fields{Name: "Blue Mug", Price: "12.50", Stock: 3, Countries: []string{"US", "ca"}}},
			wantSet: []string{"countries", "name", "price", "stock"}},
		{name: "gift", args: []string{"--gift-handle", "tweetacoffee", "--name", "Coffee", "--price", "5"},
			want:    CreateOptions{GiftHandle: "tweetacoffee", Fields: Fields{Name: "Coffee", Price: "5"}},
			wantSet: []string{"name", "price"}},
		{name: "json", args: []string{"--hashtag", "A", "--name", "N", "--price", "5", "-o", "json"},
			want:    CreateOptions{Hashtag: "A", Fields: Fields{Name: "N", Price: "5"}, Output: output.JSON},
			wantSet: []string{"name", "price"}},
		{name: "both kinds", args: []string{"--hashtag", "A", "--gift-handle", "b", "--name", "N", "--price", "5"}, wantErr: "give either --hashtag or --gift-handle, not both"},
		{name: "no kind", args: []string{"--name", "N", "--price", "5"}, wantErr: "--hashtag or --gift-handle is required"},
		{name: "no name", args: []string{"--hashtag", "A", "--price", "5"}, wantErr: "--name is required"},
		{name: "no price", args: []string{"--hashtag", "A", "--name", "N"}, wantErr: "--price is required"},
		{name: "window alone", args: []string{"--hashtag", "A", "--name", "N", "--price", "5", "--confirm-window", "1h"}, wantErr: "--confirm-window needs --confirm-hashtag"},
		{name: "argument", args: []string{"--hashtag", "A", "--name", "N", "--price", "5", "x"}, wantErr: `unexpected argument "x" for "create"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *CreateOptions
			cmd := NewCmdCreate(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *CreateOptions) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if err == nil || !errors.As(err, &fe) || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want FlagError %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var set []string
			for k := range got.Fields.Set {
				set = append(set, k)
			}
			slices.Sort(set)
			if !reflect.DeepEqual(set, tt.wantSet) {
				t.Errorf("Set = %v, want %v", set, tt.wantSet)
			}
			got.Fields.Set, got.IO, got.Config, got.Sold, got.Now = nil, nil, nil, nil, nil
			if tt.want.Output == "" {
				tt.want.Output = output.Table
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestNewCmdUpdate(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *UpdateOptions
	cmd := NewCmdUpdate(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *UpdateOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs([]string{"BuyBlueMug", "--price", "3", "--clear-stock", "--clear-confirm", "--unarchive"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Tag != "BuyBlueMug" || !got.Fields.Set[flagPrice] || got.Fields.Set[flagStock] || !got.Unarchive ||
		!reflect.DeepEqual(got.Clear, []string{"stock", "confirm"}) {
		t.Errorf("options = %+v", got)
	}
	for _, args := range [][]string{
		{"BuyBlueMug"},
		{"BuyBlueMug", "--stock", "3", "--clear-stock"},
		{"--price", "3"},
	} {
		cmd := NewCmdUpdate(&cmdutil.Factory{IOStreams: ios}, func(context.Context, *UpdateOptions) error { return nil })
		cmd.SetArgs(args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		var fe *cmdutil.FlagError
		if err := cmd.Execute(); !errors.As(err, &fe) {
			t.Errorf("%v: error = %v, want a FlagError", args, err)
		}
	}
}

func TestDiff(t *testing.T) {
	three, four := 3, 4
	old := offer.Offer{Hashtag: "A", Name: "N", Price: "1", Stock: &three, Countries: []string{"US"},
		Confirm: &offer.Confirm{Hashtag: "C"}}
	if d := diff(old, old); len(d) != 0 {
		t.Errorf("diff(same) = %v", d)
	}
	next := old
	next.Price, next.Stock, next.Countries, next.Confirm, next.Archived = "2", &four, nil, &offer.Confirm{Hashtag: "C", Window: "1h"}, true
	d := diff(old, next)
	if d["price"] != "2" || d["stock"] != 4 || d["countries"] != nil || d["archived"] != true ||
		d["confirm"] != (offer.Confirm{Hashtag: "C", Window: "1h"}) || len(d) != 5 {
		t.Errorf("diff = %#v", d)
	}
	if _, ok := d["countries"]; !ok {
		t.Error("diff lacks the removal of countries")
	}
	next = old
	next.Stock, next.Confirm = nil, nil
	if d := diff(old, next); len(d) != 2 || d["stock"] != nil || d["confirm"] != nil {
		t.Errorf("diff of removals = %#v", d)
	}
}

func TestCreateRunNewFile(t *testing.T) {
	e := newEnv(t, "")
	ios, _, stdout, stderr := iostreams.Test()
	opts := &CreateOptions{IO: ios, Config: e.config, Hashtag: "BuyBlueMug",
		Fields: Fields{Name: "Blue Mug", Price: "12.50", Set: map[string]bool{flagName: true, flagPrice: true}}}
	if err := createRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := "offers:\n  - hashtag: BuyBlueMug\n    name: Blue Mug\n    price: \"12.50\"\n"
	if got := e.read(t); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
	fi, err := os.Stat(e.path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, %v; want 0600", fi.Mode(), err)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "✓ Added offer #BuyBlueMug") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}

	// A bad second offer: offer.ErrInvalid (exit 3), not a config error, and the file stays.
	opts.Hashtag, opts.Fields.Price = "BuyCheap", "0.01"
	err = createRun(context.Background(), opts)
	if !errors.Is(err, offer.ErrInvalid) || errors.Is(err, config.ErrInvalid) {
		t.Errorf("bad offer error = %v, want offer.ErrInvalid only", err)
	}
	if got := e.read(t); got != want {
		t.Errorf("file changed by a refused offer: %q", got)
	}
}

// --countries writes each country once, however it was typed.
func TestCreateRunCountriesOnce(t *testing.T) {
	e := newEnv(t, "")
	ios, _, _, _ := iostreams.Test()
	opts := &CreateOptions{IO: ios, Config: e.config, Hashtag: "BuyBlueMug",
		Fields: Fields{Name: "Blue Mug", Price: "12.50", Countries: []string{"US", " gb", "us", "GB", "", "CA"},
			Set: map[string]bool{flagName: true, flagPrice: true, flagCountries: true}}}
	if err := createRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	want := "offers:\n  - hashtag: BuyBlueMug\n    name: Blue Mug\n    price: \"12.50\"\n    countries: [US, GB, CA]\n"
	if got := e.read(t); got != want {
		t.Errorf("file = %q, want %q", got, want)
	}
}

func TestEditUnknownTag(t *testing.T) {
	e := newEnv(t, "offers:\n  - hashtag: BuyBlueMug\n    name: Mug\n    price: \"3\"\n")
	ios, _, _, _ := iostreams.Test()
	err := archiveRun(context.Background(), &ArchiveOptions{IO: ios, Config: e.config, Tag: "#BuyTea"})
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("error = %v, want ErrNotFound and payment.ErrNotFound", err)
	}
	if want := "no offer #BuyTea in " + e.path + " (it has #BuyBlueMug)"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

const syncYAML = `offers:
  - hashtag: BuyBlueMug
    name: Blue Mug
    price: "12.50"
  - gift_handle: tweetacoffee
    name: Coffee eGift
    price: "5.00"
  - hashtag: BuyYen
    name: Yen thing
    price: "500"
    currency: jpy
`

func runSync(t *testing.T, e *testEnv, gw payment.Gateway, dryRun bool) ([]SyncRow, string) {
	t.Helper()
	ios, _, stdout, stderr := iostreams.Test()
	opts := &SyncOptions{IO: ios, Config: e.config, Gateway: func() (payment.Gateway, error) { return gw, nil },
		DryRun: dryRun, Output: output.JSON}
	if err := syncRun(context.Background(), opts); err != nil {
		t.Fatalf("sync: %v", err)
	}
	var rows []SyncRow
	if err := json.Unmarshal(stdout.Bytes(), &rows); err != nil {
		t.Fatalf("sync output %q: %v", stdout, err)
	}
	return rows, stderr.String()
}

func TestSyncRun(t *testing.T) {
	e := newEnv(t, syncYAML)
	gw, rec := emulatorGateway(t)
	ctx := context.Background()

	// A dry run reads only.
	rows, msg := runSync(t, e, gw, true)
	if w := writes(rec.take()); len(w) != 0 {
		t.Errorf("dry run sent writes: %+v", w)
	}
	if len(rows) != 3 || rows[0].Applied || !reflect.DeepEqual(rows[0].Actions, []string{ActionCreateProduct, ActionCreatePrice}) || rows[0].Price != nil {
		t.Errorf("dry-run rows = %+v", rows)
	}
	if !strings.Contains(msg, "Dry run: 3 offers of 3 would change") {
		t.Errorf("dry-run message %q", msg)
	}

	// The first sync writes a product and a price per offer, each with a key
	// derived from what it does.
	rows, _ = runSync(t, e, gw, false)
	var keys []string
	for _, w := range writes(rec.take()) {
		if w.status >= 300 {
			t.Errorf("%s %s: status %d", w.method, w.path, w.status)
		}
		keys = append(keys, w.path+" "+w.idemKey)
	}
	wantKeys := []string{
		"/v1/products tweetpay:product:create:tweetpay_buybluemug:" + productHash(payment.Product{Name: "Blue Mug", Active: true}),
		"/v1/prices tweetpay:price:tweetpay_buybluemug:1250:usd:none",
		"/v1/products tweetpay:product:create:tweetpay_gift_tweetacoffee:" + productHash(payment.Product{Name: "Coffee eGift", Active: true}),
		"/v1/prices tweetpay:price:tweetpay_gift_tweetacoffee:500:usd:none",
		"/v1/products tweetpay:product:create:tweetpay_buyyen:" + productHash(payment.Product{Name: "Yen thing", Active: true}),
		"/v1/prices tweetpay:price:tweetpay_buyyen:500:jpy:none",
	}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("writes =\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(wantKeys, "\n"))
	}
	for _, r := range rows {
		if !r.Applied || r.Price == nil || !strings.HasPrefix(*r.Price, "price_") {
			t.Errorf("row after sync = %+v", r)
		}
	}
	p, found, err := gw.PriceByLookupKey(ctx, "tweetpay_buyyen")
	if err != nil || !found || p.Amount != 500 || p.Currency != "jpy" || p.Product != "tweetpay_buyyen" {
		t.Errorf("yen price = %+v, %v, %v", p, found, err)
	}
	firstPrice := p.ID

	// A second sync sends no write at all and says so.
	rows, msg = runSync(t, e, gw, false)
	if w := writes(rec.take()); len(w) != 0 {
		t.Errorf("second sync sent writes: %+v", w)
	}
	if msg != "✓ 3 offers in sync, nothing to do\n" {
		t.Errorf("second sync message %q", msg)
	}
	for _, r := range rows {
		if r.Applied || len(r.Actions) != 0 {
			t.Errorf("second sync row = %+v", r)
		}
	}

	// A new price moves the lookup key; archiving deactivates the product.
	ios, _, _, _ := iostreams.Test()
	if err := updateRun(ctx, &UpdateOptions{IO: ios, Config: e.config, Tag: "BuyYen",
		Fields: Fields{Price: "600", Name: "Yen Thing", Set: map[string]bool{flagPrice: true, flagName: true}}}); err != nil {
		t.Fatal(err)
	}
	if err := archiveRun(ctx, &ArchiveOptions{IO: ios, Config: e.config, Tag: "tweetacoffee"}); err != nil {
		t.Fatal(err)
	}
	rows, _ = runSync(t, e, gw, false)
	if !reflect.DeepEqual(rows[1].Actions, []string{ActionDeactivateProduct}) ||
		!reflect.DeepEqual(rows[2].Actions, []string{ActionUpdateProduct, ActionCreatePrice}) {
		t.Errorf("rows = %+v", rows)
	}
	rec.take()
	p, found, err = gw.PriceByLookupKey(ctx, "tweetpay_buyyen")
	rowPrice := "null"
	if rows[2].Price != nil {
		rowPrice = *rows[2].Price
	}
	if err != nil || !found || p.Amount != 600 || p.ID == firstPrice || p.ID != rowPrice {
		t.Errorf("moved price = %+v, %v, %v (row %s, first %q)", p, found, err, rowPrice, firstPrice)
	}
	prod, err := gw.GetProduct(ctx, "tweetpay_gift_tweetacoffee")
	if err != nil || prod.Active {
		t.Errorf("archived product = %+v, %v", prod, err)
	}
	prod, err = gw.GetProduct(ctx, "tweetpay_buyyen")
	if err != nil || prod.Name != "Yen Thing" || prod.Metadata[MetaRevision] != "1" {
		t.Errorf("renamed product = %+v, %v", prod, err)
	}
	if _, msg = runSync(t, e, gw, false); msg != "✓ 3 offers in sync, nothing to do\n" {
		t.Errorf("sync after the changes: %q", msg)
	}
	if w := writes(rec.take()); len(w) != 0 {
		t.Errorf("sync after the changes sent writes: %+v", w)
	}
}

// A Price that does not exist (yet) has no ID: "price" is null in the
// JSON, as other absent IDs are, never "", while the table says what would
// be done. Only the offers whose Price exists have its ID.
func TestSyncRunAbsentPrice(t *testing.T) {
	e := newEnv(t, syncYAML+"  - hashtag: BuyOld\n    name: Old\n    price: \"1.00\"\n    archived: true\n")
	gw, _ := emulatorGateway(t)
	syncOut := func(dryRun bool, format output.Format) string {
		t.Helper()
		ios, _, stdout, _ := iostreams.Test()
		opts := &SyncOptions{IO: ios, Config: e.config, Gateway: func() (payment.Gateway, error) { return gw, nil },
			DryRun: dryRun, Output: format}
		if err := syncRun(context.Background(), opts); err != nil {
			t.Fatalf("sync: %v", err)
		}
		return stdout.String()
	}
	prices := func(out string) []any {
		t.Helper()
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("sync output %q: %v", out, err)
		}
		var ps []any
		for _, r := range rows {
			p, ok := r["price"]
			if !ok {
				t.Fatalf("no price in %v", r)
			}
			ps = append(ps, p)
		}
		return ps
	}

	if got := prices(syncOut(true, output.JSON)); !reflect.DeepEqual(got, []any{nil, nil, nil, nil}) {
		t.Errorf("dry run: prices %#v, want four nulls", got)
	}
	if got, want := syncOut(true, output.Table), "#BuyBlueMug\ttweetpay_buybluemug\tnew $12.50\tcreate product, create price\n"+
		"@tweetacoffee\ttweetpay_gift_tweetacoffee\tnew $5.00\tcreate product, create price\n"+
		"#BuyYen\ttweetpay_buyyen\tnew ¥500\tcreate product, create price\n"+
		"#BuyOld\ttweetpay_buyold\t-\tnone (archived, not on Stripe)\n"; got != want {
		t.Errorf("dry run, table:\n%s\nwant\n%s", got, want)
	}

	got := prices(syncOut(false, output.JSON))
	for i, p := range got[:3] {
		if s, ok := p.(string); !ok || !strings.HasPrefix(s, "price_") {
			t.Errorf("offer %d after sync: price %#v, want its ID", i, p)
		}
	}
	if got[3] != nil {
		t.Errorf("archived offer never synced: price %#v, want null", got[3])
	}
	if out := syncOut(false, output.Table); !strings.Contains(out, "#BuyOld\ttweetpay_buyold\t-\tnone (archived, not on Stripe)\n") ||
		!regexp.MustCompile(`(?m)^#BuyBlueMug\ttweetpay_buybluemug\tprice_\w+ \$12\.50\tin sync$`).MatchString(out) {
		t.Errorf("table after sync:\n%s", out)
	}
}

func TestDeleteRunPrompt(t *testing.T) {
	const file = "offers:\n  - hashtag: BuyBlueMug\n    name: Mug\n    price: \"3\"\n"
	for _, answer := range []string{"n\n", "", "yes\n"} {
		e := newEnv(t, file)
		ios, in, _, stderr := iostreams.Test()
		ios.SetTTY(true)
		in.WriteString(answer)
		if err := deleteRun(context.Background(), &DeleteOptions{IO: ios, Config: e.config, Tag: "BuyBlueMug"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stderr.String(), "Delete offer #BuyBlueMug from "+e.path+"? [y/N]") {
			t.Errorf("prompt %q", stderr)
		}
		want := file
		if answer == "yes\n" {
			want = "offers: []\n"
		}
		if got := e.read(t); got != want {
			t.Errorf("answer %q: file = %q, want %q", answer, got, want)
		}
	}
}

func TestListRunTTY(t *testing.T) {
	e := newEnv(t, "offers:\n  - hashtag: BuyBlueMug\n    name: Blue Mug\n    price: \"12.50\"\n    stock: 5\n")
	ios, _, stdout, _ := iostreams.Test()
	ios.SetTTY(true)
	sold := func(*config.Config) (map[string]int, error) { return map[string]int{"tweetpay_buybluemug": 2}, nil }
	if err := listRun(context.Background(), &ListOptions{IO: ios, Config: e.config, Sold: sold, Now: time.Now}); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{"OFFER", "STOCK LEFT", "#BuyBlueMug", "3 of 5", "$12.50"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestCreateRunMissingDir(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "newdir", "x.yaml")
	env := map[string]string{"TWEETPAY_CONFIG": path, "TWEETPAY_STATE_DIR": filepath.Join(dir, ".tweetpay"), "XDG_CONFIG_HOME": filepath.Join(dir, "xdg")}
	getCfg := func() (*config.Config, error) {
		return config.Load(config.Options{Dir: dir, LookupEnv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}})
	}
	ios, _, _, _ := iostreams.Test()
	err := createRun(context.Background(), &CreateOptions{IO: ios, Config: getCfg, Hashtag: "BuyBlueMug",
		Fields: Fields{Name: "Blue Mug", Price: "12.50", Set: map[string]bool{flagName: true, flagPrice: true}}})
	if !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("error %v, want config.ErrInvalid (exit 4)", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "directory "+filepath.Join(dir, "newdir")+" does not exist") || strings.Contains(msg, ".tmp") {
		t.Errorf("error %q: want the missing directory named, and no temporary file", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "newdir")); err == nil {
		t.Error("the directory was created")
	}
}

// TestSoldUnitsLockTimeout: while another process holds the simulation's
// state (a stream running), list, show and -o json edits wait for it as long
// as lock_timeout says, as every other command does, not a fixed 10s.
func TestSoldUnitsLockTimeout(t *testing.T) {
	e := newEnv(t, "")
	cfg, err := e.config()
	if err != nil {
		t.Fatal(err)
	}
	held, err := shop.OpenStore(cfg.StateDir, statedb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cfg.LockTimeout = 100 * time.Millisecond
	start := time.Now()
	_, err = SoldUnits(cfg)
	if !errors.Is(err, statedb.ErrLocked) {
		t.Fatalf("SoldUnits of a held state: %v, want statedb.ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("SoldUnits waited %v for a lock_timeout of 100ms", d)
	}
}
