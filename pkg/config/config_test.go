package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/tweetpay/tweetpay/pkg/buyer"
)

func load(t *testing.T, file string, env map[string]string, flags ...string) (*Config, error) {
	t.Helper()
	return Load(testOptions(t, file, env, flags...))
}

// testOptions are the Options of a command run in a fresh directory that
// holds file as tweetpay.yaml (none when file is ""), with the environment
// env and the global flags given.
func testOptions(t *testing.T, file string, env map[string]string, flags ...string) Options {
	t.Helper()
	dir := t.TempDir()
	if file != "" {
		if err := os.WriteFile(filepath.Join(dir, "tweetpay.yaml"), []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	for _, n := range []string{"config", "backend", "api-key", "api-base", "timeout", "state-dir"} {
		fs.String(n, "", "")
	}
	fs.Bool("live", false, "")
	if err := fs.Parse(flags); err != nil {
		t.Fatal(err)
	}
	lookup := func(k string) (string, bool) {
		if k == "HOME" {
			return dir, true
		}
		v, ok := env[k]
		return v, ok
	}
	return Options{Flags: fs, LookupEnv: lookup, Dir: dir}
}

func TestPrecedence(t *testing.T) {
	file := "stripe:\n  backend: stripe\n  api_base: http://file.example\nmerchant:\n  currency: eur\n"
	for _, tc := range []struct {
		name  string
		env   map[string]string
		flags []string
		key   string
		want  string
		src   Source
	}{
		{"file beats default", nil, nil, "stripe.backend", "stripe", SourceFile},
		{"default", nil, nil, "merchant.country", "US", SourceDefault},
		{"env beats file", map[string]string{"TWEETPAY_BACKEND": "emulator"}, nil, "stripe.backend", "emulator", SourceEnv},
		{"flag beats env", map[string]string{"TWEETPAY_BACKEND": "emulator"}, []string{"--backend", "stripe"}, "stripe.backend", "stripe", SourceFlag},
		{"empty env is unset", map[string]string{"TWEETPAY_API_BASE": ""}, nil, "stripe.api_base", "http://file.example", SourceFile},
		{"TWEETPAY_API_KEY before STRIPE_API_KEY", map[string]string{"TWEETPAY_API_KEY": "sk_test_aaaa1111", "STRIPE_API_KEY": "sk_test_bbbb2222"}, nil, "stripe.api_key", "sk_test_aaaa1111", SourceEnv},
		{"STRIPE_API_KEY alone", map[string]string{"STRIPE_API_KEY": "sk_test_bbbb2222"}, nil, "stripe.api_key", "sk_test_bbbb2222", SourceEnv},
		// A variable of blanks is unset too: it does not hide the next one.
		{"blank env is unset", map[string]string{"TWEETPAY_API_KEY": " \n", "STRIPE_API_KEY": "sk_test_bbbb2222"}, nil, "stripe.api_key", "sk_test_bbbb2222", SourceEnv},
		{"blank env is unset before the file", map[string]string{"TWEETPAY_API_BASE": "\t"}, nil, "stripe.api_base", "http://file.example", SourceFile},
		// The value shown is the one in effect, not as typed.
		{"country as used", map[string]string{"TWEETPAY_MERCHANT_COUNTRY": " ca "}, nil, "merchant.country", "CA", SourceEnv},
		{"currency as used", map[string]string{"TWEETPAY_MERCHANT_CURRENCY": "GBP"}, nil, "merchant.currency", "gbp", SourceEnv},
		{"backend as used", nil, []string{"--backend", "Stripe"}, "stripe.backend", "stripe", SourceFlag},
		{"user ID as used", map[string]string{"TWEETPAY_MERCHANT_USER_ID": " 2244994945 "}, nil, "merchant.user_id", "2244994945", SourceEnv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, file, tc.env, tc.flags...)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.Settings() {
				if s.Key == tc.key {
					if s.Value != tc.want || s.Source != tc.src {
						t.Fatalf("%s = %q from %s, want %q from %s", tc.key, s.Value, s.Source, tc.want, tc.src)
					}
					return
				}
			}
			t.Fatalf("no setting %s", tc.key)
		})
	}
}

// TestTimeout: stripe.timeout, $TWEETPAY_TIMEOUT and --timeout, in that
// order of precedence, set how long each request to the provider may take;
// config show names where the value came from.
func TestTimeout(t *testing.T) {
	file := "stripe:\n  timeout: 45s\n"
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		flags []string
		want  time.Duration
		shown string
		src   Source
	}{
		{"default", "", nil, nil, DefaultTimeout, "80s", SourceDefault},
		{"file beats default", file, nil, nil, 45 * time.Second, "45s", SourceFile},
		{"env beats file", file, map[string]string{"TWEETPAY_TIMEOUT": " 2m "}, nil, 2 * time.Minute, "2m", SourceEnv},
		{"flag beats env", file, map[string]string{"TWEETPAY_TIMEOUT": "2m"}, []string{"--timeout", "200ms"}, 200 * time.Millisecond, "200ms", SourceFlag},
		{"blank env is unset", file, map[string]string{"TWEETPAY_TIMEOUT": " "}, nil, 45 * time.Second, "45s", SourceFile},
		{"compound duration", "", map[string]string{"TWEETPAY_TIMEOUT": "1m30s"}, nil, 90 * time.Second, "1m30s", SourceEnv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.file, tc.env, tc.flags...)
			if err != nil {
				t.Fatal(err)
			}
			if c.Timeout != tc.want {
				t.Errorf("Timeout = %v, want %v", c.Timeout, tc.want)
			}
			for _, s := range c.Settings() {
				if s.Key == "stripe.timeout" {
					if s.Value != tc.shown || s.Source != tc.src {
						t.Errorf("stripe.timeout = %q from %s, want %q from %s", s.Value, s.Source, tc.shown, tc.src)
					}
					return
				}
			}
			t.Fatal("no setting stripe.timeout")
		})
	}
}

// TestTimeoutErrors: a timeout that is not a positive duration is a
// configuration error naming where it came from.
func TestTimeoutErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		flags []string
		want  string
	}{
		{"file", "merchant:\n  handle: \"@shop\"\nstripe:\n  timeout: soon\n", nil, nil,
			`tweetpay.yaml:4: timeout "soon": want a positive duration such as 30s, 2m or 500ms`},
		{"file without a unit", "stripe:\n  timeout: 30\n", nil, nil, `tweetpay.yaml:2: timeout "30": want a duration with a unit, such as 30s`},
		{"env", "", map[string]string{"TWEETPAY_TIMEOUT": "-5s"}, nil, `$TWEETPAY_TIMEOUT: timeout "-5s": want a positive duration`},
		{"env zero", "", map[string]string{"TWEETPAY_TIMEOUT": "0"}, nil, `$TWEETPAY_TIMEOUT: timeout "0": want a positive duration`},
		{"flag", "", nil, []string{"--timeout", "0s"}, `--timeout: timeout "0s": want a positive duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.file, tc.env, tc.flags...)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestLockTimeout: lock_timeout and $TWEETPAY_LOCK_TIMEOUT set how long a
// command waits for another process holding the state, and config show
// names where the value came from, as for every other setting.
func TestLockTimeout(t *testing.T) {
	file := "lock_timeout: 45s\n"
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		want  time.Duration
		shown string
		src   Source
	}{
		{"default", "", nil, DefaultLockTimeout, "10s", SourceDefault},
		{"file beats default", file, nil, 45 * time.Second, "45s", SourceFile},
		{"env beats file", file, map[string]string{"TWEETPAY_LOCK_TIMEOUT": " 200ms "}, 200 * time.Millisecond, "200ms", SourceEnv},
		{"blank env is unset", file, map[string]string{"TWEETPAY_LOCK_TIMEOUT": " "}, 45 * time.Second, "45s", SourceFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.file, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if c.LockTimeout != tc.want {
				t.Errorf("LockTimeout = %v, want %v", c.LockTimeout, tc.want)
			}
			for _, s := range c.Settings() {
				if s.Key == "lock_timeout" {
					if s.Value != tc.shown || s.Source != tc.src {
						t.Errorf("lock_timeout = %q from %s, want %q from %s", s.Value, s.Source, tc.shown, tc.src)
					}
					return
				}
			}
			t.Fatal("no setting lock_timeout")
		})
	}
}

// TestLockTimeoutErrors: a lock timeout that is not a positive duration is
// a configuration error naming where it came from, as a bad stripe.timeout is.
func TestLockTimeoutErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		env  map[string]string
		want string
	}{
		{"file", "merchant:\n  handle: \"@shop\"\nlock_timeout: soon\n", nil,
			`tweetpay.yaml:3: lock timeout "soon": want a positive duration such as 30s, 2m or 500ms`},
		{"file without a unit", "lock_timeout: 30\n", nil, `tweetpay.yaml:1: lock timeout "30": want a duration with a unit, such as 30s`},
		{"env", "", map[string]string{"TWEETPAY_LOCK_TIMEOUT": "-5s"}, `$TWEETPAY_LOCK_TIMEOUT: lock timeout "-5s": want a positive duration`},
		{"env zero", "", map[string]string{"TWEETPAY_LOCK_TIMEOUT": "0"}, `$TWEETPAY_LOCK_TIMEOUT: lock timeout "0": want a positive duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.file, tc.env)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseTimeout(t *testing.T) {
	for in, want := range map[string]time.Duration{"30s": 30 * time.Second, " 500ms ": 500 * time.Millisecond, "1h": time.Hour, "1.5s": 1500 * time.Millisecond} {
		if got, err := ParseTimeout(in); err != nil || got != want {
			t.Errorf("ParseTimeout(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{"": "positive", "0": "positive", "-1s": "positive", "abc": "positive", ".": "positive",
		"30": "with a unit, such as 30s", "1.5": "with a unit, such as 1.5s"} {
		if _, err := ParseTimeout(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTimeout(%q): %v, want an error saying %q", in, err, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"unknown key with suggestion", "stripe:\n  backnd: stripe\n", `tweetpay.yaml:2: unknown key "stripe.backnd" (did you mean "backend"?)`},
		{"unknown top-level key", "offerz: []\n", `unknown key "offerz" (did you mean "offers"?)`},
		{"far from any key", "zzzzzzzz: 1\n", `unknown key "zzzzzzzz"`},
		{"malformed", "merchant: [\n", "tweetpay.yaml:"},
		{"wrong type", "offers:\n  - stock: [1]\n", "offers[0].stock: expected a whole number"},
		{"list expected", "offers: BuyBlueMug\n", "offers: expected a list"},
		{"bool expected", "offers:\n  - archived: maybe\n", "offers[0].archived: expected true or false"},
		{"duplicate key", "merchant:\n  country: US\n  country: CA\n", "merchant.country: duplicate key"},
		{"bad country", "merchant:\n  country: USA\n", `tweetpay.yaml:2: merchant.country "USA" is not an ISO 3166-1 alpha-2 code: write US`},
		{"no such country", "merchant:\n  country: ZZ\n", `merchant.country "ZZ" is not an ISO 3166-1 alpha-2 code`},
		{"reserved country", "merchant:\n  country: UK\n", `merchant.country "UK" is not an ISO 3166-1 alpha-2 code: write GB`},
		{"bad currency", "merchant:\n  currency: xyz\n", `tweetpay.yaml:2: merchant.currency "xyz" is not a currency Stripe supports`},
		{"bad handle", "merchant:\n  handle: \"@not-valid\"\n", "merchant.handle"},
		{"bad api base", "stripe:\n  api_base: ftp://x\n", "tweetpay.yaml:2: api base \"ftp://x\" is not an http:// or https:// address"},
		{"top level not a mapping", "- a\n- b\n", "expected a mapping"},
		{"tab indent", "merchant:\n\thandle: \"@shop\"\n", "tweetpay.yaml:2: the line is indented with a tab: YAML indents with spaces only"},
		{"tab in indent", "merchant:\n  handle: \"@shop\"\n  \tcountry: US\n", "tweetpay.yaml:3: the line is indented with a tab"},
		{"second document", "offers: []\n---\nbuyers:\n  - {handle: \"@alice\", card: visa}\n", "tweetpay.yaml:2: a second YAML document starts here, and only the first is read"},
		{"document after an empty one", "offers: []\n---\n---\nmerchant:\n  country: ZZ\n", "tweetpay.yaml:3: a second YAML document"},
		{"bad syntax in a second document", "offers: []\n---\nbuyers: [\n", "tweetpay.yaml:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.file, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestSettingErrorsSayWhere: a bad setting is named by where its value came
// from, the file and line, the environment variable or the flag, since any of
// them may override the others.
func TestSettingErrorsSayWhere(t *testing.T) {
	file := "merchant:\n  handle: \"@shop\"\nstripe:\n  backend: stripes\n"
	for _, tc := range []struct {
		name  string
		env   map[string]string
		flags []string
		want  string
	}{
		{"file", nil, nil, `tweetpay.yaml:4: backend "stripes" is not one of emulator, stripe`},
		{"env", map[string]string{"TWEETPAY_BACKEND": "strip"}, nil, `$TWEETPAY_BACKEND: backend "strip" is not one of emulator, stripe`},
		{"flag", map[string]string{"TWEETPAY_BACKEND": "strip"}, []string{"--backend", "emu"}, `--backend: backend "emu" is not one of emulator, stripe`},
		{"env currency", map[string]string{"TWEETPAY_BACKEND": "stripe", "TWEETPAY_MERCHANT_CURRENCY": "abc"}, nil,
			`$TWEETPAY_MERCHANT_CURRENCY: merchant.currency "abc" is not a currency Stripe supports`},
		{"STRIPE_API_KEY", map[string]string{"TWEETPAY_BACKEND": "stripe", "STRIPE_API_KEY": "pk_test_abcdefgh12345"}, nil,
			`$STRIPE_API_KEY: API key pk_test_…2345 is not a secret key`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, file, tc.env, tc.flags...)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestOversizedFile(t *testing.T) {
	_, err := load(t, "# "+strings.Repeat("x", MaxFileSize)+"\n", nil)
	if err == nil || !strings.Contains(err.Error(), "a config file may be at most") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckCredentials(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		flags   []string
		wantKey string
		wantErr string
	}{
		{"emulator needs no key", nil, nil, EmulatorKey, ""},
		{"stripe needs a key", map[string]string{"TWEETPAY_BACKEND": "stripe"}, nil, "", "no API key for the stripe backend"},
		{"live key refused", map[string]string{"TWEETPAY_BACKEND": "stripe", "TWEETPAY_API_KEY": "sk_live_abcdefgh1234"}, nil, "", "live key given without --live"},
		{"live key with --live", map[string]string{"TWEETPAY_BACKEND": "stripe", "TWEETPAY_API_KEY": "sk_live_abcdefgh1234"}, []string{"--live"}, "sk_live_abcdefgh1234", ""},
		{"live key on the emulator", map[string]string{"TWEETPAY_API_KEY": "rk_live_abcdefgh1234"}, []string{"--live"}, "", "test mode only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, "", tc.env, tc.flags...)
			if err != nil {
				t.Fatal(err)
			}
			key, err := c.CheckCredentials()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "abcdefgh1234") {
					t.Errorf("error shows the key: %v", err)
				}
				return
			}
			if err != nil || key != tc.wantKey {
				t.Fatalf("key %q, err %v", key, err)
			}
		})
	}
}

func TestMaskKey(t *testing.T) {
	for in, want := range map[string]string{
		"":                               "",
		"sk_test_51Habc0000000000009f3a": "sk_test_…9f3a",
		"rk_live_abcdefghijkl":           "rk_live_…ijkl",
		"sk_test_short":                  "sk_test_…",
		"weird":                          "…",
		// Characters, not bytes: neither half of a character is shown,
		// nor one that is not a key character.
		"sk_test_abcdefghi€123":   "sk_test_…",
		"sk_test_ééééabcd":        "sk_test_…",
		"sk_test_ééééééééabcd":    "sk_test_…abcd",
		"sk_test_abcdefghijk\a":   "sk_test_…",
		"s\x1bk_test_abcdefghijk": "…hijk",
	} {
		if got := MaskKey(in); got != want {
			t.Errorf("MaskKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact("key sk_test_51Habc0000000000009f3a refused", "sk_test_51Habc0000000000009f3a"); got != "key sk_test_…9f3a refused" {
		t.Errorf("Redact = %q", got)
	}
}

// TestAPIKeyCharacters: whitespace around a key is trimmed; any other
// character that no Stripe key holds is a config error naming where the key
// came from, without showing it.
func TestAPIKeyCharacters(t *testing.T) {
	const key = "sk_test_51Habc0000000000009f3a"
	for _, tc := range []struct {
		name  string
		file  string
		env   map[string]string
		flags []string
		want  string // the error, or "" for the key loaded as key
	}{
		{"trailing space", "", map[string]string{"TWEETPAY_API_KEY": key + " "}, nil, ""},
		{"newline", "", map[string]string{"STRIPE_API_KEY": key + "\n"}, nil, ""},
		{"CRLF and tabs", "", map[string]string{"TWEETPAY_API_KEY": "\t" + key + "\r\n"}, nil, ""},
		{"flag", "", nil, []string{"--api-key", " " + key + "\n"}, ""},
		{"file", "stripe:\n  api_key: \"" + key + " \\n\"\n", nil, nil, ""},
		{"inner space", "", map[string]string{"TWEETPAY_API_KEY": "sk_test_51Habc 0000000000009f3a"}, nil,
			"$TWEETPAY_API_KEY: API key sk_test_… has a space at character 15: a Stripe key holds only letters, digits and underscores"},
		{"quotes", "", map[string]string{"TWEETPAY_API_KEY": `"` + key + `"`}, nil,
			`$TWEETPAY_API_KEY: API key has a quote (") at character 1`},
		{"non-ASCII", "stripe:\n  backend: stripe\n  api_key: sk_test_51Habc000000000000é9f3a\n", nil, nil,
			"tweetpay.yaml:3: API key sk_test_… has a non-ASCII character (é, U+00E9) at character 27"},
		{"non-breaking space", "", nil, []string{"--api-key", "sk_test_51Habc\u00a00000000000009f3a"},
			"--api-key: API key sk_test_… has a non-ASCII space (U+00A0) at character 15"},
		{"control character", "", map[string]string{"STRIPE_API_KEY": "sk_test_51Habc\x1b0000000000009f3a"}, nil,
			"$STRIPE_API_KEY: API key sk_test_… has a control character (U+001B) at character 15"},
		{"not UTF-8", "", map[string]string{"TWEETPAY_API_KEY": "sk_test_51Habc\xff0000000000009f3a"}, nil,
			"API key sk_test_… has a byte that is not UTF-8 (0xff) at character 15"},
		{"dash", "", map[string]string{"TWEETPAY_API_KEY": "sk-test-51Habc0000000000009f3a"}, nil,
			`API key has a "-" at character 3`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(t, tc.file, tc.env, tc.flags...)
			if tc.want == "" {
				if err != nil || c.APIKey != key {
					t.Fatalf("key %q, err %v; want %q", c.APIKey, err, key)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "000000") || strings.Contains(err.Error(), "9f3a") {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
}

func TestStateDir(t *testing.T) {
	c, err := load(t, "state_dir: run/state\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(c.Path), "run", "state"); c.StateDir != want {
		t.Errorf("state dir %q, want %q (relative to the file)", c.StateDir, want)
	}
	c, err = load(t, "merchant: {country: US}\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(c.Path), ".tweetpay"); c.StateDir != want {
		t.Errorf("state dir %q, want %q (beside the file)", c.StateDir, want)
	}
}

// FuzzLoad: no input makes Load panic, and every failure wraps ErrInvalid.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(Starter))
	f.Add([]byte("merchant:\n  handle: [x\n"))
	f.Add([]byte("offers:\n  - hashtag: A\n    stock: lots\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("stripe: {backend: stripe, api_key: sk_live_x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "tweetpay.yaml")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		lookup := func(k string) (string, bool) {
			if k == "HOME" {
				return dir, true
			}
			return "", false
		}
		c, err := Load(Options{LookupEnv: lookup, Dir: dir})
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		_, _ = c.ResolveOffers()
		_ = c.ValidateBuyers()
	})
}

func TestBuyerUserID(t *testing.T) {
	file := `buyers:
  - handle: "@alice"
    card: visa
    user_id: 5
  - handle: "@bob"
    card: visa
    user_id: "1850000000000000001"
  - handle: "@carol"
    card: visa
    user_id: 9223372036854775807
  - handle: "@dave"
    card: visa
`
	c, err := load(t, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range c.Buyers {
		got = append(got, b.UserID)
	}
	if want := []string{"5", "1850000000000000001", "9223372036854775807", ""}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("user IDs = %q, want %q", got, want)
	}
	if err := c.ValidateBuyers(); err != nil {
		t.Errorf("ValidateBuyers = %v", err)
	}

	for _, tc := range []struct{ id, want string }{
		{"5.0", `user_id "5.0" is not a Twitter user ID`},
		{"-5", `user_id "-5" is not a Twitter user ID`},
		{"0x5", `user_id "0x5" is not a Twitter user ID`},
		{"[5]", "buyers[0].user_id: expected a single value, got a list"},
	} {
		c, err := load(t, "buyers:\n  - handle: \"@alice\"\n    card: visa\n    user_id: "+tc.id+"\n", nil)
		if err == nil {
			err = c.ValidateBuyers()
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("user_id %s: error %v, want an ErrInvalid containing %q", tc.id, err, tc.want)
		}
	}
}

// Each problem with an offer or a buyer names its line, as a YAML error
// does: that of the offer's field it is about, else where the entry
// starts; entries not from the file name none.
func TestListErrorsNameLines(t *testing.T) {
	file := "offers:\n  - hashtag: BuyA\n    name: A\n    price: \"3\"\n  - hashtag: buya\n    name: B\n    price: \"3\"\n" +
		"  - hashtag: BuyC\n    name: C\n    price: \"0.1\"\nbuyers:\n  - handle: \"@y\"\n    card: visa\n  - handle: \"@Y\"\n    card: visa\n"
	c, err := load(t, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ResolveOffers()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("ResolveOffers: %v, want ErrInvalid", err)
	}
	for _, want := range []string{"tweetpay.yaml:5: invalid offer: offer #buya: hashtag", "tweetpay.yaml:10: invalid offer: offer #BuyC: price"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ResolveOffers error lacks %q:\n%v", want, err)
		}
	}
	err = c.ValidateBuyers()
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "tweetpay.yaml:14: invalid buyer: buyer @Y: the handle is already used") {
		t.Errorf("ValidateBuyers: %v", err)
	}

	// An offer put in place of the file's one (a scenario's) has no line.
	c.Offers[2].Price = "0.2"
	_, err = c.ResolveOffers()
	if err == nil || strings.Contains(err.Error(), ":10:") || !strings.Contains(err.Error(), "tweetpay.yaml: invalid offer: offer #BuyC") {
		t.Errorf("ResolveOffers of a changed offer: %v", err)
	}
}

// TestOfferProblemsNameFieldLines: Check reports every problem of an offer,
// each at the line of the value it is about (of the entry, for a value
// the file leaves out), in the file's order.
func TestOfferProblemsNameFieldLines(t *testing.T) {
	file := `merchant:
  currency: usd
offers:
  - hashtag: BuyMug
    countries: [US, ZZ]
    price: "abc"
    currency: xyz
    confirm:
      hashtag: ConfirmMug
      window: 30s
  - name: Cup
    price: "1.00"
`
	_, err := check(t, file, nil)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Check = %v", err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%d: %s", p.Line, p.Message))
	}
	want := []string{
		`4: invalid offer: offer #BuyMug: name is required: give the product's name, e.g. name: Blue Mug`,
		`5: invalid offer: offer #BuyMug: country "ZZ" is not an ISO 3166-1 alpha-2 code: write two letters such as US or CA`,
		`6: invalid offer: offer #BuyMug: price: "abc" is not an amount: write digits with an optional dot, e.g. 12.50`,
		`7: invalid offer: offer #BuyMug: currency "xyz" is not one Stripe supports: use a lowercase ISO 4217 code such as usd or eur`,
		`10: invalid offer: offer #BuyMug: confirm.window 30s is too short: give buyers at least 1m`,
		`11: invalid offer: offer "Cup": set a hashtag (bought by tweeting #Tag) or a gift_handle (bought by tweeting "@handle to @friend")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Load and the commands stop at the first problem of the file, and
	// ResolveOffers gives them all, in the same order.
	c, err := load(t, file, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ResolveOffers()
	if !errors.As(err, &ps) || len(ps) != len(want) || ps[0].Line != 4 || ps[len(ps)-1].Line != 11 {
		t.Errorf("ResolveOffers = %v", err)
	}
}

// A buyer with the merchant's handle, in any case or spelling of its @,
// could never buy: the file is invalid, naming the buyer's line.
func TestBuyerIsNotTheMerchant(t *testing.T) {
	c, err := load(t, "merchant:\n  handle: \"@BlueMugCo\"\nbuyers:\n  - handle: \"@alice\"\n    card: visa\n  - handle: \"＠bluemugco\"\n    card: visa\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.ValidateBuyers()
	if !errors.Is(err, ErrInvalid) || !errors.Is(err, buyer.ErrInvalid) ||
		!strings.Contains(err.Error(), "tweetpay.yaml:6: invalid buyer: buyer @bluemugco is the merchant (merchant.handle)") {
		t.Errorf("ValidateBuyers: %v", err)
	}
	if err := c.NotMerchant(buyer.Buyer{Handle: "@alice"}); err != nil {
		t.Errorf("NotMerchant(@alice) = %v", err)
	}
}

// merchant.user_id is checked as buyers' user IDs are, and no buyer may
// have it.
func TestMerchantUserID(t *testing.T) {
	c, err := load(t, "merchant:\n  handle: \"@shop\"\n  user_id: \" 42 \"\nbuyers:\n  - handle: \"@alice\"\n    card: visa\n    user_id: \"7\"\n", nil)
	if err != nil || c.Merchant.UserID != "42" {
		t.Fatalf("load: %+v, %v", c, err)
	}
	if err := c.ValidateBuyers(); err != nil {
		t.Errorf("ValidateBuyers: %v", err)
	}
	if err := c.NotMerchant(buyer.Buyer{Handle: "@bob", UserID: "42"}); !errors.Is(err, buyer.ErrInvalid) ||
		!strings.Contains(err.Error(), "buyer @bob has user_id 42, the merchant's (merchant.user_id)") {
		t.Errorf("NotMerchant(@bob 42) = %v", err)
	}
	c, err = load(t, "", map[string]string{"TWEETPAY_MERCHANT_USER_ID": "0042"})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `merchant.user_id "0042" is not a Twitter user ID`) {
		t.Errorf("load with user_id 0042: %+v, %v", c, err)
	}
}

func TestMaskSecrets(t *testing.T) {
	for in, want := range map[string]string{
		`got "api_key:sk_test_abcdefghijkl1234"`:                `got "api_key:sk_test_…1234"`,
		"rk_live_abcdefghijkl5678 and sk_live_abcdefghijkl9999": "rk_live_…5678 and sk_live_…9999",
		"sk_test_short":                 "sk_test_…",
		"no key, sk_other_abcdefghijkl": "no key, sk_other_abcdefghijkl",
		// A prefix alone is advice, not a secret.
		"start with sk_test_ or rk_test_ (sk_live_)": "start with sk_test_ or rk_test_ (sk_live_)",
		"": "",
	} {
		if got := MaskSecrets(in); got != want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", in, got, want)
		}
	}
	for _, key := range []string{"sk_test_", "rk_live_"} {
		_, err := load(t, "", map[string]string{"TWEETPAY_API_KEY": key})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "API key "+key+" has nothing after its prefix") {
			t.Errorf("Load with the key %q: %v", key, err)
		}
	}
	_, err := load(t, "stripe:\n  api_key:sk_test_keyinthefile00001234\n", nil)
	if !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "keyinthefile") || !strings.Contains(err.Error(), "sk_test_…1234") {
		t.Errorf("Load of a file with a key in a bad line: %v", err)
	}
}

// TestStarterPath: config init writes ./tweetpay.yaml, not the XDG file that
// FindPath falls back on, unless --config or $TWEETPAY_CONFIG names a file.
func TestStarterPath(t *testing.T) {
	dir := t.TempDir()
	xdg := filepath.Join(dir, "xdg")
	user := filepath.Join(xdg, "tweetpay", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(user), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(user, []byte("merchant: {handle: \"@me\"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": xdg}
	opts := Options{Dir: dir, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	if p, err := FindPath(opts); err != nil || p != user {
		t.Fatalf("FindPath = %q, %v; want %q", p, err, user)
	}
	if p, err := StarterPath(opts); err != nil || p != filepath.Join(dir, "tweetpay.yaml") {
		t.Errorf("StarterPath = %q, %v; want ./tweetpay.yaml", p, err)
	}
	env["TWEETPAY_CONFIG"] = user
	if p, err := StarterPath(opts); err != nil || p != user {
		t.Errorf("StarterPath with $TWEETPAY_CONFIG = %q, %v; want %q", p, err, user)
	}
}

// TestWriteFileAtomicNotAFile: a device or a named pipe at the path (a
// report sent to /dev/stdout, a config init --force over /dev/null) is
// written to, never replaced by a regular file.
func TestWriteFileAtomicNotAFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "report.xml")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes:", err)
	}
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if err := WriteFileAtomic(fifo, []byte("<testsuites/>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the named pipe was replaced: %v, %v", fi, err)
	}
	select {
	case b := <-got:
		if string(b) != "<testsuites/>\n" {
			t.Errorf("the reader got %q", b)
		}
	case <-time.After(10 * time.Second):
		t.Error("the reader got nothing")
	}
}

// TestWriteFileAtomicErrors: an error names the file, never the temporary
// file beside it.
func TestWriteFileAtomicErrors(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root writes in a read-only directory")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "tweetpay.yaml")
	err := WriteFileAtomic(path, []byte("x: 1\n"), 0o600)
	if want := "write " + path + ": permission denied"; !errors.Is(err, os.ErrPermission) || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestLoadFromPipe: a config file given as a pipe (--config <(...),
// /dev/stdin) is read to its end: its size is 0, which read nothing.
func TestLoadFromPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "piped.yaml")
	if err := mkfifo(fifo); err != nil {
		t.Skip("no named pipes:", err)
	}
	go func() {
		_ = os.WriteFile(fifo, []byte("merchant:\n  handle: \"@piped\"\noffers:\n  - hashtag: BuyMug\n    name: Mug\n    price: \"5\"\n"), 0o600)
	}()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("config", "", "")
	if err := fs.Parse([]string{"--config", fifo}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Options{Flags: fs, LookupEnv: func(string) (string, bool) { return "", false }, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.Merchant.Handle != "@piped" || len(c.Offers) != 1 {
		t.Errorf("merchant %q, %d offers; want @piped and 1 offer", c.Merchant.Handle, len(c.Offers))
	}
}

// TestFallbackLockTimeout: without a configuration that loads, the lock
// timeout is $TWEETPAY_LOCK_TIMEOUT when valid, else the default.
func TestFallbackLockTimeout(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want time.Duration
	}{
		{nil, DefaultLockTimeout},
		{map[string]string{"TWEETPAY_LOCK_TIMEOUT": " 250ms "}, 250 * time.Millisecond},
		{map[string]string{"TWEETPAY_LOCK_TIMEOUT": "soon"}, DefaultLockTimeout},
		{map[string]string{"TWEETPAY_LOCK_TIMEOUT": "0s"}, DefaultLockTimeout},
	} {
		lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
		if got := FallbackLockTimeout(lookup); got != tc.want {
			t.Errorf("FallbackLockTimeout(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
}
