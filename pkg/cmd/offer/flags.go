package offer

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/offer"
)

// Fields are the offer fields given on the command line, shared by
// `offer create` and `offer update`. Set names the flags that were given, so
// that update changes only those.
type Fields struct {
	Name           string
	Description    string
	Price          string
	Currency       string
	Stock          int
	PerBuyerLimit  int
	Countries      []string
	ConfirmHashtag string
	ConfirmWindow  string
	Starts         string
	Ends           string

	// Set holds the names of the flags given ("price", "stock", ...).
	Set map[string]bool
}

// Flag names, which are also the keys of Fields.Set.
const (
	flagName          = "name"
	flagDescription   = "description"
	flagPrice         = "price"
	flagCurrency      = "currency"
	flagStock         = "stock"
	flagPerBuyer      = "per-buyer-limit"
	flagCountries     = "countries"
	flagConfirmTag    = "confirm-hashtag"
	flagConfirmWindow = "confirm-window"
	flagStarts        = "starts"
	flagEnds          = "ends"
)

var fieldFlags = []string{flagName, flagDescription, flagPrice, flagCurrency, flagStock, flagPerBuyer,
	flagCountries, flagConfirmTag, flagConfirmWindow, flagStarts, flagEnds}

func addFieldFlags(fs *pflag.FlagSet, f *Fields) {
	fs.StringVar(&f.Name, flagName, "", "Product `name`, as buyers see it")
	fs.StringVar(&f.Description, flagDescription, "", "Product `description` (not part of the tweet)")
	fs.StringVar(&f.Price, flagPrice, "", "The `price` in major units of the currency: 12.50, or 500 for jpy")
	fs.StringVar(&f.Currency, flagCurrency, "", "Lowercase ISO 4217 `code` (default: the merchant's)")
	fs.IntVar(&f.Stock, flagStock, 0, "Units that can be sold in all (default: no limit)")
	fs.IntVar(&f.PerBuyerLimit, flagPerBuyer, 0, "Units one buyer may buy (default: no limit)")
	fs.StringSliceVar(&f.Countries, flagCountries, nil, "Buyers' `countries` allowed, such as US,CA (default: the merchant's)")
	fs.StringVar(&f.ConfirmHashtag, flagConfirmTag, "", "Authorise on purchase, capture when the buyer tweets this `hashtag`")
	fs.StringVar(&f.ConfirmWindow, flagConfirmWindow, "", "How long buyers have to confirm, a `duration`: 15m, 2h, 1d (default 15m)")
	fs.StringVar(&f.Starts, flagStarts, "", "RFC 3339 `time` the sale opens")
	fs.StringVar(&f.Ends, flagEnds, "", "RFC 3339 `time` the sale closes")
}

// collect records which field flags were given.
func (f *Fields) collect(cmd *cobra.Command) {
	f.Set = map[string]bool{}
	for _, name := range fieldFlags {
		if cmd.Flags().Changed(name) {
			f.Set[name] = true
		}
	}
}

// countries returns the given countries, trimmed and upper-cased, each once.
func (f *Fields) countries() []string {
	var out []string
	for _, c := range f.Countries {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// apply writes the given fields into o.
func (f *Fields) apply(o *offer.Offer) {
	if f.Set[flagName] {
		o.Name = f.Name
	}
	if f.Set[flagDescription] {
		o.Description = f.Description
	}
	if f.Set[flagPrice] {
		o.Price = strings.TrimSpace(f.Price)
	}
	if f.Set[flagCurrency] {
		o.Currency = strings.ToLower(strings.TrimSpace(f.Currency))
	}
	if f.Set[flagStock] {
		n := f.Stock
		o.Stock = &n
	}
	if f.Set[flagPerBuyer] {
		n := f.PerBuyerLimit
		o.PerBuyerLimit = &n
	}
	if f.Set[flagCountries] {
		o.Countries = f.countries()
	}
	if f.Set[flagConfirmTag] || f.Set[flagConfirmWindow] {
		c := offer.Confirm{}
		if o.Confirm != nil {
			c = *o.Confirm
		}
		if f.Set[flagConfirmTag] {
			c.Hashtag = strings.TrimLeft(strings.TrimSpace(f.ConfirmHashtag), "#＃")
		}
		if f.Set[flagConfirmWindow] {
			c.Window = strings.TrimSpace(f.ConfirmWindow)
		}
		o.Confirm = &c
	}
	if f.Set[flagStarts] {
		o.Starts = strings.TrimSpace(f.Starts)
	}
	if f.Set[flagEnds] {
		o.Ends = strings.TrimSpace(f.Ends)
	}
}

// checkConfirm refuses --confirm-window without a confirmation hashtag to
// apply it to: a usage error, found before any file is read when possible.
func checkConfirmFlags(f *Fields, creating bool) error {
	if creating && f.Set[flagConfirmWindow] && !f.Set[flagConfirmTag] {
		return cmdutil.FlagErrorf("--confirm-window needs --confirm-hashtag")
	}
	return nil
}
