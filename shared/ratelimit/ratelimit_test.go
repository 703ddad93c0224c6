package ratelimit_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/ratelimit"
	"quizbank/shared/testkit"
)

func TestParse(t *testing.T) {
	ok := []struct {
		spec  string
		rules []string
		per   []time.Duration
	}{
		{"5 per minute", []string{"5 per 1 minute"}, []time.Duration{time.Minute}},
		{"5 per 1 minute", []string{"5 per 1 minute"}, []time.Duration{time.Minute}},
		{"1 per minute; 10 per hour", []string{"1 per 1 minute", "10 per 1 hour"}, []time.Duration{time.Minute, time.Hour}},
		{"10000 per day; 1000 per hour", []string{"10000 per 1 day", "1000 per 1 hour"}, []time.Duration{24 * time.Hour, time.Hour}},
		{" 3 per seconds ;", []string{"3 per 1 second"}, []time.Duration{time.Second}},
	}
	for _, c := range ok {
		rules, err := ratelimit.Parse(c.spec)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.spec, err)
			continue
		}
		if len(rules) != len(c.rules) {
			t.Errorf("Parse(%q) = %d rules, want %d", c.spec, len(rules), len(c.rules))
			continue
		}
		for i, r := range rules {
			if r.String() != c.rules[i] || r.Period != c.per[i] {
				t.Errorf("Parse(%q)[%d] = %q/%v, want %q/%v", c.spec, i, r.String(), r.Period, c.rules[i], c.per[i])
			}
		}
	}
	for _, spec := range []string{"", ";", "five per minute", "0 per minute", "-1 per minute",
		"5 per fortnight", "5 minute", "5 per 2 minutes", "5 every minute"} {
		if rules, err := ratelimit.Parse(spec); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", spec, rules)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParse of a bad limit did not panic")
		}
	}()
	ratelimit.MustParse("lots per minute")
}

func TestOpenRefusesUnknownStorage(t *testing.T) {
	for _, u := range []string{"memcached://127.0.0.1:11211", "redis://127.0.0.1:1/0", "redis://%zz"} {
		if l, err := ratelimit.Open(context.Background(), u, true); err == nil {
			l.Close()
			t.Errorf("Open(%q) succeeded", u)
		}
	}
}

// storages are the two ways to keep counts.
func storages(t *testing.T) map[string]string {
	return map[string]string{"memory": "memory://", "redis": testkit.StartRedis(t)}
}

func open(t *testing.T, url string) *ratelimit.Limiter {
	t.Helper()
	l, err := ratelimit.Open(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestTakeAllowsThenRefuses(t *testing.T) {
	for name, url := range storages(t) {
		t.Run(name, func(t *testing.T) {
			l := open(t, url)
			ctx := context.Background()
			rules := ratelimit.MustParse("3 per minute; 5 per hour")
			for i := range 3 {
				if d := l.Take(ctx, "login", "10.0.0.1", rules); !d.Allowed {
					t.Fatalf("request %d refused: %+v", i+1, d)
				}
			}
			d := l.Take(ctx, "login", "10.0.0.1", rules)
			if d.Allowed || d.Violated.String() != "3 per 1 minute" {
				t.Fatalf("4th request: %+v, want refused by 3 per 1 minute", d)
			}
			if d.RetryAfter < time.Second || d.RetryAfter > time.Minute {
				t.Fatalf("RetryAfter = %v, want within (0, 1m]", d.RetryAfter)
			}
			// Other keys and other buckets keep their own counts.
			if d := l.Take(ctx, "login", "10.0.0.2", rules); !d.Allowed {
				t.Fatalf("another address refused: %+v", d)
			}
			if d := l.Take(ctx, "register", "10.0.0.1", rules); !d.Allowed {
				t.Fatalf("another bucket refused: %+v", d)
			}
		})
	}
}

func TestLongerWindowRefuses(t *testing.T) {
	for name, url := range storages(t) {
		t.Run(name, func(t *testing.T) {
			l := open(t, url)
			ctx := context.Background()
			// The per-second window resets quickly; the per-hour one does not.
			rules := ratelimit.MustParse("2 per second; 3 per hour")
			allowed := 0
			var last ratelimit.Decision
			for range 8 {
				last = l.Take(ctx, "b", "k", rules)
				if last.Allowed {
					allowed++
				} else if last.Violated.String() == "2 per 1 second" {
					time.Sleep(last.RetryAfter)
				}
			}
			if allowed != 3 || last.Violated.String() != "3 per 1 hour" {
				t.Fatalf("allowed %d (want 3), last refusal by %q (want 3 per 1 hour)", allowed, last.Violated.String())
			}
			if last.RetryAfter < 50*time.Minute {
				t.Fatalf("hourly RetryAfter = %v, want close to an hour", last.RetryAfter)
			}
		})
	}
}

func TestDisabledLimiterAllowsEverything(t *testing.T) {
	l, err := ratelimit.Open(context.Background(), "memory://", false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rules := ratelimit.MustParse("1 per hour")
	for range 5 {
		if d := l.Take(context.Background(), "b", "k", rules); !d.Allowed {
			t.Fatal("disabled limiter refused a request")
		}
	}
}

func TestRedisCountsAreShared(t *testing.T) {
	url := testkit.StartRedis(t)
	a, b := open(t, url), open(t, url) // two processes, one Redis
	ctx := context.Background()
	rules := ratelimit.MustParse("4 per minute")
	for i := range 4 {
		l := a
		if i%2 == 1 {
			l = b
		}
		if d := l.Take(ctx, "code", "1.2.3.4", rules); !d.Allowed {
			t.Fatalf("request %d refused", i+1)
		}
	}
	for name, l := range map[string]*ratelimit.Limiter{"a": a, "b": b} {
		if d := l.Take(ctx, "code", "1.2.3.4", rules); d.Allowed {
			t.Fatalf("limiter %s allowed a 5th request across both", name)
		}
	}
	// Memory limiters do not share: that is why Lambda needs Redis.
	m1, m2 := open(t, "memory://"), open(t, "memory://")
	for range 4 {
		m1.Take(ctx, "code", "1.2.3.4", rules)
	}
	if d := m2.Take(ctx, "code", "1.2.3.4", rules); !d.Allowed {
		t.Fatal("a separate memory limiter saw another's counts")
	}
}

func TestRedisOutageLetsRequestsThrough(t *testing.T) {
	url := testkit.StartRedis(t)
	l := open(t, url)
	rules := ratelimit.MustParse("1 per hour")
	ctx := context.Background()
	l.Take(ctx, "b", "k", rules)
	if d := l.Take(ctx, "b", "k", rules); d.Allowed {
		t.Fatal("second request allowed")
	}
	_ = l.Close() // the store now fails on every call
	if d := l.Take(ctx, "b", "k", rules); !d.Allowed {
		t.Fatal("a failing store refused the request; it must fail open")
	}
}

type limitedBody struct {
	Status     string `json:"status"`
	Message    string `json:"message"`
	StatusCode int    `json:"status_code"`
	Payload    any    `json:"payload"`
}

// serve puts the middleware in front of a handler, behind RealIP with the
// given trusted proxies, the way platform.Middleware orders them.
func serve(t *testing.T, l *ratelimit.Limiter, spec, trusted string) *httptest.Server {
	t.Helper()
	prefixes, err := httpx.ParsePrefixes(trusted)
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.Success(w, httpx.M{"ip": httpx.ClientIP(r)})
	})
	srv := httptest.NewServer(httpx.Chain(l.Limit("test", spec)(ok), httpx.RealIP(prefixes)))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestMiddlewareRefusal(t *testing.T) {
	for name, url := range storages(t) {
		t.Run(name, func(t *testing.T) {
			srv := serve(t, open(t, url), "5 per minute", "")
			for i := range 5 {
				if resp, body := get(t, srv.URL+"/api/x"); resp.StatusCode != 200 {
					t.Fatalf("request %d: %d %s", i+1, resp.StatusCode, body)
				}
			}
			resp, raw := get(t, srv.URL+"/api/x")
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("6th request: %d %s, want 429", resp.StatusCode, raw)
			}
			var body limitedBody
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatalf("429 body %s: %v", raw, err)
			}
			want := limitedBody{Status: "error", Message: "5 per 1 minute", StatusCode: 429}
			if body != want {
				t.Fatalf("429 body = %+v, want %+v", body, want)
			}
			var shape map[string]any
			_ = json.Unmarshal(raw, &shape)
			if _, ok := shape["payload"]; !ok || len(shape) != 4 {
				t.Fatalf("429 body keys = %v, want status, message, status_code, payload", shape)
			}
			secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || secs < 1 || secs > 60 {
				t.Fatalf("Retry-After = %q, want 1..60 seconds", resp.Header.Get("Retry-After"))
			}
		})
	}
}

func TestMiddlewareKeysOnClientAddress(t *testing.T) {
	t.Run("no trusted proxy", func(t *testing.T) {
		srv := serve(t, open(t, "memory://"), "2 per minute", "")
		// A client cannot pick a fresh bucket by sending its own header.
		for i, xff := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3"} {
			resp, body := get(t, srv.URL, "X-Forwarded-For", xff, "X-Real-IP", xff)
			want := 200
			if i == 2 {
				want = 429
			}
			if resp.StatusCode != want {
				t.Fatalf("request %d with X-Forwarded-For %s: %d %s, want %d", i+1, xff, resp.StatusCode, body, want)
			}
			if want == 200 && !jsonHas(body, "ip", "127.0.0.1") {
				t.Fatalf("client address = %s, want the peer 127.0.0.1", body)
			}
		}
	})
	t.Run("trusted proxy", func(t *testing.T) {
		srv := serve(t, open(t, "memory://"), "2 per minute", "127.0.0.1")
		for i := range 2 {
			if resp, body := get(t, srv.URL, "X-Forwarded-For", "198.51.100.7"); resp.StatusCode != 200 ||
				!jsonHas(body, "ip", "198.51.100.7") {
				t.Fatalf("request %d from 198.51.100.7: %d %s", i+1, resp.StatusCode, body)
			}
		}
		if resp, _ := get(t, srv.URL, "X-Forwarded-For", "198.51.100.7"); resp.StatusCode != 429 {
			t.Fatalf("3rd request from 198.51.100.7: %d, want 429", resp.StatusCode)
		}
		// Another client behind the same proxy has its own count; a spoofed
		// left-most hop does not change whose count it is.
		if resp, body := get(t, srv.URL, "X-Forwarded-For", "198.51.100.7, 198.51.100.8"); resp.StatusCode != 200 ||
			!jsonHas(body, "ip", "198.51.100.8") {
			t.Fatalf("client 198.51.100.8 via the proxy: %d %s", resp.StatusCode, body)
		}
		if resp, body := get(t, srv.URL, "X-Real-IP", "198.51.100.9"); resp.StatusCode != 200 ||
			!jsonHas(body, "ip", "198.51.100.9") {
			t.Fatalf("X-Real-IP from the proxy: %d %s", resp.StatusCode, body)
		}
	})
}

func jsonHas(raw []byte, key, want string) bool {
	var m map[string]any
	return json.Unmarshal(raw, &m) == nil && m[key] == want
}

func TestRefusalRoundsUp(t *testing.T) {
	e := ratelimit.Refusal(ratelimit.Decision{RetryAfter: 1500 * time.Millisecond,
		Violated: ratelimit.MustParse("1 per minute")[0]})
	if e.Status != 429 || e.RetryAfter != 2 || e.Message != "1 per 1 minute" {
		t.Fatalf("Refusal = %+v", e)
	}
}
