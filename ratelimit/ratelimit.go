// Package ratelimit limits how often a key (a client IP, an email, a user)
// may do something. Limits follow the generic cell rate algorithm (GCRA): a
// limit of N per period allows a burst of N and then one more every
// period/N. With Redis the state lives in Redis and is updated atomically
// by a script (github.com/go-redis/redis_rate), so every instance shares
// it; without Redis it lives in process (golang.org/x/time/rate, a token
// bucket, which admits the same requests).
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Limit is a named rate: Rate requests per Period, in a burst or spread out.
type Limit struct {
	Name   string
	Rate   int
	Period time.Duration
}

// String formats l as "N/period", the form ParseLimit reads.
func (l Limit) String() string { return strconv.Itoa(l.Rate) + "/" + l.Period.String() }

// Describe returns l in words, for the security page.
func (l Limit) Describe() string {
	return fmt.Sprintf("%d per %s", l.Rate, humanDuration(l.Period))
}

func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		if d == time.Hour {
			return "hour"
		}
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d%time.Minute == 0 && d >= time.Minute:
		if d == time.Minute {
			return "minute"
		}
		return fmt.Sprintf("%d minutes", d/time.Minute)
	default:
		return d.String()
	}
}

// Result is the outcome of one Allow call.
type Result struct {
	Allowed bool
	// RetryAfter is how long to wait before the next request is allowed;
	// zero when Allowed.
	RetryAfter time.Duration
}

// Limiter counts one request against key under limit.
type Limiter interface {
	Allow(ctx context.Context, limit Limit, key string) (Result, error)
}

// hashKey returns the key as stored: a hash, so that emails and IP
// addresses are not kept in Redis or memory in the clear.
func hashKey(limit Limit, key string) string {
	sum := sha256.Sum256([]byte(key))
	return limit.Name + ":" + hex.EncodeToString(sum[:16])
}

// Limits are the limits Chatalott applies.
type Limits struct {
	LogInIP      Limit
	LogInEmail   Limit
	SecondFactor Limit
	SignUpIP     Limit
	SignUpEmail  Limit
	ResetIP      Limit
	ResetEmail   Limit
}

// DefaultLimits returns the limits used unless configured otherwise.
func DefaultLimits() Limits {
	return Limits{
		LogInIP:      Limit{"login-ip", 20, 10 * time.Minute},
		LogInEmail:   Limit{"login-email", 10, 10 * time.Minute},
		SecondFactor: Limit{"second-factor", 5, 5 * time.Minute},
		SignUpIP:     Limit{"signup-ip", 10, time.Hour},
		SignUpEmail:  Limit{"signup-email", 3, time.Hour},
		ResetIP:      Limit{"reset-ip", 10, time.Hour},
		ResetEmail:   Limit{"reset-email", 3, time.Hour},
	}
}

func (l *Limits) byName() map[string]*Limit {
	return map[string]*Limit{
		l.LogInIP.Name: &l.LogInIP, l.LogInEmail.Name: &l.LogInEmail, l.SecondFactor.Name: &l.SecondFactor,
		l.SignUpIP.Name: &l.SignUpIP, l.SignUpEmail.Name: &l.SignUpEmail, l.ResetIP.Name: &l.ResetIP, l.ResetEmail.Name: &l.ResetEmail,
	}
}

// All returns the limits sorted by name.
func (l Limits) All() []Limit {
	var out []Limit
	for _, p := range l.byName() {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Override applies "name=N/period" pairs separated by commas, such as
// "login-ip=50/10m,signup-email=5/1h", to l.
func (l *Limits) Override(spec string) error {
	names := l.byName()
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, ok := strings.Cut(item, "=")
		target, known := names[strings.TrimSpace(name)]
		if !ok || !known {
			return fmt.Errorf("ratelimit: %q is not name=N/period with a known name (%s)", item, knownNames(names))
		}
		rate, period, err := parseRate(value)
		if err != nil {
			return fmt.Errorf("ratelimit: %s: %w", name, err)
		}
		target.Rate, target.Period = rate, period
	}
	return nil
}

func knownNames(m map[string]*Limit) string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func parseRate(s string) (int, time.Duration, error) {
	n, p, ok := strings.Cut(strings.TrimSpace(s), "/")
	rate, err := strconv.Atoi(n)
	if !ok || err != nil || rate < 1 {
		return 0, 0, fmt.Errorf("%q is not N/period such as 20/10m", s)
	}
	period, err := time.ParseDuration(p)
	if err != nil || period <= 0 {
		return 0, 0, fmt.Errorf("%q is not N/period such as 20/10m", s)
	}
	return rate, period, nil
}
