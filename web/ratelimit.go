package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/chatalott/chatalott/ratelimit"
)

// limited counts one request against each limit with its key and, when any
// is exhausted, answers 429 with Retry-After and a page that says when to
// try again. It reports whether the request was limited. A failing limiter
// (Redis down) lets the request through and logs it, so an outage of the
// limiter does not lock everyone out.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, checks ...limitCheck) bool {
	if s.Limiter == nil {
		return false
	}
	var wait time.Duration
	for _, c := range checks {
		res, err := s.Limiter.Allow(r.Context(), c.limit, c.key)
		if err != nil {
			s.Logger.Error("rate limiter failed; request allowed", "limit", c.limit.Name, "err", err)
			continue
		}
		if !res.Allowed && res.RetryAfter > wait {
			wait = res.RetryAfter
		}
	}
	if wait == 0 {
		return false
	}
	seconds := int(math.Ceil(wait.Seconds()))
	s.Logger.Warn("request rate-limited", "route", r.Pattern, "retry_after_s", seconds)
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	s.render(w, r, http.StatusTooManyRequests, "error", page{Title: "Too many attempts",
		Data: fmt.Sprintf("There have been too many attempts. To protect the account, wait %s and try again.", waitText(seconds))})
	return true
}

type limitCheck struct {
	limit ratelimit.Limit
	key   string
}

func waitText(seconds int) string {
	switch {
	case seconds < 60:
		return fmt.Sprintf("%d seconds", seconds)
	case seconds < 120:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", (seconds+59)/60)
	}
}
