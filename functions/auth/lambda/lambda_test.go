package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

// TestColdStart measures the function's first invocation under the
// emulator (figures in the README's "Measured").
func TestColdStart(t *testing.T) { testkit.ColdStarts(t, "auth", "/api/profile", 401) }

// TestColdStartProductionShape measures a cold start with the settings
// of a Lambda deployment: production mode, a remote database already
// migrated, and Redis for the rate limits.
func TestColdStartProductionShape(t *testing.T) {
	db := hranatest.New(t)
	testkit.SeedAccount(t, db, "admin", true) // migrates
	env := testkit.FunctionEnv(t, db, "ENVIRONMENT", "production", "SESSION_COOKIE_SECURE", "true",
		"RATELIMIT_STORAGE_URL", testkit.StartRedis(t))
	cs := testkit.MeasureColdStart(t, "auth", env, "/api/profile", 401)
	t.Logf("auth cold start, production shape (remote database, Redis): emulator %v / function %v", cs.Emulator, cs.Function)
}

var loggedCode = regexp.MustCompile(`mail \(console provider\)".*?to=\S*lambda@example\.com.*?\b(\d{6})\b`)

// TestSessionThroughGateway signs up by e-mail code under the emulator:
// the session cookie comes back in the v2 response's cookies and goes in
// through the event's cookies, and framework errors keep their shape.
func TestSessionThroughGateway(t *testing.T) {
	fn := testkit.StartLambdaFunction(t, "auth", testkit.FunctionEnv(t, testkit.FileDB(t)))
	base := fn.URL

	unknown := testkit.Call(t, base, http.MethodGet, "/api/no-such-route", nil, nil)
	if unknown.Status != 404 || unknown.JSON["status_code"] != 404.0 || unknown.JSON["status"] != "error" {
		t.Fatalf("unknown route: %d %s", unknown.Status, unknown.Raw)
	}
	wrongMethod := testkit.Call(t, base, http.MethodGet, "/api/login", nil, nil)
	if wrongMethod.Status != 405 || !strings.Contains(wrongMethod.Header.Get("Allow"), "POST") {
		t.Fatalf("GET /api/login: %d allow=%q %s", wrongMethod.Status, wrongMethod.Header.Get("Allow"), wrongMethod.Raw)
	}
	notJSON := testkit.Call(t, base, http.MethodPost, "/api/login", "username=a&password=b", nil,
		"Content-Type", "application/x-www-form-urlencoded")
	if notJSON.Status != 415 {
		t.Fatalf("form body: %d %s, want 415", notJSON.Status, notJSON.Raw)
	}
	bad := testkit.Call(t, base, http.MethodPost, "/api/login", "{not json", nil, "Content-Type", "application/json")
	if bad.Status != 400 {
		t.Fatalf("malformed JSON: %d %s, want 400", bad.Status, bad.Raw)
	}

	sent := testkit.Call(t, base, http.MethodPost, "/api/email/send-login-code", map[string]string{"email": "lambda@example.com"}, nil)
	if sent.Status != 200 {
		t.Fatalf("send code: %d %s", sent.Status, sent.Raw)
	}
	m := loggedCode.FindStringSubmatch(fn.Logs())
	if m == nil {
		t.Fatalf("no code in the function's log:\n%s", fn.Logs())
	}
	login := testkit.Call(t, base, http.MethodPost, "/api/email/login", map[string]string{"email": "lambda@example.com", "code": m[1]}, nil)
	if login.Status != 200 {
		t.Fatalf("email login: %d %s", login.Status, login.Raw)
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: login.Header}).Cookies() {
		if c.Name == "session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie through the gateway = %+v (Set-Cookie %q)", session, login.Header.Values("Set-Cookie"))
	}
	profile := testkit.Call(t, base, http.MethodGet, "/api/profile", nil, &http.Cookie{Name: "session", Value: session.Value})
	if profile.Status != 200 || !strings.Contains(string(profile.Raw), "lambda@example.com") {
		t.Fatalf("profile with the cookie: %d %s", profile.Status, profile.Raw)
	}
	if strings.Contains(fn.Logs(), session.Value) {
		t.Fatal("the session cookie's value appears in the function's log")
	}
}

// TestInitFailureIsReported: a function that cannot start (here, a
// database URL of the wrong kind) exits with its reason in the log, and
// the gateway answers 5xx instead of hanging.
func TestInitFailureIsReported(t *testing.T) {
	fn := testkit.StartLambdaFunction(t, "auth", testkit.FunctionEnv(t, "postgres://db.invalid/quiz"))
	r := testkit.Call(t, fn.URL, http.MethodGet, "/api/profile", nil, nil)
	if r.Status < 500 {
		t.Fatalf("request to a function that failed its init: %d %s, want 5xx", r.Status, r.Raw)
	}
	if !strings.Contains(fn.Logs(), "must start with file:, libsql://") {
		t.Fatalf("the init error is not in the function's log:\n%s", fn.Logs())
	}
}
