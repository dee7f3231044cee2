package stream

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Bar draws a one-line progress bar with the rate and, when the input's
// size is known, the share done and the time left. It is meant for a
// terminal: it redraws its line with a carriage return.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	total int64 // bytes; 0 when unknown
	width int
	drawn bool
}

// NewBar returns a bar writing to w for an input of total bytes (0 when
// unknown, as for a pipe).
func NewBar(w io.Writer, total int64) *Bar {
	return &Bar{w: w, total: total, width: 24}
}

// Update redraws the bar for s.
func (b *Bar) Update(s Summary) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.w, "\r\x1b[K%s", b.render(s))
	b.drawn = true
}

// Clear removes the bar from its line, so that other output can be
// written; the next Update draws it again.
func (b *Bar) Clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		io.WriteString(b.w, "\r\x1b[K")
		b.drawn = false
	}
}

// eta is the time left as the bar shows it: whole seconds, and "<1s" for
// the last fraction of one, which rounded to "0s" while work was left.
func eta(left time.Duration) string {
	if left < time.Second {
		return "<1s"
	}
	return left.Round(time.Second).String()
}

func (b *Bar) render(s Summary) string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Tweets) / s.Elapsed.Seconds()
	}
	var sb strings.Builder
	if b.total > 0 {
		frac := min(float64(s.BytesRead)/float64(b.total), 1)
		fill := int(frac * float64(b.width))
		sb.WriteString("[" + strings.Repeat("=", fill) + strings.Repeat(" ", b.width-fill) + "]")
		fmt.Fprintf(&sb, " %3.0f%%", frac*100)
		if frac > 0 && frac < 1 {
			fmt.Fprintf(&sb, " ETA %s", eta(time.Duration(float64(s.Elapsed)*(1-frac)/frac)))
		}
		sb.WriteString("  ")
	}
	fmt.Fprintf(&sb, "%d lines, %d tweets, %.0f tweets/s", s.Lines, s.Tweets, rate)
	if s.BadLines > 0 {
		fmt.Fprintf(&sb, ", %d bad", s.BadLines)
	}
	return sb.String()
}
