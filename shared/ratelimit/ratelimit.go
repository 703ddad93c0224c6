// Package ratelimit enforces the contract's per-route limits ("RL:" lines
// of api.md, e.g. "1 per minute; 10 per hour") keyed by client address,
// with counters in memory (one process) or in Redis (shared by every
// process and every Lambda instance).
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	smemory "github.com/ulule/limiter/v3/drivers/store/memory"
	sredis "github.com/ulule/limiter/v3/drivers/store/redis"

	"quizbank/shared/httpx"
)

// Rule is one limit: Limit requests per Period.
type Rule struct {
	Limit  int64
	Period time.Duration
	unit   string
}

// String is the original's wording of a limit ("5 per 1 minute"), which
// is also the message of its 429 answers.
func (r Rule) String() string { return fmt.Sprintf("%d per 1 %s", r.Limit, r.unit) }

// Parse reads limits such as "5 per minute", "1 per minute; 10 per hour"
// or "10000 per day".
func Parse(spec string) ([]Rule, error) {
	var out []Rule
	for _, part := range strings.Split(spec, ";") {
		fields := strings.Fields(strings.TrimSpace(part))
		if len(fields) == 0 {
			continue
		}
		if len(fields) == 4 && fields[2] == "1" { // "5 per 1 minute"
			fields = []string{fields[0], fields[1], fields[3]}
		}
		if len(fields) != 3 || fields[1] != "per" {
			return nil, fmt.Errorf("rate limit %q: want \"N per unit\"", part)
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("rate limit %q: bad count", part)
		}
		unit := strings.TrimSuffix(fields[2], "s")
		periods := map[string]time.Duration{"second": time.Second, "minute": time.Minute,
			"hour": time.Hour, "day": 24 * time.Hour}
		p, ok := periods[unit]
		if !ok {
			return nil, fmt.Errorf("rate limit %q: unit must be second, minute, hour or day", part)
		}
		out = append(out, Rule{Limit: n, Period: p, unit: unit})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rate limit %q is empty", spec)
	}
	return out, nil
}

// MustParse is Parse for limits written in code.
func MustParse(spec string) []Rule {
	r, err := Parse(spec)
	if err != nil {
		panic(err)
	}
	return r
}

// Default is the limit of every route without its own (api.md §0.5).
const Default = "10000 per day; 1000 per hour"

// Limiter counts requests per bucket and key.
type Limiter struct {
	store   limiter.Store
	enabled bool
	close   func() error
}

// Open builds a limiter from RATELIMIT_STORAGE_URL: memory:// or
// redis://[user:pass@]host:port/db (rediss:// for TLS).
func Open(ctx context.Context, storageURL string, enabled bool) (*Limiter, error) {
	switch {
	case storageURL == "" || strings.HasPrefix(storageURL, "memory://"):
		st := smemory.NewStoreWithOptions(limiter.StoreOptions{Prefix: "qb", CleanUpInterval: time.Minute})
		return &Limiter{store: st, enabled: enabled, close: func() error { return nil }}, nil
	case strings.HasPrefix(storageURL, "redis://"), strings.HasPrefix(storageURL, "rediss://"):
		opt, err := redis.ParseURL(storageURL)
		if err != nil {
			return nil, fmt.Errorf("RATELIMIT_STORAGE_URL: %w", err)
		}
		rdb := redis.NewClient(opt)
		pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := rdb.Ping(pingCtx).Err(); err != nil {
			_ = rdb.Close()
			return nil, fmt.Errorf("connect to rate-limit Redis at %s: %w", opt.Addr, err)
		}
		st, err := sredis.NewStoreWithOptions(rdb, limiter.StoreOptions{Prefix: "qb:rl"})
		if err != nil {
			_ = rdb.Close()
			return nil, fmt.Errorf("rate-limit Redis store: %w", err)
		}
		return &Limiter{store: st, enabled: enabled, close: rdb.Close}, nil
	default:
		return nil, fmt.Errorf("RATELIMIT_STORAGE_URL %q must start with memory:// or redis://", storageURL)
	}
}

// Close releases the Redis connection, if any.
func (l *Limiter) Close() error { return l.close() }

// Decision is the outcome of one check.
type Decision struct {
	Allowed    bool
	RetryAfter time.Duration
	Violated   Rule
}

// Take counts one request of key in bucket against every rule and reports
// whether all of them still allow it. A store failure lets the request
// through (and is logged): losing the limiter must not take the site down.
func (l *Limiter) Take(ctx context.Context, bucket, key string, rules []Rule) Decision {
	if !l.enabled {
		return Decision{Allowed: true}
	}
	now := time.Now()
	for _, rule := range rules {
		rate := limiter.Rate{Period: rule.Period, Limit: rule.Limit}
		lc, err := l.store.Get(ctx, bucket+":"+rule.String()+":"+key, rate)
		if err != nil {
			slog.WarnContext(ctx, "rate limit store failed; allowing request", "bucket", bucket, "err", err)
			return Decision{Allowed: true}
		}
		if lc.Reached {
			wait := time.Unix(lc.Reset, 0).Sub(now)
			if wait < time.Second {
				wait = time.Second
			}
			return Decision{Allowed: false, RetryAfter: wait, Violated: rule}
		}
	}
	return Decision{Allowed: true}
}

// Refusal is the 429 answer for d: framework shape, the limit's wording
// as message, and Retry-After.
func Refusal(d Decision) *httpx.Error {
	e := httpx.FrameworkError(http.StatusTooManyRequests, d.Violated.String())
	e.RetryAfter = int(math.Ceil(d.RetryAfter.Seconds()))
	return e
}

// Limit returns middleware that limits a route by client address. bucket
// names the counter (routes sharing a bucket share counts).
func (l *Limiter) Limit(bucket, spec string) httpx.Middleware {
	rules := MustParse(spec)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d := l.Take(r.Context(), bucket, httpx.ClientIP(r), rules); !d.Allowed {
				httpx.WriteError(w, r, Refusal(d))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
