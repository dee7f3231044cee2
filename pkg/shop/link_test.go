package shop

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/payment"
)

// failingAttach is a gateway whose AttachPaymentMethod fails with err.
type failingAttach struct {
	payment.Gateway
	err error
}

func (g failingAttach) AttachPaymentMethod(context.Context, string, string, string) (payment.PaymentMethod, error) {
	return payment.PaymentMethod{}, g.err
}

// noRequests is a gateway that fails the test on any request.
type noRequests struct {
	payment.Gateway
	t *testing.T
}

func (g noRequests) FindCustomer(context.Context, string) (payment.Customer, bool, error) {
	g.t.Error("FindCustomer called")
	return payment.Customer{}, false, errors.New("no requests")
}

func (g noRequests) CreateCustomer(context.Context, payment.Customer, string) (payment.Customer, error) {
	g.t.Error("CreateCustomer called")
	return payment.Customer{}, errors.New("no requests")
}

// TestLinkRefusedCardLeavesNoCustomer: a card that cannot be attached
// fails the link with the provider's error, and the Customer created for it
// is deleted; the next link, with another card or the same one again,
// works as on a fresh state.
func TestLinkRefusedCardLeavesNoCustomer(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	nope := Account{Handle: "newguy", Card: mustCard(t, "pm_card_nope")}
	// Each link says what is wrong with the card, following the chain of
	// Customers the links before it created and deleted, until the chain
	// is as long as an idempotency key allows; then it says so.
	for i := 1; ; i++ {
		_, err := Link(ctx, f.gw, nope)
		if !errors.Is(err, payment.ErrNotFound) {
			t.Fatalf("link %d with pm_card_nope: %v, want not found", i, err)
		}
		if n := f.customers(t); n != 0 {
			t.Fatalf("link %d left %d customers", i, n)
		}
		if strings.Contains(err.Error(), "No such PaymentMethod: 'pm_card_nope'") {
			if i > 10 {
				t.Fatalf("link %d still creates a customer", i)
			}
			continue
		}
		if want := "the customers created for card pm_card_nope before were deleted"; i < 3 || !strings.Contains(err.Error(), want) {
			t.Fatalf("link %d: %v, want %q after at least 2 links", i, err, want)
		}
		break
	}
	l, err := Link(ctx, f.gw, Account{Handle: "newguy", Name: "New Guy", Card: mustCard(t, "visa")})
	if err != nil || !l.Created || !l.Attached {
		t.Fatalf("link with visa: %+v %v", l, err)
	}
	c, found, err := f.gw.FindCustomer(ctx, CustomerEmail("newguy"))
	if err != nil || !found || c.ID != l.Customer || c.Name != "New Guy" || c.Metadata[MetaCard] != "pm_card_visa" ||
		c.Metadata[MetaHandle] != "newguy" || c.DefaultPaymentMethod != l.PaymentMethod {
		t.Fatalf("customer %+v (%v, %v), want %+v", c, found, err, l)
	}
	if n := f.customers(t); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}

	// A refused card on a Customer that was there before keeps it, and
	// its card.
	if _, err := Link(ctx, f.gw, Account{Handle: "newguy", Card: mustCard(t, "pm_card_nope")}); !errors.Is(err, payment.ErrNotFound) {
		t.Fatalf("relink with pm_card_nope: %v", err)
	}
	if c2, found, _ := f.gw.FindCustomer(ctx, CustomerEmail("newguy")); !found || c2.ID != c.ID || c2.Metadata[MetaCard] != "pm_card_visa" {
		t.Fatalf("existing customer after a refused card: %+v %v", c2, found)
	}

	// A Customer deleted after a failed link does not come back through
	// its creation key (replayed for 24 hours) when the same card links.
	l, err = Link(ctx, failingAttach{f.gw, &payment.Error{Kind: payment.ErrDeclined, Code: "card_declined"}},
		Account{Handle: "ann", Card: mustCard(t, "visa")})
	if !errors.Is(err, payment.ErrDeclined) {
		t.Fatalf("declined attach: %+v %v", l, err)
	}
	if n := f.customers(t); n != 1 {
		t.Fatalf("%d customers after a declined attach, want 1", n)
	}
	if l, err = Link(ctx, f.gw, Account{Handle: "ann", Card: mustCard(t, "visa")}); err != nil || !l.Created {
		t.Fatalf("link after a declined attach: %+v %v", l, err)
	}
	if _, found, _ := f.gw.FindCustomer(ctx, CustomerEmail("ann")); !found {
		t.Fatal("ann has no customer")
	}
}

// TestLinkUnavailableKeepsCustomer: when the attach may or may not have
// happened, the Customer is kept and a retry completes the link on it.
func TestLinkUnavailableKeepsCustomer(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	a := Account{Handle: "bob", Card: mustCard(t, "visa")}
	_, err := Link(ctx, failingAttach{f.gw, &payment.Error{Kind: payment.ErrUnavailable, Message: "network error"}}, a)
	if !errors.Is(err, payment.ErrUnavailable) {
		t.Fatalf("unavailable attach: %v", err)
	}
	first, found, err := f.gw.FindCustomer(ctx, CustomerEmail("bob"))
	if err != nil || !found {
		t.Fatalf("customer not kept: %v", err)
	}
	l, err := Link(ctx, f.gw, a)
	if err != nil || l.Created || !l.Attached || l.Customer != first.ID {
		t.Fatalf("retry: %+v %v, want the card attached to %s", l, err, first.ID)
	}
}

// TestLinkChecksFirst: a bad handle or card is refused before any request.
func TestLinkChecksFirst(t *testing.T) {
	gw := noRequests{t: t}
	for _, a := range []Account{
		{Handle: "not a handle", Card: buyer.Card{Input: "visa", Token: "pm_card_visa"}},
		{Handle: "", Card: buyer.Card{Input: "visa", Token: "pm_card_visa"}},
		{Handle: "alice"},
		{Handle: "alice", Card: buyer.Card{Input: "4242", Token: "4242424242424242"}},
		{Handle: "alice", Card: buyer.Card{Input: "x", Token: "pm_card_a/b"}},
	} {
		if _, err := Link(context.Background(), gw, a); !errors.Is(err, buyer.ErrInvalid) {
			t.Errorf("%+v: %v, want invalid buyer", a, err)
		}
	}
	// Named as every buyer error is: the kind, then which buyer.
	_, err := Link(context.Background(), gw, Account{Handle: "alice"})
	if want := "invalid buyer: buyer @alice: no card given"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("no card: %v, want %q...", err, want)
	}
}

// TestLinkAfterCustomerDeleted: a linked buyer whose Customer was deleted
// (from the dashboard, say) is linked to a new Customer by the next link,
// though the creation key of the first link still replays the deleted one,
// and the attach and update that completed it would be replayed too.
func TestLinkAfterCustomerDeleted(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	a := Account{Handle: "bob", Card: mustCard(t, "visa")}
	first, err := Link(ctx, f.gw, a)
	if err != nil || !first.Created {
		t.Fatalf("first link: %+v %v", first, err)
	}
	if err := f.gw.DeleteCustomer(ctx, first.Customer); err != nil {
		t.Fatal(err)
	}
	l, err := Link(ctx, f.gw, a)
	if err != nil || !l.Created || !l.Attached || l.Customer == first.Customer {
		t.Fatalf("link after the deletion: %+v %v, want a new customer other than %s", l, err, first.Customer)
	}
	c, found, err := f.gw.FindCustomer(ctx, CustomerEmail("bob"))
	if err != nil || !found || c.ID != l.Customer || c.DefaultPaymentMethod != l.PaymentMethod {
		t.Fatalf("customer %+v (%v, %v), want %+v", c, found, err, l)
	}
	if again, err := Link(ctx, f.gw, a); err != nil || again.Changed || again.Customer != l.Customer {
		t.Fatalf("link again: %+v %v, want nothing changed on %s", again, err, l.Customer)
	}

	// Deleted again, it is replaced again: the link follows the chain of
	// replayed keys to its end.
	if err := f.gw.DeleteCustomer(ctx, l.Customer); err != nil {
		t.Fatal(err)
	}
	third, err := Link(ctx, f.gw, a)
	if err != nil || !third.Created || third.Customer == l.Customer || third.Customer == first.Customer {
		t.Fatalf("link after the second deletion: %+v %v", third, err)
	}
	if n := f.customers(t); n != 1 {
		t.Fatalf("%d customers, want 1", n)
	}
}

// TestLinkRenames: the Customer's name follows the buyer's on a link that
// finds the card already on file, back and forth (a request keyed by the
// name would replay the first rename and leave the second name), and to the
// @handle when the name is dropped; a link with nothing new writes nothing.
func TestLinkRenames(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	visa := mustCard(t, "visa")
	first, err := Link(ctx, f.gw, Account{Handle: "rita", Name: "Rita", Card: visa})
	if err != nil || !first.Created || first.Renamed {
		t.Fatalf("first link: %+v %v", first, err)
	}
	for _, step := range []struct {
		name, want string
		renamed    bool
	}{
		{"Rita", "Rita", false},
		{"Rita Moreno", "Rita Moreno", true},
		{"Rita", "Rita", true},
		{"Rita Moreno", "Rita Moreno", true},
		{"", "@rita", true},
		{"", "@rita", false},
	} {
		l, err := Link(ctx, f.gw, Account{Handle: "rita", Name: step.name, Card: visa})
		if err != nil || l.Renamed != step.renamed || l.Changed != step.renamed || l.Created || l.Attached || l.CardSet ||
			l.Customer != first.Customer || l.PaymentMethod != first.PaymentMethod {
			t.Fatalf("link named %q: %+v %v, want renamed %v on %+v", step.name, l, err, step.renamed, first)
		}
		c, _, err := f.gw.FindCustomer(ctx, CustomerEmail("rita"))
		if err != nil || c.Name != step.want || c.DefaultPaymentMethod != first.PaymentMethod || c.Metadata[MetaCard] != "pm_card_visa" {
			t.Fatalf("after the link named %q: customer %+v %v, want name %q", step.name, c, err, step.want)
		}
	}
	// A new card and a new name: both in the one update.
	l, err := Link(ctx, f.gw, Account{Handle: "rita", Name: "R. Moreno", Card: mustCard(t, "mastercard")})
	if err != nil || !l.Attached || !l.CardSet || !l.Renamed {
		t.Fatalf("link with a new card and name: %+v %v", l, err)
	}
	if c, _, _ := f.gw.FindCustomer(ctx, CustomerEmail("rita")); c.Name != "R. Moreno" || c.DefaultPaymentMethod != l.PaymentMethod {
		t.Fatalf("customer %+v after a new card and name", c)
	}
}

// TestLinkBackToEarlierCard: going back and forth between cards puts each
// on the Customer every time; requests keyed by the two cards alone were
// replayed from the first change, and left the Customer on the card before.
// A card Stripe refuses to attach (kept as a token) goes back and forth too.
func TestLinkBackToEarlierCard(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	seen := map[string]bool{}
	for i, card := range []string{"visa", "mastercard", "visa", "mastercard", "pm_card_visa_chargeDeclined", "visa", "pm_card_visa_chargeDeclined", "amex"} {
		c := mustCard(t, card)
		l, err := Link(ctx, f.gw, Account{Handle: "vic", Card: c})
		if err != nil || !l.CardSet || l.Attached == c.AttachFails {
			t.Fatalf("link %d with %s: %+v %v", i, card, l, err)
		}
		cus, _, err := f.gw.FindCustomer(ctx, CustomerEmail("vic"))
		if err != nil || cus.Metadata[MetaCard] != c.Token {
			t.Fatalf("link %d with %s: customer %+v %v", i, card, cus, err)
		}
		if c.AttachFails {
			if l.PaymentMethod != c.Token {
				t.Fatalf("link %d with %s: payment method %s, want the token", i, card, l.PaymentMethod)
			}
			continue
		}
		if cus.DefaultPaymentMethod != l.PaymentMethod || seen[l.PaymentMethod] {
			t.Fatalf("link %d with %s: got %s, customer's default %s (seen before: %v)", i, card, l.PaymentMethod, cus.DefaultPaymentMethod, seen[l.PaymentMethod])
		}
		seen[l.PaymentMethod] = true
	}
}
