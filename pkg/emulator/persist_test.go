package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	bolt "go.etcd.io/bbolt"

	"github.com/tweetpay/tweetpay/pkg/statedb"
)

// Child process modes, selected by environment variables when the test
// binary re-executes itself.
const (
	envChild = "EMULATOR_TEST_CHILD"
	envDir   = "EMULATOR_TEST_DIR"
)

func TestMain(m *testing.M) {
	switch os.Getenv(envChild) {
	case "writer":
		childWriter(os.Getenv(envDir))
		return
	case "holder":
		childHolder(os.Getenv(envDir))
		return
	}
	os.Exit(m.Run())
}

// childWriter makes purchases in a loop with keys "k-<n>" until killed.
func childWriter(dir string) {
	em, err := Open(dir, Options{LockTimeout: 30 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	sc := clientFor(em.Transport(), testKey)
	cus, err := sc.Customers.New(&stripe.CustomerParams{Email: stripe.String("crash@example.com")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: create customer:", err)
		os.Exit(4)
	}
	first := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
		PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
	first.SetIdempotencyKey("k-first-" + cus.ID)
	if _, err := sc.PaymentIntents.New(first); err != nil {
		fmt.Fprintln(os.Stderr, "child: first purchase:", err)
		os.Exit(5)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		go func(i int) {
			p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
				PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
			p.SetIdempotencyKey("k-" + strconv.Itoa(i))
			if i%5 == 0 {
				p.PaymentMethod = stripe.String("pm_card_chargeDeclined")
			}
			_, _ = sc.PaymentIntents.New(p)
		}(i)
		if i%8 == 7 {
			time.Sleep(time.Millisecond)
		}
	}
}

// childHolder opens the state, prints "locked" and waits for stdin to close.
func childHolder(dir string) {
	em, err := Open(dir, Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(0)
	}
	fmt.Println("locked")
	buf := make([]byte, 1)
	_, _ = os.Stdin.Read(buf)
	_ = em.Close()
}

func TestPersistenceAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc := clientFor(em.Transport(), testKey)
	cus, pm := customerWithCard(t, sc, "pm_card_visa")
	p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(700), Currency: stripe.String("usd"), Customer: stripe.String(cus.ID),
		PaymentMethod: stripe.String(pm.ID), Confirm: stripe.Bool(true)}
	p.SetIdempotencyKey("persist-1")
	pi := must[*stripe.PaymentIntent](t)(sc.PaymentIntents.New(p))
	em2 := reopen(t, em, dir)
	sc2 := clientFor(em2.Transport(), testKey)
	got := must[*stripe.PaymentIntent](t)(sc2.PaymentIntents.Get(pi.ID, nil))
	if got.Status != stripe.PaymentIntentStatusSucceeded || got.LatestCharge.ID != pi.LatestCharge.ID {
		t.Fatalf("after reopen: %+v", got)
	}
	again := must[*stripe.PaymentIntent](t)(sc2.PaymentIntents.New(p))
	if again.ID != pi.ID || again.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatal("idempotency key not persisted")
	}
	// A new object after reopen sorts after the old ones.
	pi2 := must[*stripe.PaymentIntent](t)(sc2.PaymentIntents.New(&stripe.PaymentIntentParams{Amount: stripe.Int64(800),
		Currency: stripe.String("usd")}))
	if pi2.ID <= pi.ID {
		t.Fatalf("ids not increasing: %s then %s", pi.ID, pi2.ID)
	}
	st := must[Stats](t)(em2.Stats())
	if st.Objects["payment_intents"] != 2 || st.Objects["charges"] != 1 || st.Objects["customers"] != 1 || st.SizeBytes == 0 {
		t.Fatalf("stats = %+v", st)
	}
	if err := em2.Reset(); err != nil {
		t.Fatal(err)
	}
	st = must[Stats](t)(em2.Stats())
	if st.Objects["payment_intents"] != 0 || st.IdempotencyKeys != 0 {
		t.Fatalf("after reset: %+v", st)
	}
	if _, err := sc2.PaymentIntents.Get(pi.ID, nil); err == nil {
		t.Fatal("object survived reset")
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 4; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"=writer", envDir+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil || !strings.HasPrefix(string(buf), "ready") {
			_ = cmd.Process.Kill()
			t.Fatalf("child not ready: %q %v", buf, err)
		}
		time.Sleep(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		checkInvariants(t, dir)
	}
}

// checkInvariants opens a state left by a killed writer and checks it.
func checkInvariants(t *testing.T, dir string) {
	t.Helper()
	em, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer em.Close()
	var pis, charges, succeeded int64
	err = em.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() { // bbolt's own consistency check
			return fmt.Errorf("bbolt check: %w", err)
		}
		chargeIDs := map[string]*charge{}
		var decodeErr error
		eachErr := em.charges.each(tx, func(id string, _ []byte) bool {
			ch, _, err := em.charges.get(tx, id)
			if err != nil {
				decodeErr = err
				return false
			}
			chargeIDs[ch.ID] = ch
			charges++
			return true
		})
		if err := errors.Join(eachErr, decodeErr); err != nil {
			return err
		}
		eachErr = em.pis.each(tx, func(id string, _ []byte) bool {
			pi, _, err := em.pis.get(tx, id)
			if err != nil {
				decodeErr = err
				return false
			}
			pis++
			ch := chargeIDs[pi.LatestCharge.ID]
			switch pi.Status {
			case "succeeded":
				succeeded++
				if ch == nil || ch.Status != "succeeded" || ch.PaymentIntent.ID != pi.ID {
					decodeErr = fmt.Errorf("succeeded %s without its charge", pi.ID)
				}
			case "requires_payment_method":
				if ch == nil || ch.Status != "failed" {
					decodeErr = fmt.Errorf("declined %s without its failed charge", pi.ID)
				}
			}
			return decodeErr == nil
		})
		if err := errors.Join(eachErr, decodeErr); err != nil {
			return err
		}
		if n := readCount(tx, em.pis.countKey); n != pis {
			return fmt.Errorf("payment_intents count %d, stored %d", n, pis)
		}
		if n := readCount(tx, em.charges.countKey); n != charges {
			return fmt.Errorf("charges count %d, stored %d", n, charges)
		}
		if n := em.charges.indexLen(tx, -1); int64(n) != charges {
			return fmt.Errorf("charge order index %d, stored %d", n, charges)
		}
		if n := em.charges.indexLen(tx, 1); int64(n) != charges {
			return fmt.Errorf("charge payment_intent index %d, stored %d", n, charges)
		}
		// The customer index is deferred: each charge is in it or in the
		// pending log, never both, never neither.
		if n, p := em.charges.indexLen(tx, 0), pendingLen(tx, em.charges); int64(n+p) != charges {
			return fmt.Errorf("charge customer index %d + pending %d, stored %d", n, p, charges)
		}
		if n, c := tx.Bucket(bucketIdem).Stats().KeyN, readCount(tx, idemCountKey); int64(n) != c {
			return fmt.Errorf("%d idempotency records, counted %d", n, c)
		}
		if n := tx.Bucket(bucketIdem).Stats().KeyN; int64(n) < pis {
			return fmt.Errorf("%d idempotency records for %d payment intents", n, pis)
		}
		if n := em.idem.len(); int64(n) < pis {
			return fmt.Errorf("%d idempotency keys indexed for %d payment intents", n, pis)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pis == 0 {
		t.Fatal("the writer wrote nothing before it was killed")
	}
	// Every stored key replays: find one and re-send it.
	sc := clientFor(em.Transport(), testKey)
	it := sc.PaymentIntents.List(&stripe.PaymentIntentListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(1), Single: true}})
	if !it.Next() {
		t.Fatalf("list: %v", it.Err())
	}
	t.Logf("state: %d payment intents (%d succeeded), %d charges", pis, succeeded, charges)
	// k-1 was sent first after k-0 (a decline); k-1 is a success if stored.
	var found bool
	_ = em.db.View(func(tx *bolt.Tx) error {
		scope := []byte(em.idemScope(testKey, "POST", "/v1/payment_intents", "k-1"))
		_, _, found = em.getIdem(tx, scope)
		return nil
	})
	if found {
		cusID := it.PaymentIntent().Customer.ID
		p := &stripe.PaymentIntentParams{PaymentMethodTypes: cardOnly(), Amount: stripe.Int64(1000), Currency: stripe.String("usd"), Customer: stripe.String(cusID),
			PaymentMethod: stripe.String("pm_card_visa"), Confirm: stripe.Bool(true)}
		p.SetIdempotencyKey("k-1")
		before := must[Stats](t)(em.Stats())
		pi, err := sc.PaymentIntents.New(p)
		if err == nil && pi.LastResponse.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("k-1 not replayed")
		}
		after := must[Stats](t)(em.Stats())
		if before.Objects["payment_intents"] != after.Objects["payment_intents"] {
			t.Fatal("replay after crash created a payment intent")
		}
	}
}

func TestMultiProcessLock(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	dir := t.TempDir()
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), envChild+"=holder", envDir+"="+dir)
	stdin, _ := holder.StdinPipe()
	out, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked" {
		t.Fatalf("holder: %q %v", buf, err)
	}
	// A second process times out with an error naming the holder.
	second := exec.Command(os.Args[0], "-test.run=^$")
	second.Env = append(os.Environ(), envChild+"=holder", envDir+"="+dir)
	msg, _ := second.Output()
	want := fmt.Sprintf("pid %d", holder.Process.Pid)
	if !strings.Contains(string(msg), "locked by another process") || !strings.Contains(string(msg), want) {
		t.Fatalf("second process: %q, want the lock error naming %s", msg, want)
	}
	// In this process: ErrLocked, then success once the holder closes.
	_, err := Open(dir, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, statedb.ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	done := make(chan error, 1)
	go func() {
		em, err := Open(dir, Options{LockTimeout: 20 * time.Second})
		if err == nil {
			err = em.Close()
		}
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	_ = stdin.Close()
	if err := <-done; err != nil {
		t.Fatalf("waiting Open: %v", err)
	}
	_ = holder.Wait()
}

// TestEmptyStats: the stats of a state directory with no file are those of a
// new state, without the directory being created.
func TestEmptyStats(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	got := EmptyStats(dir)
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("EmptyStats touched %s: %v", dir, err)
	}
	e, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	want, err := e.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want.SizeBytes = 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("EmptyStats = %+v, want %+v", got, want)
	}
}
