package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tweetpay/tweetpay/internal/fserr"
)

// Starter is the commented file written by `config init`.
const Starter = `# tweetpay.yaml: tweetable offers, test buyers and where payments go.
# Reference: tweetpay config show (effective values and where they come from).

merchant:
  handle: "@bluemugco"        # who posts the offers and the replies
  country: US                 # buyers elsewhere are refused unless an offer allows them
  currency: usd               # default currency of offers
  # user_id: "2244994945"     # optional: the account's Twitter user ID, for tweets that give only an author_id

stripe:
  backend: emulator           # emulator (offline, the default) or stripe (test mode)
  # api_key: ""               # prefer the TWEETPAY_API_KEY environment variable
  # api_base: ""              # e.g. http://127.0.0.1:12111 for 'tweetpay emulator serve'
  # timeout: 80s              # for each request to Stripe or api_base, each retry alike

offers:
  - hashtag: BuyBlueMug       # a purchase by tweeting #BuyBlueMug
    name: Blue Mug
    price: "12.50"            # in major units of the currency
    stock: 100                # optional
    per_buyer_limit: 1        # optional
    # countries: [US, CA]     # optional; default: the merchant's country
    # confirm:                # optional: authorise, then capture on #ConfirmBlueMug
    #   hashtag: ConfirmBlueMug
    #   window: 15m
  - gift_handle: tweetacoffee # a gift by tweeting "@tweetacoffee to @friend"
    name: Coffee eGift
    price: "5.00"

buyers:
  - handle: "@alice"
    card: visa                # an alias (visa, mastercard, amex, declined, insufficient_funds, ...),
    country: US               #   a test card number, or a pm_card_* token
    # user_id: "2244994945"   # optional: the Twitter user ID, for v2 tweets naming only their author_id
`

// WriteStarter writes Starter to path with mode 0600, replacing any file
// there atomically.
func WriteStarter(path string) error {
	return WriteFileAtomic(path, []byte(Starter), 0o600)
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so that a crash never leaves a half-written file. A
// symbolic link at path is followed, so the link survives, as edits of the
// file keep it. Something at path that is not a regular file (a device such
// as /dev/null or /dev/stdout, a named pipe) is written to in place, as a
// shell redirection would, never replaced by a file. Errors name path, never
// the temporary file.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return writeInPlace(path, data)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return writeErr(path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return writeErr(path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return writeErr(path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return writeErr(path, err)
	}
	if err := tmp.Close(); err != nil {
		return writeErr(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return writeErr(path, err)
	}
	return nil
}

// writeInPlace writes data to the device or pipe at path.
func writeInPlace(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return writeErr(path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return writeErr(path, err)
	}
	if err := f.Close(); err != nil {
		return writeErr(path, err)
	}
	return nil
}

// writeErr reports a failure to write path, naming path and not the
// temporary file.
func writeErr(path string, err error) error { return fserr.Wrap("write", path, err) }
