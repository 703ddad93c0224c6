package auth_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/functions/auth"
	"quizbank/shared/testkit"
)

// site is one auth group on a loopback server over a fresh database.
type site struct {
	env *testkit.Env
	srv *httptest.Server
	t   *testing.T
}

func newSite(t *testing.T, opts ...testkit.Option) *site {
	t.Helper()
	env := testkit.New(t, opts...)
	return &site{env: env, srv: env.Serve(auth.Register), t: t}
}

// call sends a JSON request (body may be nil, a string or a value).
func (s *site) call(method, path string, body, cred any, headers ...string) testkit.Response {
	s.t.Helper()
	return testkit.Call(s.t, s.srv.URL, method, path, body, cred, headers...)
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// lastCode is the code of the newest mail to addr.
func (s *site) lastCode(addr string) string {
	s.t.Helper()
	msgs := s.env.Outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.EqualFold(msgs[i].To, addr) {
			if c := codeRE.FindString(msgs[i].Text); c != "" {
				return c
			}
		}
	}
	s.t.Fatalf("no code mailed to %s (outbox has %d)", addr, len(msgs))
	return ""
}

func (s *site) mailsTo(addr string) int {
	n := 0
	for _, m := range s.env.Outbox.Messages() {
		if strings.EqualFold(m.To, addr) {
			n++
		}
	}
	return n
}

// sessionCookie returns the session cookie a response set, or nil.
func sessionCookie(r testkit.Response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "session" {
			return c
		}
	}
	return nil
}

// wrongCode is a six-digit code different from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// clock is a movable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (s *site) useClock(start time.Time) *clock {
	c := &clock{t: start}
	s.env.Deps.SetClock(c.now)
	return c
}

func wantStatus(t *testing.T, r testkit.Response, status int, envelope string) {
	t.Helper()
	if r.Status != status || (envelope != "" && r.JSON["status"] != envelope) {
		t.Fatalf("got %d %s, want %d %q", r.Status, r.Raw, status, envelope)
	}
}

func data(t *testing.T, r testkit.Response) map[string]any {
	t.Helper()
	d, ok := r.JSON["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %s", r.Raw)
	}
	return d
}

func timeNow() time.Time { return time.Now() }
