package charges

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseTime reads the value of --since or --until: an RFC3339 time
// ("2026-11-24T10:00:00Z"), a date ("2026-11-24", midnight UTC), or a
// duration before now ("24h", "90m", "7d", "2w"). Errors wrap ErrBadTime.
func ParseTime(s string, now time.Time) (time.Time, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return time.Time{}, fmt.Errorf("%w: empty: use RFC3339 (2026-11-24T10:00:00Z), a date (2026-11-24) or a duration ago (24h, 7d)", ErrBadTime)
	}
	if ts, err := time.Parse(time.RFC3339Nano, t); err == nil {
		return ts.UTC(), nil
	}
	if ts, err := time.Parse(time.DateOnly, t); err == nil {
		return ts.UTC(), nil
	}
	if d, ok := parseAgo(t); ok {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: %q: use RFC3339 (2026-11-24T10:00:00Z), a date (2026-11-24) or a duration ago (24h, 7d)", ErrBadTime, s)
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
