package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/chatalott/chatalott/ratelimit"
	"github.com/chatalott/chatalott/ratelimit/ratelimittest"
)

func limiters(t *testing.T) map[string]ratelimit.Limiter {
	client, prefix := ratelimittest.Client(t)
	return map[string]ratelimit.Limiter{
		"memory": ratelimit.NewMemory(time.Now),
		"redis":  ratelimit.NewRedis(client, prefix),
	}
}

func TestLimiterBurstThenDeny(t *testing.T) {
	limit := ratelimit.Limit{Name: "test", Rate: 3, Period: time.Hour}
	for name, l := range limiters(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			for i := range 3 {
				res, err := l.Allow(ctx, limit, "ana@example.com")
				if err != nil || !res.Allowed {
					t.Fatalf("request %d: allowed %v, err %v; want allowed", i+1, res.Allowed, err)
				}
			}
			res, err := l.Allow(ctx, limit, "ana@example.com")
			if err != nil || res.Allowed {
				t.Fatalf("request 4: allowed %v, err %v; want denied", res.Allowed, err)
			}
			// One request comes back every period/rate, 20 minutes here.
			if res.RetryAfter < 19*time.Minute || res.RetryAfter > 21*time.Minute {
				t.Errorf("RetryAfter = %s, want about 20m", res.RetryAfter)
			}
			if res, _ := l.Allow(ctx, limit, "bo@example.com"); !res.Allowed {
				t.Error("another key was limited too")
			}
			other := ratelimit.Limit{Name: "other", Rate: 1, Period: time.Hour}
			if res, _ := l.Allow(ctx, other, "ana@example.com"); !res.Allowed {
				t.Error("the same key under another limit was limited too")
			}
		})
	}
}

func TestMemoryRefills(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	m := ratelimit.NewMemory(func() time.Time { return now })
	limit := ratelimit.Limit{Name: "test", Rate: 2, Period: time.Minute}
	ctx := context.Background()
	m.Allow(ctx, limit, "k")
	m.Allow(ctx, limit, "k")
	if res, _ := m.Allow(ctx, limit, "k"); res.Allowed {
		t.Fatal("third request in the burst allowed")
	}
	now = now.Add(30 * time.Second)
	if res, _ := m.Allow(ctx, limit, "k"); !res.Allowed {
		t.Error("request after period/rate denied, want allowed")
	}
	if res, _ := m.Allow(ctx, limit, "k"); res.Allowed {
		t.Error("second request after one refill allowed, want denied")
	}
}

func TestLimitsOverride(t *testing.T) {
	l := ratelimit.DefaultLimits()
	if err := l.Override("login-ip=50/5m, signup-email=1/24h"); err != nil {
		t.Fatal(err)
	}
	if l.LogInIP.Rate != 50 || l.LogInIP.Period != 5*time.Minute || l.SignUpEmail.Period != 24*time.Hour {
		t.Errorf("after override: %v %v", l.LogInIP, l.SignUpEmail)
	}
	for _, bad := range []string{"nope=1/1m", "login-ip=0/1m", "login-ip=5", "login-ip=5/soon"} {
		if err := l.Override(bad); err == nil {
			t.Errorf("Override(%q) succeeded, want an error", bad)
		}
	}
	if got := ratelimit.DefaultLimits().LogInIP.Describe(); got != "20 per 10 minutes" {
		t.Errorf("Describe = %q", got)
	}
}
