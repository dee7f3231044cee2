package charges

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/cmdutil"
	"github.com/tweetpay/tweetpay/pkg/iostreams"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/output"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// RefundOptions are the inputs of `charges refund`.
type RefundOptions struct {
	IO      *iostreams.IOStreams
	Gateway func() (payment.Gateway, error)

	Input  charges.RefundInput
	Output output.Format
}

// NewCmdRefund returns `charges refund`.
func NewCmdRefund(f *cmdutil.Factory, runF func(context.Context, *RefundOptions) error) *cobra.Command {
	opts := &RefundOptions{IO: f.IOStreams, Gateway: f.Gateway}
	cmd := &cobra.Command{
		Use:   "refund ID",
		Short: "Refund a charge in full or in part",
		Long: `Refund a charge: what is left of it, or --amount in major units of the
charge's currency ("5.00", "500" for JPY). ID is a charge ID (ch_...) or a
payment intent ID (pi_...), which stands for its latest charge, as in
charges show.

A refund is made once: the request carries an idempotency key derived from
the charge and the amount (tweetpay:refund:<charge>:<minor units or "full">),
and the refund keeps that key in its metadata, so running the same command
again refunds nothing, says the refund was already made (by which refund
ID), and exits 0. So do two runs at the same moment: one refunds, and the
other, answered by the provider with the first one's refund replayed from
the key, says it was already made. To refund another part of a charge, give
a different amount.

A failed charge, a fully refunded charge, and an amount above what is left
are refused before anything is sent, with what can still be refunded. So is
an authorisation that was released without being captured (its confirmation
window closed): no money was taken, so there is nothing to refund. Refunding
an authorisation still awaiting capture releases it, in full only.

With -o json, one object: id, charge, amount, currency, status, reason (null
when none was given), created, duplicate (true when the refund had already
been made, by this or another run: nothing was refunded this time, and id
is that refund's), released (true when the charge was an authorisation never
captured, which the refund released), charge_amount, charge_amount_refunded
and left (minor units).

Exit status: 0 when refunded or already refunded; 3 for an unknown charge, a
charge that cannot be refunded (failed, released or fully refunded) or an
amount above what is left; 2 for a bad flag or amount; 4 for a bad
configuration or key; 6 when the provider is unavailable.`,
		Example: `  tweetpay charges refund "$(tweetpay charges list --offer BuyBlueMug --status succeeded -L 1 | cut -f1)"
  tweetpay charges refund "$(tweetpay charges list --buyer @alice -L 1 | cut -f1)" --amount 5.00 --reason requested_by_customer`,
		Args: cmdutil.ExactArgs(1, "a charge ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Input.Charge = strings.TrimSpace(args[0])
			if opts.Input.Charge == "" {
				return cmdutil.FlagErrorf("the charge ID is empty")
			}
			if opts.Input.Reason != "" && !slices.Contains(charges.RefundReasons, opts.Input.Reason) {
				return cmdutil.FlagErrorf("--reason %q is not one of %s", opts.Input.Reason, strings.Join(charges.RefundReasons, ", "))
			}
			if cmd.Flags().Changed("amount") {
				if strings.TrimSpace(opts.Input.Amount) == "" {
					return cmdutil.FlagErrorf("--amount is empty; omit it to refund what is left")
				}
				// Its decimals depend on the charge's currency, checked once
				// the charge is read; what no currency accepts is refused now.
				if err := money.CheckSyntax(opts.Input.Amount); err != nil {
					return cmdutil.FlagErrorWrap(fmt.Errorf("amount: %w", err))
				}
				if strings.Trim(strings.TrimSpace(opts.Input.Amount), "0.") == "" {
					return cmdutil.FlagErrorf("amount: %v: %q: a refund must be more than 0", money.ErrInvalid, opts.Input.Amount)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return refundRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Input.Amount, "amount", "", "Refund this `amount` in major units (default: what is left)")
	cmd.Flags().StringVar(&opts.Input.Reason, "reason", "", "The `reason`: "+strings.Join(charges.RefundReasons, ", "))
	output.AddFlag(cmd, &opts.Output)
	_ = cmd.RegisterFlagCompletionFunc("reason", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return charges.RefundReasons, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func refundRun(ctx context.Context, opts *RefundOptions) error {
	gw, err := opts.Gateway()
	if err != nil {
		return err
	}
	r, err := charges.Refund(ctx, gw, opts.Input)
	if err != nil {
		if errors.Is(err, money.ErrInvalid) {
			// The amount is checked against the charge's currency, so it can
			// only be judged here; it is still a bad flag value.
			return cmdutil.FlagErrorWrap(err)
		}
		return err
	}
	if opts.Output == output.JSON {
		return output.WriteJSON(opts.IO.Out, r)
	}
	amt := formatAmount(r.Amount, r.Currency)
	left := formatAmount(r.Left, r.Currency)
	switch {
	case r.Released && r.Duplicate:
		output.Fprintf(opts.IO.ErrOut, "✓ Already released: the authorisation of %s on charge %s, by %s; nothing done\n", amt, r.Charge, r.ID)
	case r.Released:
		output.Fprintf(opts.IO.ErrOut, "✓ Released the authorisation of %s on charge %s: it was never captured, so no money was taken\n", amt, r.Charge)
	case r.Duplicate:
		output.Fprintf(opts.IO.ErrOut, "✓ Already refunded: %s of charge %s by %s; nothing done (%s left)\n", amt, r.Charge, r.ID, left)
	default:
		output.Fprintf(opts.IO.ErrOut, "✓ Refunded %s of charge %s (%s left)\n", amt, r.Charge, left)
	}
	fmt.Fprintln(opts.IO.Out, output.Escape(r.ID))
	return nil
}
