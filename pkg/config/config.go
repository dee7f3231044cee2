// Package config finds, reads and validates tweetpay's configuration: the
// tweetpay.yaml file, TWEETPAY_* environment variables and global flags, in
// that order of increasing precedence. It is the only importer of viper.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/internal/yamlcheck"
	"github.com/tweetpay/tweetpay/pkg/country"
	"github.com/tweetpay/tweetpay/pkg/money"
)

// ErrInvalid marks configuration and credential problems (exit 4).
var ErrInvalid = errors.New("invalid configuration")

// ErrLiveKey is returned when a live key is given without --live.
var ErrLiveKey = fmt.Errorf("%w: live key given without --live", ErrInvalid)

// MaxFileSize bounds the size of a config file tweetpay will read.
const MaxFileSize = 4 << 20

// Backends.
const (
	BackendEmulator = "emulator"
	BackendStripe   = "stripe"
)

// EmulatorKey is the key sent to the embedded emulator when none is set.
const EmulatorKey = "sk_test_emulator"

// DefaultTimeout is the default stripe.timeout: the 80 s that Stripe's own
// SDKs allow a request.
const DefaultTimeout = 80 * time.Second

// DefaultLockTimeout is the default lock_timeout: how long a command waits
// for another process holding the state.
const DefaultLockTimeout = 10 * time.Second

// Source says where a setting's value came from.
type Source string

// Sources, from highest to lowest precedence.
const (
	SourceFlag    Source = "flag"
	SourceEnv     Source = "env"
	SourceFile    Source = "file"
	SourceDefault Source = "default"
)

// Setting is one effective scalar setting with its origin.
type Setting struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
	// Origin names the flag, variable or file the value came from.
	Origin string `json:"origin,omitempty"`
	// line is the value's line in the file, for SourceFile.
	line int
}

// Merchant is the merchant section of the file.
type Merchant struct {
	Handle   string
	Country  string
	Currency string
	// UserID is the merchant account's numeric Twitter user ID, optional:
	// a tweet that names its author only by ID (a v2 Tweet without
	// includes.users) is the merchant's own when its author_id is this.
	UserID string
}

// Config is the effective, validated configuration.
type Config struct {
	// Path is the config file in use, or where `config init` would write one.
	Path string
	// PathSource says how Path was chosen: flag, env, file (found in the
	// working directory or XDG_CONFIG_HOME) or default.
	PathSource Source
	// Exists reports whether the file at Path exists.
	Exists bool

	Merchant Merchant
	Backend  string
	APIKey   string
	APIBase  string
	StateDir string
	Live     bool
	// Timeout bounds each request to the provider, each retry alike
	// (stripe.timeout, --timeout, $TWEETPAY_TIMEOUT). The in-process
	// emulator is not held to it.
	Timeout time.Duration
	// LockTimeout is how long to wait for another process holding the
	// state, or editing the config file (lock_timeout,
	// $TWEETPAY_LOCK_TIMEOUT; default 10s).
	LockTimeout time.Duration

	// Offers and Buyers are the raw entries of the file, in file order.
	Offers []OfferEntry
	Buyers []BuyerEntry

	// Warnings are problems worth telling the user that do not stop a command.
	Warnings []string

	settings []Setting
	// fileOffers and fileBuyers are Offers and Buyers as read from the
	// file, and offerLines and buyerLines the lines of each, so that an
	// error about one of them, if still there, names its line, or its
	// field's.
	fileOffers []OfferEntry
	fileBuyers []BuyerEntry
	offerLines entryLines
	buyerLines entryLines
}

// Settings returns the effective scalar settings in a stable order.
func (c *Config) Settings() []Setting { return c.settings }

// Options tells Load where to look.
type Options struct {
	// Flags holds the root command's persistent flags: config, backend,
	// api-key, api-base, timeout, state-dir and live. Nil means no flags.
	Flags *pflag.FlagSet
	// LookupEnv defaults to os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Dir is the working directory; default os.Getwd.
	Dir string
}

type binding struct {
	key     string
	flag    string
	envs    []string
	deflt   string
	display string
}

var bindings = []binding{
	{key: "merchant.handle", envs: []string{"TWEETPAY_MERCHANT_HANDLE"}, deflt: "@tweetpay"},
	{key: "merchant.country", envs: []string{"TWEETPAY_MERCHANT_COUNTRY"}, deflt: "US"},
	{key: "merchant.currency", envs: []string{"TWEETPAY_MERCHANT_CURRENCY"}, deflt: "usd"},
	{key: "merchant.user_id", envs: []string{"TWEETPAY_MERCHANT_USER_ID"}},
	{key: "stripe.backend", flag: "backend", envs: []string{"TWEETPAY_BACKEND"}, deflt: BackendEmulator},
	{key: "stripe.api_key", flag: "api-key", envs: []string{"TWEETPAY_API_KEY", "STRIPE_API_KEY"}},
	{key: "stripe.api_base", flag: "api-base", envs: []string{"TWEETPAY_API_BASE"}},
	{key: "stripe.timeout", flag: "timeout", envs: []string{"TWEETPAY_TIMEOUT"}, deflt: "80s"},
	{key: "state_dir", flag: "state-dir", envs: []string{"TWEETPAY_STATE_DIR"}},
	{key: "lock_timeout", envs: []string{"TWEETPAY_LOCK_TIMEOUT"}, deflt: DefaultLockTimeout.String()},
}

type resolver struct {
	env     func(string) (string, bool)
	flagVal func(string) (string, bool)
	dir     string
}

func newResolver(opts Options) (*resolver, error) {
	lookup := opts.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	r := &resolver{dir: opts.Dir}
	// A variable that is empty, or blanks only (values are trimmed), is
	// unset: it neither hides the next variable nor overrides the file.
	r.env = func(k string) (string, bool) {
		v, ok := lookup(k)
		return v, ok && strings.TrimSpace(v) != ""
	}
	if r.dir == "" {
		var err error
		if r.dir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("working directory: %w", err)
		}
	}
	r.flagVal = func(name string) (string, bool) {
		if opts.Flags == nil || name == "" {
			return "", false
		}
		f := opts.Flags.Lookup(name)
		if f == nil || !f.Changed {
			return "", false
		}
		return f.Value.String(), true
	}
	return r, nil
}

// FindPath returns the config file that Load would read, without reading
// it.
func FindPath(opts Options) (string, error) {
	c, _, err := findFile(opts)
	if err != nil {
		return "", err
	}
	return c.Path, nil
}

// StarterPath returns where `config init` writes a new file: --config, else
// $TWEETPAY_CONFIG, else ./tweetpay.yaml. Unlike FindPath it never returns the
// user's $XDG_CONFIG_HOME/tweetpay/config.yaml, found when the working
// directory has no tweetpay.yaml: a project's init must not overwrite the
// file every other project falls back on.
func StarterPath(opts Options) (string, error) {
	c, dir, err := findFile(opts)
	if err != nil {
		return "", err
	}
	if c.PathSource == SourceFile {
		return filepath.Join(dir, "tweetpay.yaml"), nil
	}
	return c.Path, nil
}

// findFile finds the config file as Load does, and returns it with the
// working directory it was looked for from.
func findFile(opts Options) (*Config, string, error) {
	r, err := newResolver(opts)
	if err != nil {
		return nil, "", err
	}
	c := &Config{}
	if err := c.findFile(r.dir, r.flagVal, r.env); err != nil {
		return nil, "", err
	}
	return c, r.dir, nil
}

// Load finds the config file, reads it and merges flags, environment and
// defaults into a validated Config. It stops at the first problem: its
// error is then a Problems of one, which wraps ErrInvalid.
func Load(opts Options) (*Config, error) {
	return loadWith(opts, &collector{})
}

// Check is Load that goes on past problems to report them all, and that
// checks too what commands check when they use the configuration: the
// credentials (CheckCredentials), the offers (ResolveOffers) and the buyers
// (ValidateBuyers). Its error is a Problems holding every problem found, in
// a stable order: those at a line of the file by line, then the others (a
// value from the environment or a flag, the file as a whole) in the order
// Load meets them. The Config holds what could be read even then; it is nil
// when the file could not be found, read or parsed as YAML, which stops
// everything.
//
// Offers and buyers whose keys or types are wrong are left out of the later
// checks (their problem is reported); those that would inherit a merchant's
// country or currency that is itself wrong are checked as if it were the
// default's, so that each problem is reported once.
func Check(opts Options) (*Config, error) {
	k := &collector{all: true}
	c, err := loadWith(opts, k)
	if c == nil {
		return nil, err
	}
	if _, err := c.CheckCredentials(); err != nil {
		k.addErr(err)
	}
	d := c.OfferDefaults()
	if !country.Valid(d.Country) {
		d.Country = defaultOf("merchant.country")
	}
	if !money.IsSupported(d.Currency) {
		d.Currency = defaultOf("merchant.currency")
	}
	if _, err := c.resolveOffers(d); err != nil {
		k.addErr(err)
	}
	k.add(c.buyerProblems(d.Country)...)
	sortProblems(k.list)
	return c, k.err()
}

// defaultOf returns the default value of setting key.
func defaultOf(key string) string {
	for _, b := range bindings {
		if b.key == key {
			return b.deflt
		}
	}
	return ""
}

// loadWith is Load and Check: k says whether it stops at the first problem, and
// collects them. It returns a nil Config when it stops.
func loadWith(opts Options, k *collector) (*Config, error) {
	r, err := newResolver(opts)
	if err != nil {
		return nil, err
	}
	env, flagVal, dir := r.env, r.flagVal, r.dir
	c := &Config{}
	fatal := func(err error) (*Config, error) {
		if errors.Is(err, ErrInvalid) {
			k.addErr(err)
			return nil, k.err()
		}
		return nil, err
	}
	if err := c.findFile(dir, flagVal, env); err != nil {
		return fatal(err)
	}

	var data []byte
	if c.Exists {
		data, err = readFile(c.Path)
		if err != nil {
			return fatal(err)
		}
	}
	root, err := parseFile(c.Path, data, k)
	if err != nil {
		return fatal(err)
	}
	if len(k.list) > 0 && !k.all {
		return nil, k.err()
	}

	v := viper.New()
	v.SetConfigType("yaml")
	inFile := map[string]bool{}
	if root != nil {
		// The file is parsed once: viper takes the document already checked,
		// without the offers and buyers, which it never reads and which
		// decodeLists decodes on their own.
		var m map[string]any
		if err := settingsOnly(root).Decode(&m); err != nil {
			return fatal(fmt.Errorf("%w: %s: %v", ErrInvalid, c.Path, err))
		}
		if err := v.MergeConfigMap(m); err != nil {
			return fatal(fmt.Errorf("%w: %s: %v", ErrInvalid, c.Path, err))
		}
	}
	for _, b := range bindings {
		v.SetDefault(b.key, b.deflt)
		if b.flag != "" && opts.Flags != nil {
			if f := opts.Flags.Lookup(b.flag); f != nil {
				if err := v.BindPFlag(b.key, f); err != nil {
					return nil, err
				}
			}
		}
		if err := v.BindEnv(append([]string{b.key}, b.envs...)...); err != nil {
			return nil, err
		}
		inFile[b.key] = root != nil && v.InConfig(b.key) && lookupScalar(root, b.key) != ""
	}
	for _, b := range bindings {
		s := Setting{Key: b.key, Value: v.GetString(b.key)}
		if val, ok := flagVal(b.flag); ok {
			s.Source, s.Origin, s.Value = SourceFlag, "--"+b.flag, val
		} else if name, ok := firstEnv(env, b.envs); ok {
			s.Source, s.Origin = SourceEnv, name
			s.Value, _ = env(name)
		} else if inFile[b.key] {
			s.Source, s.Origin, s.Value = SourceFile, c.Path, lookupScalar(root, b.key)
			s.line = lookupNode(root, b.key).Line
		} else {
			s.Source, s.Value = SourceDefault, b.deflt
		}
		c.settings = append(c.settings, s)
	}
	get := func(key string) string {
		for _, s := range c.settings {
			if s.Key == key {
				return strings.TrimSpace(s.Value)
			}
		}
		return ""
	}
	c.Merchant = Merchant{
		Handle:   get("merchant.handle"),
		Country:  strings.ToUpper(get("merchant.country")),
		Currency: strings.ToLower(get("merchant.currency")),
		UserID:   get("merchant.user_id"),
	}
	c.Backend = strings.ToLower(get("stripe.backend"))
	// A key pasted with a space or a line break around it, or read from a
	// file with its final newline, is trimmed, as gh trims tokens; what
	// is left must be made of key characters (validate).
	c.APIKey = get("stripe.api_key")
	c.APIBase = get("stripe.api_base")
	c.StateDir = get("state_dir")
	timeout := get("stripe.timeout")
	lockTimeout := get("lock_timeout")
	if live, ok := flagVal("live"); ok {
		c.Live = live == "true"
	}
	var stateSetting *Setting
	for i := range c.settings {
		if c.settings[i].Key == "state_dir" {
			stateSetting = &c.settings[i]
		}
	}
	if c.StateDir == "" {
		c.StateDir = c.defaultStateDir(env)
	} else if !filepath.IsAbs(c.StateDir) {
		base := dir
		if stateSetting.Source == SourceFile {
			base = filepath.Dir(c.Path) // relative to the file that names it
		}
		c.StateDir = filepath.Join(base, c.StateDir)
	}
	stateSetting.Value = c.StateDir

	if root != nil {
		if c.decodeLists(root, k) {
			return nil, k.err()
		}
	}
	if c.validate(k) {
		return nil, k.err()
	}
	if c.Timeout, err = ParseTimeout(timeout); err != nil {
		if k.add(c.settingProblem("stripe.timeout", "timeout %q: %v", timeout, err)) {
			return nil, k.err()
		}
		c.Timeout = DefaultTimeout
	}
	if c.LockTimeout, err = ParseTimeout(lockTimeout); err != nil {
		if k.add(c.settingProblem("lock_timeout", "lock timeout %q: %v", lockTimeout, err)) {
			return nil, k.err()
		}
		c.LockTimeout = DefaultLockTimeout
	}
	// Settings show the values in effect, as commands use them ("us" from
	// the environment is US), not as typed.
	effective := map[string]string{"merchant.handle": c.Merchant.Handle, "merchant.country": c.Merchant.Country,
		"merchant.currency": c.Merchant.Currency, "merchant.user_id": c.Merchant.UserID,
		"stripe.backend": c.Backend, "stripe.api_key": c.APIKey, "stripe.api_base": c.APIBase,
		"stripe.timeout": timeout, "lock_timeout": lockTimeout}
	for i, s := range c.settings {
		if v, ok := effective[s.Key]; ok {
			c.settings[i].Value = v
		}
	}
	if c.Exists && c.fileHoldsKey() {
		if fi, err := os.Stat(c.Path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"%s holds an API key and is readable by group or others (mode %04o); run: chmod 600 %s",
				c.Path, fi.Mode().Perm(), c.Path))
		}
	}
	return c, nil
}

func firstEnv(env func(string) (string, bool), names []string) (string, bool) {
	for _, n := range names {
		if _, ok := env(n); ok {
			return n, true
		}
	}
	return "", false
}

func (c *Config) fileHoldsKey() bool {
	for _, s := range c.settings {
		if s.Key == "stripe.api_key" {
			return s.Source == SourceFile
		}
	}
	return false
}

// findFile applies the discovery order: --config, $TWEETPAY_CONFIG,
// ./tweetpay.yaml, $XDG_CONFIG_HOME/tweetpay/config.yaml.
func (c *Config) findFile(dir string, flagVal func(string) (string, bool), env func(string) (string, bool)) error {
	explicit := func(p string, src Source, origin string) error {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		c.Path, c.PathSource = p, src
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.IsDir():
			return fmt.Errorf("%w: config file %s (from %s) is a directory", ErrInvalid, p, origin)
		case err == nil:
			c.Exists = true
		case errors.Is(err, fs.ErrNotExist):
			c.Exists = false
		default:
			return fmt.Errorf("%w: config file %s: %v", ErrInvalid, p, err)
		}
		return nil
	}
	if p, ok := flagVal("config"); ok && p != "" {
		return explicit(p, SourceFlag, "--config")
	}
	if p, ok := env("TWEETPAY_CONFIG"); ok {
		return explicit(p, SourceEnv, "TWEETPAY_CONFIG")
	}
	local := filepath.Join(dir, "tweetpay.yaml")
	if fi, err := os.Stat(local); err == nil && !fi.IsDir() {
		c.Path, c.PathSource, c.Exists = local, SourceFile, true
		return nil
	}
	if x := xdgDir(env, "XDG_CONFIG_HOME", ".config"); x != "" {
		p := filepath.Join(x, "tweetpay", "config.yaml")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			c.Path, c.PathSource, c.Exists = p, SourceFile, true
			return nil
		}
	}
	c.Path, c.PathSource = local, SourceDefault
	return nil
}

func xdgDir(env func(string) (string, bool), name, homeRel string) string {
	if v, ok := env(name); ok && filepath.IsAbs(v) {
		return v
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, homeRel)
}

func (c *Config) defaultStateDir(env func(string) (string, bool)) string {
	if c.Exists {
		return filepath.Join(filepath.Dir(c.Path), ".tweetpay")
	}
	if x := xdgDir(env, "XDG_STATE_HOME", filepath.Join(".local", "state")); x != "" {
		return filepath.Join(x, "tweetpay")
	}
	return filepath.Join(os.TempDir(), "tweetpay-state")
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is %d bytes; a config file may be at most %d bytes", ErrInvalid, path, fi.Size(), MaxFileSize)
	}
	// Read to the end rather than the size Stat gives: a pipe (--config
	// <(...), /dev/stdin) has a size of 0, and its content would be lost.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrInvalid, path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %s is more than %d bytes; a config file may be at most %d bytes", ErrInvalid, path, MaxFileSize, MaxFileSize)
	}
	return data, nil
}

// parseFile parses the YAML and checks every key and type against the
// schema. It returns nil for an empty file. A file that is not YAML is an
// error; a second document and the schema's problems are added to k (all of
// them, or the first), and the root is returned all the same.
func parseFile(path string, data []byte, k *collector) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	// A message may quote the file ("got \"api_key:sk_test_...\"" for a
	// missing space): its keys are masked.
	problem := func(err error) Problem {
		if line, msg, ok := yamlcheck.At(err); ok {
			return fileProblem(path, line, "%s", MaskSecrets(msg))
		}
		return fileProblem(path, 0, "%s", MaskSecrets(err.Error()))
	}
	// One pass of the parser reads the first document and what follows
	// it. Everything after a "---" would be left out without a word:
	// buyers that never load, a live key that is never refused. A syntax
	// error, in the first document or a later one, stops everything.
	doc, next, err := parseDocuments(data)
	if err != nil {
		return nil, Problems{problem(err)}
	}
	if next != nil && k.add(fileProblem(path, next.Line,
		"a second YAML document starts here, and only the first is read: move its keys above the --- line, or remove it")) {
		return nil, nil
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if !k.all {
		if err := yamlcheck.Check(root, schema, ""); err != nil {
			k.add(problem(err))
			return nil, nil
		}
		return root, nil
	}
	for _, err := range yamlcheck.CheckAll(root, schema, "") {
		k.add(problem(err))
	}
	if root.Kind != yaml.MappingNode {
		return nil, nil // nothing more to read in it
	}
	// A duplicate key, reported above, would fail the decoding of the whole
	// file: the first value is read, as for a key that is not duplicated.
	dropDuplicateKeys(root)
	return root, nil
}

// parseDocuments parses a config file, once: its first document, and the
// first one after it that holds something. A variable, so that tests can
// count the parses.
var parseDocuments = yamlcheck.Documents

// dropDuplicateKeys removes from the mappings under n every key that an
// earlier key of the same mapping repeats, with its value.
func dropDuplicateKeys(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; !seen[k.Value] {
				seen[k.Value] = true
				kept = append(kept, k, n.Content[i+1])
			}
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		dropDuplicateKeys(c)
	}
}

// settingsOnly returns root, a mapping, without its offers and buyers.
func settingsOnly(root *yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: root.Line, Column: root.Column}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "offers" && k != "buyers" {
			n.Content = append(n.Content, root.Content[i], root.Content[i+1])
		}
	}
	return n
}

func lookupScalar(root *yaml.Node, key string) string {
	n := lookupNode(root, key)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// lookupNode returns the node of a dotted key, or nil.
func lookupNode(root *yaml.Node, key string) *yaml.Node {
	n := root
	for _, part := range strings.Split(key, ".") {
		if n = yamlcheck.MapValue(n, part); n == nil {
			return nil
		}
	}
	return n
}

// validate checks the settings, adding their problems to k; it reports
// whether loading stops there.
func (c *Config) validate(k *collector) (stop bool) {
	// Each problem is placed where the value came from: the user may not
	// know that an environment variable or a flag overrides the file.
	bad := func(key, format string, args ...any) bool {
		return k.add(c.settingProblem(key, format, args...))
	}
	switch c.Backend {
	case BackendEmulator, BackendStripe:
	default:
		if bad("stripe.backend", "backend %q is not one of emulator, stripe", c.Backend) {
			return true
		}
	}
	if c.APIBase != "" {
		u, err := url.Parse(c.APIBase)
		if (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") &&
			bad("stripe.api_base", "api base %q is not an http:// or https:// address", c.APIBase) {
			return true
		}
	}
	if err := checkKeyChars(c.APIKey); err != "" {
		if bad("stripe.api_key", "%s", err) {
			return true
		}
	} else if p := keyPrefix(c.APIKey); p != "" && p == c.APIKey {
		if bad("stripe.api_key", "API key %s has nothing after its prefix: copy the whole key from the Stripe dashboard", c.APIKey) {
			return true
		}
	} else if c.APIKey != "" && !knownKeyPrefix(c.APIKey) {
		if bad("stripe.api_key", "API key %s is not a secret key: it should start with sk_test_ or rk_test_ (sk_live_ and rk_live_ need --live)", MaskKey(c.APIKey)) {
			return true
		}
	}
	if !country.Valid(c.Merchant.Country) &&
		bad("merchant.country", "merchant.country %q is not an ISO 3166-1 alpha-2 code: %s", c.Merchant.Country, country.Advice(c.Merchant.Country)) {
		return true
	}
	currencyOK := len(c.Merchant.Currency) == 3 && isUpperAlpha(strings.ToUpper(c.Merchant.Currency))
	if !currencyOK && bad("merchant.currency", "merchant.currency %q is not a three-letter currency code such as usd", c.Merchant.Currency) {
		return true
	}
	return c.validateMerchant(bad, currencyOK)
}

// FallbackLockTimeout is the lock timeout of a command that runs even when
// the configuration does not load (config init --force replaces a broken
// file): $TWEETPAY_LOCK_TIMEOUT when it is a valid duration, else
// DefaultLockTimeout.
func FallbackLockTimeout(lookupEnv func(string) (string, bool)) time.Duration {
	if v, ok := lookupEnv("TWEETPAY_LOCK_TIMEOUT"); ok {
		if d, err := ParseTimeout(v); err == nil {
			return d
		}
	}
	return DefaultLockTimeout
}

// ParseTimeout parses a request timeout: a positive Go duration such as 30s,
// 2m or 500ms. Its errors say what is wanted, not the value, which the
// caller names with where it came from.
func ParseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	switch {
	case err != nil && strings.Trim(s, "0123456789.") == "" && strings.ContainsAny(s, "0123456789"):
		return 0, fmt.Errorf("want a duration with a unit, such as %ss", s)
	case err != nil || d <= 0:
		return 0, errors.New("want a positive duration such as 30s, 2m or 500ms")
	}
	return d, nil
}

func isUpperAlpha(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return s != ""
}

// isKeyChar reports whether r may appear in a Stripe key: an ASCII letter,
// digit or underscore.
func isKeyChar(r rune) bool {
	return r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '_')
}

// checkKeyChars returns what is wrong with a key holding a character no
// Stripe key has, or "". Whitespace around the key is already trimmed, so
// what is left is a space inside it, a quote, a control character or a
// character from outside ASCII, which Stripe would answer with a 401. The
// message never shows the key beyond its prefix, nor the character itself
// when it cannot be printed.
func checkKeyChars(key string) string {
	n := 0
	for i, r := range key {
		n++
		if isKeyChar(r) {
			continue
		}
		what := describeKeyChar(r)
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(key[i:]); size == 1 {
				what = fmt.Sprintf("a byte that is not UTF-8 (0x%02x)", key[i])
			}
		}
		shown := "API key"
		if p := keyPrefix(key); p != "" && i >= len(p) {
			shown = "API key " + p + "…"
		}
		return fmt.Sprintf("%s has %s at character %d: a Stripe key holds only letters, digits and underscores; copy it again from the Stripe dashboard", shown, what, n)
	}
	return ""
}

func describeKeyChar(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == '\t':
		return "a tab"
	case r == '\n' || r == '\r':
		return "a line break"
	case r == '"' || r == '\'' || r == '`':
		return fmt.Sprintf("a quote (%c)", r)
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf("a control character (U+%04X)", r)
	case r >= utf8.RuneSelf && unicode.IsSpace(r):
		return fmt.Sprintf("a non-ASCII space (U+%04X)", r)
	case r >= utf8.RuneSelf && unicode.IsPrint(r):
		return fmt.Sprintf("a non-ASCII character (%c, U+%04X)", r, r)
	case r >= utf8.RuneSelf:
		return fmt.Sprintf("a non-ASCII character (U+%04X)", r)
	}
	return fmt.Sprintf("a %q", string(r))
}

// keyPrefixes start Stripe's secret and restricted keys.
var keyPrefixes = []string{"sk_test_", "rk_test_", "sk_live_", "rk_live_"}

// keyPrefix returns the prefix among keyPrefixes that k starts with, or "".
func keyPrefix(k string) string {
	for _, p := range keyPrefixes {
		if strings.HasPrefix(k, p) {
			return p
		}
	}
	return ""
}

// knownKeyPrefix reports whether k is a secret or restricted key: one of
// keyPrefixes and something after it.
func knownKeyPrefix(k string) bool {
	p := keyPrefix(k)
	return p != "" && len(k) > len(p)
}

// IsLiveKey reports whether key is a live-mode secret or restricted key.
func IsLiveKey(key string) bool {
	return strings.HasPrefix(key, "sk_live_") || strings.HasPrefix(key, "rk_live_")
}

// CheckCredentials returns the key to send and refuses what must not be
// used: a live key without --live, a live key on the emulator, or no key for
// Stripe. It makes no network call.
func (c *Config) CheckCredentials() (string, error) {
	key := c.APIKey
	if IsLiveKey(key) {
		if !c.Live {
			return "", fmt.Errorf("%w (refusing %s; pass --live to use a live key)", ErrLiveKey, MaskKey(key))
		}
		if c.Backend == BackendEmulator {
			return "", fmt.Errorf("%w: the emulator is test mode only; a live key is for --backend stripe", ErrInvalid)
		}
	}
	if key == "" {
		if c.Backend == BackendStripe {
			return "", fmt.Errorf("%w: no API key for the stripe backend: set TWEETPAY_API_KEY (or STRIPE_API_KEY) or --api-key", ErrInvalid)
		}
		key = EmulatorKey
	}
	return key, nil
}

// MaskKey shows a key's kind and last four characters only: sk_test_…9f3a.
// A loaded key holds only letters, digits and underscores, but MaskKey also
// masks raw values (an environment variable as set, a string quoted in an
// error): it counts characters, not bytes, so that a multi-byte character
// is never cut in two, and it shows a part only when that part is made of
// key characters, so that it never prints a control character.
func MaskKey(key string) string {
	if key == "" {
		return ""
	}
	prefix := ""
	if i := strings.Index(key, "_"); i >= 0 {
		if j := strings.Index(key[i+1:], "_"); j >= 0 {
			prefix = key[:i+1+j+1]
		}
	}
	rest := []rune(key[len(prefix):])
	if !isKeyString(prefix) {
		prefix = ""
	}
	if len(rest) <= 8 || !isKeyString(string(rest[len(rest)-4:])) {
		return prefix + "…"
	}
	return prefix + "…" + string(rest[len(rest)-4:])
}

// isKeyString reports whether every character of s may appear in a key.
func isKeyString(s string) bool {
	for _, r := range s {
		if !isKeyChar(r) {
			return false
		}
	}
	return true
}

// MaskSecrets masks, as MaskKey does, everything in s that looks like a
// Stripe secret or restricted key (sk_test_, sk_live_, rk_test_, rk_live_
// and letters or digits).
func MaskSecrets(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := nextSecret(s, i)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		end := j + len("sk_test_")
		for end < len(s) && isAlnum(s[end]) {
			end++
		}
		b.WriteString(s[i:j])
		if end == j+len("sk_test_") {
			// A prefix alone ("start with sk_test_") holds no secret.
			b.WriteString(s[j:end])
		} else {
			b.WriteString(MaskKey(s[j:end]))
		}
		i = end
	}
	return b.String()
}

// nextSecret returns where the next key prefix starts in s from i, or -1.
func nextSecret(s string, i int) int {
	first := -1
	for _, p := range keyPrefixes {
		if k := strings.Index(s[i:], p); k >= 0 && (first < 0 || i+k < first) {
			first = i + k
		}
	}
	return first
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Redact replaces every occurrence of key in s with its masked form.
func Redact(s, key string) string {
	if key == "" || len(key) < 8 {
		return s
	}
	return strings.ReplaceAll(s, key, MaskKey(key))
}
