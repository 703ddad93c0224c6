package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// functionEnv is a function's environment over a fresh file database.
func functionEnv(t *testing.T, extra ...string) map[string]string {
	dir := t.TempDir()
	env := map[string]string{
		"SECRET_KEY":   testkit.SecretKey,
		"DATABASE_URL": "file:" + filepath.Join(dir, "quiz.db"),
		"UPLOAD_DIR":   filepath.Join(dir, "uploads"),
		"LOG_DIR":      filepath.Join(dir, "logs"),
		"INSTANCE_DIR": filepath.Join(dir, "instance"),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// TestAuthFunctionUnderEmulator runs the built bootstrap under the Lambda
// emulator: the session cookie travels through the v2 event's cookies[]
// and the response's cookies, and framework errors keep their shape.
func TestAuthFunctionUnderEmulator(t *testing.T) {
	fn := testkit.StartLambdaFunction(t, "auth", functionEnv(t))
	base := fn.URL

	unknown := testkit.Call(t, base, http.MethodGet, "/api/no-such-route", nil, nil)
	if unknown.Status != 404 || unknown.JSON["status_code"] != 404.0 {
		t.Fatalf("unknown route: %d %s", unknown.Status, unknown.Raw)
	}
	if fn.InitDuration() <= 0 {
		t.Fatalf("no Init Duration in the emulator log after the first call:\n%s", fn.Logs())
	}
	if !strings.Contains(fn.Logs(), "function ready") {
		t.Fatalf("the function did not log its ready line:\n%s", fn.Logs())
	}

	bad := testkit.Call(t, base, http.MethodPost, "/api/login", "{not json", nil, "Content-Type", "application/json")
	if bad.Status != 400 || bad.JSON["status"] == "success" {
		t.Fatalf("malformed JSON: %d %s", bad.Status, bad.Raw)
	}
	wrongMethod := testkit.Call(t, base, http.MethodGet, "/api/login", nil, nil)
	if wrongMethod.Status != 405 || wrongMethod.Header.Get("Allow") == "" {
		t.Fatalf("GET /api/login: %d allow=%q %s", wrongMethod.Status, wrongMethod.Header.Get("Allow"), wrongMethod.Raw)
	}
	noSession := testkit.Call(t, base, http.MethodGet, "/api/profile", nil, nil)
	if noSession.Status != 401 {
		t.Fatalf("profile without a session: %d %s", noSession.Status, noSession.Raw)
	}
}
