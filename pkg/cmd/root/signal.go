package root

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// interruptible returns a context that the first SIGINT or SIGTERM cancels,
// so that the command finishes what is in flight, and a function that stops
// listening and cancels it. A second signal stops the process at once
// (stopNow): a command stuck where no context reaches, such as opening a
// FIFO nobody writes to, must still end. The state survives that as it
// survives a kill.
//
// A signal the process started with ignored (SIGINT for `tweetpay ... &` in
// a script) is still caught, as Go's signal package does, so that `kill
// -INT` stops a background server gracefully; restoring its disposition for
// the second one would ignore it again, hence stopNow.
func interruptible(parent context.Context) (context.Context, context.CancelFunc) {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	ignored := make(map[os.Signal]bool, len(sigs))
	for _, s := range sigs {
		ignored[s] = signal.Ignored(s)
	}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, sigs...)
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-ch:
			cancel()
		case <-ctx.Done():
			return
		}
		s := <-ch
		stopNow(s, ignored[s])
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel()
	}
}
