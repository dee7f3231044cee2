package charges

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads the value of --since, the start of a range: an RFC3339
// time ("2026-11-24T10:00:00Z"), a date ("2026-11-24", from midnight UTC),
// or a duration before now ("24h", "90m", "7d", "2w"). Errors wrap
// ErrBadTime.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t, _, err := parseTime(s, now)
	return t, err
}

// ParseUntil reads the value of --until, the inclusive end of a range, as
// ParseTime does, except that a date alone stands for the whole day: it
// gives the last instant of that day in UTC, the zone the date is read in,
// so that --since 2026-11-24 --until 2026-11-24 selects that day.
func ParseUntil(s string, now time.Time) (time.Time, error) {
	t, dateOnly, err := parseTime(s, now)
	if err != nil || !dateOnly {
		return t, err
	}
	return t.AddDate(0, 0, 1).Add(-time.Nanosecond), nil
}

// parseTime reads a time, a date (midnight UTC; dateOnly is then true) or a
// duration before now.
func parseTime(s string, now time.Time) (t time.Time, dateOnly bool, err error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return time.Time{}, false, fmt.Errorf("%w: empty: use RFC3339 (2026-11-24T10:00:00Z), a date (2026-11-24) or a duration ago (24h, 7d)", ErrBadTime)
	}
	if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return ts.UTC(), false, nil
	}
	if ts, err := time.Parse(time.DateOnly, v); err == nil {
		return ts.UTC(), true, nil
	}
	if d, ok := parseAgo(v); ok {
		return now.Add(-d).UTC(), false, nil
	}
	return time.Time{}, false, fmt.Errorf("%w: %q: use RFC3339 (2026-11-24T10:00:00Z), a date (2026-11-24) or a duration ago (24h, 7d)", ErrBadTime, s)
}

// parseAgo reads a non-negative duration: Go's syntax plus whole days ("7d")
// and weeks ("2w"), which time.ParseDuration lacks.
func parseAgo(s string) (time.Duration, bool) {
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	if n := len(s); n > 1 && (s[n-1] == 'd' || s[n-1] == 'w') {
		v, err := strconv.ParseUint(s[:n-1], 10, 32)
		if err != nil {
			return 0, false
		}
		day := 24 * time.Hour
		if s[n-1] == 'w' {
			day *= 7
		}
		if v > uint64(100*365*24*time.Hour/day) {
			return 0, false
		}
		return time.Duration(v) * day, true
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, false
	}
	return d, true
}
