package httpx_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quizbank/shared/httpx"
)

func TestClientIP(t *testing.T) {
	trusted, err := httpx.ParsePrefixes("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, remote, xff, real, want string
	}{
		{"no proxy", "203.0.113.9:5000", "", "", "203.0.113.9"},
		{"untrusted peer sends XFF", "203.0.113.9:5000", "1.2.3.4", "5.6.7.8", "203.0.113.9"},
		{"trusted proxy", "127.0.0.1:5000", "198.51.100.7", "", "198.51.100.7"},
		{"forged hop before real one", "127.0.0.1:5000", "1.2.3.4, 198.51.100.7", "", "198.51.100.7"},
		{"chain of trusted proxies", "127.0.0.1:5000", "198.51.100.7, 10.1.1.1", "", "198.51.100.7"},
		{"X-Real-IP from trusted", "127.0.0.1:5000", "", "198.51.100.8", "198.51.100.8"},
		{"garbage XFF", "127.0.0.1:5000", "not-an-ip", "", "127.0.0.1"},
	}
	for _, c := range cases {
		var got string
		h := httpx.RealIP(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got = httpx.ClientIP(r)
		}))
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = c.remote
		if c.xff != "" {
			req.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.real != "" {
			req.Header.Set("X-Real-IP", c.real)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got != c.want {
			t.Errorf("%s: ClientIP = %q, want %q", c.name, got, c.want)
		}
	}
	if _, err := httpx.ParsePrefixes("127.0.0.1, bogus"); err == nil {
		t.Fatal("ParsePrefixes accepted a bogus entry")
	}
}

func TestCORSPreflight(t *testing.T) {
	public := func(p string) bool { return p == "/api/login" }
	h := httpx.CORS(public)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(299)
	}))
	cases := []struct {
		path, cookie string
		status       int
	}{
		{"/api/quiz/subjects", "", 401},
		{"/api/login", "", 204},
		{"/api/quiz/subjects", "session=x", 204},
	}
	for _, c := range cases {
		req := httptest.NewRequest("OPTIONS", c.path, nil)
		req.Header.Set("Origin", "https://servicewechat.com")
		if c.cookie != "" {
			req.Header.Set("Cookie", c.cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("OPTIONS %s (cookie %q): %d, want %d", c.path, c.cookie, rec.Code, c.status)
		}
		if rec.Header().Get("Access-Control-Allow-Origin") != "https://servicewechat.com" {
			t.Errorf("OPTIONS %s: no CORS origin header", c.path)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/quiz/subjects", nil))
	if rec.Code != 299 || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("GET passed through as %d with origin %q", rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
}

func TestLimitBody(t *testing.T) {
	h := httpx.LimitBody(10)(httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := httpx.DecodeJSON(r, &v); err != nil {
			return err
		}
		httpx.Message(w, "ok")
		return nil
	}))
	for _, declared := range []bool{true, false} {
		req := httptest.NewRequest("POST", "/api/x", strings.NewReader(`{"a":"0123456789"}`))
		req.Header.Set("Content-Type", "application/json")
		if !declared {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("declared=%v: status %d, want 413 (%s)", declared, rec.Code, rec.Body.String())
		}
	}
}

func TestAccessLogAndRecover(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	rt := httpx.NewRouter()
	rt.Handle("GET /api/boom/{id}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("kaboom")
	}))
	h := httpx.Chain(rt, httpx.WithRequestID, httpx.AccessLog(logger), httpx.Recover)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/boom/7?token=abc", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	line := buf.String()
	for _, want := range []string{`route="GET /api/boom/{id}"`, "status=500", "request_id=", "method=GET"} {
		if !strings.Contains(line, want) {
			t.Errorf("access log %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "token=abc") {
		t.Errorf("access log leaked the query string: %q", line)
	}
}
