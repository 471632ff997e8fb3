package ratelimit

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxMemoryKeys bounds the keys the in-process limiter keeps; beyond it,
// keys whose bucket has refilled are dropped, and then the oldest.
const maxMemoryKeys = 100_000

// Memory is the in-process Limiter for a single instance.
type Memory struct {
	Now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
	period  time.Duration
}

// NewMemory returns an empty in-process limiter.
func NewMemory(now func() time.Time) *Memory {
	return &Memory{Now: now, buckets: map[string]*bucket{}}
}

// Allow implements Limiter.
func (m *Memory) Allow(_ context.Context, limit Limit, key string) (Result, error) {
	now := m.Now()
	k := hashKey(limit, key)
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[k]
	if !ok {
		if len(m.buckets) >= maxMemoryKeys {
			m.evict(now)
		}
		b = &bucket{limiter: rate.NewLimiter(rate.Every(limit.Period/time.Duration(limit.Rate)), limit.Rate), period: limit.Period}
		m.buckets[k] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, 1)
	if !r.OK() {
		return Result{Allowed: false, RetryAfter: limit.Period}, nil
	}
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return Result{Allowed: false, RetryAfter: delay}, nil
	}
	return Result{Allowed: true}, nil
}

// evict drops buckets idle for longer than their period, which are full
// again and so hold no state, and then any bucket if none were.
func (m *Memory) evict(now time.Time) {
	for k, b := range m.buckets {
		if now.Sub(b.seen) > b.period {
			delete(m.buckets, k)
		}
	}
	if len(m.buckets) >= maxMemoryKeys {
		for k := range m.buckets {
			delete(m.buckets, k)
			if len(m.buckets) < maxMemoryKeys/2 {
				break
			}
		}
	}
}
