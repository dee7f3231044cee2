// Package charges holds the `tweetpay charges` commands: list, show, refund
// and summarise the charges that simulated purchases left at the provider.
package charges

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/money"
)

// NewCmdCharges returns the charges noun with its verbs.
func NewCmdCharges(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.Group("charges", "Inspect, refund and summarise charges",
		`Inspect the charges that simulated purchases left at the payment provider
(the configured backend: the embedded emulator by default, or Stripe), with
the tweet, offer and buyer that tweetpay records in each charge's metadata.
list, show and summary only read; refund writes, once per charge and amount.

Amounts typed on the command line are in major units of the currency
("12.50"); in JSON they are integer minor units with a lowercase currency.`,
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdRefund(f, nil),
		NewCmdSummary(f, nil),
	)
}

// filterFlags checks --offer and --buyer while flags are parsed, so that a
// bad value is a usage error naming its flag. An explicitly empty value is
// refused too: it would silently select every charge.
func filterFlags(fl *pflag.FlagSet, q charges.Query) error {
	for _, f := range []struct {
		name, value, example string
		check                func(string) string
	}{
		{"offer", q.Offer, "a hashtag or gift handle such as BuyBlueMug or @tweetacoffee", charges.CheckOffer},
		{"buyer", q.Buyer, "a handle such as @alice", charges.CheckBuyer},
	} {
		if !fl.Changed(f.name) {
			continue
		}
		if strings.TrimSpace(f.value) == "" {
			return cmdutil.FlagErrorf("--%s is empty: give %s, or omit it", f.name, f.example)
		}
		if p := f.check(f.value); p != "" {
			return cmdutil.FlagErrorf("--%s %q %s", f.name, f.value, p)
		}
	}
	return nil
}

// timeFlags checks --since and --until, and the query they complete, while
// flags are parsed, so that a bad value is a usage error.
func timeFlags(q charges.Query, since, until string, now time.Time) error {
	_, err := withTimes(q, since, until, now)
	return err
}

// withTimes returns q with Since and Until parsed from the flags' values;
// now is the reference of durations ("24h" ago).
func withTimes(q charges.Query, since, until string, now time.Time) (charges.Query, error) {
	if since != "" {
		t, err := charges.ParseTime(since, now)
		if err != nil {
			return q, cmdutil.FlagErrorf("--since: %w", err)
		}
		q.Since = t
	}
	if until != "" {
		t, err := charges.ParseUntil(until, now)
		if err != nil {
			return q, cmdutil.FlagErrorf("--until: %w", err)
		}
		q.Until = t
	}
	if err := q.Validate(); err != nil {
		return q, cmdutil.FlagErrorWrap(err)
	}
	return q, nil
}

// formatAmount writes minor units for people ("$12.50").
func formatAmount(minor int64, currency string) string {
	return money.Format(minor, currency)
}

// relative writes how long ago t was, for terminals.
func relative(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t.UTC().Format(time.RFC3339)
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
	return t.UTC().Format(time.DateOnly)
}

// jsonArray writes a JSON array one element at a time, so that a long list
// is never held in memory. The layout matches output.WriteJSON's.
type jsonArray struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
	err error
}

func newJSONArray(w *bufio.Writer) *jsonArray {
	a := &jsonArray{w: w}
	a.enc = json.NewEncoder(&a.buf)
	a.enc.SetIndent("  ", "  ")
	a.enc.SetEscapeHTML(false)
	return a
}

// Write adds one element.
func (a *jsonArray) Write(v any) error {
	if a.err != nil {
		return a.err
	}
	a.buf.Reset()
	if err := a.enc.Encode(v); err != nil {
		a.err = err
		return err
	}
	if a.n == 0 {
		a.w.WriteString("[\n  ")
	} else {
		a.w.WriteString(",\n  ")
	}
	a.n++
	_, a.err = a.w.Write(bytes.TrimSuffix(a.buf.Bytes(), []byte("\n")))
	return a.err
}

// Close ends the array; an empty one is written "[]".
func (a *jsonArray) Close() error {
	if a.err != nil {
		return a.err
	}
	if a.n == 0 {
		_, a.err = a.w.WriteString("[]\n")
	} else {
		_, a.err = a.w.WriteString("\n]\n")
	}
	return a.err
}
