package main

import (
	"net/http"
	"path/filepath"
	"testing"

	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

func fileDB(t *testing.T) string { return "file:" + filepath.Join(t.TempDir(), "quiz.db") }

func remoteDB(t *testing.T) string { return hranatest.New(t) }

// TestColdStart measures the function's first invocation under the
// emulator over a file and over a remote database: on a new database
// (the cold start applies the migrations) and on one already migrated.
func TestColdStart(t *testing.T) {
	for name, url := range map[string]func(*testing.T) string{"file": fileDB, "remote": remoteDB} {
		t.Run(name, func(t *testing.T) {
			db := url(t)
			fresh := testkit.MeasureColdStart(t, "quiz", testkit.FunctionEnv(t, db), "/api/quiz/subjects", 401)
			again := testkit.MeasureColdStart(t, "quiz", testkit.FunctionEnv(t, db), "/api/quiz/subjects", 401)
			t.Logf("quiz cold start, %s database: new database (runs migrations) emulator %v / function %v; "+
				"migrated database emulator %v / function %v", name, fresh.Emulator, fresh.Function, again.Emulator, again.Function)
		})
	}
}

// TestGuardsAndQueriesThroughGateway checks the JWT guard and query
// strings (repeated keys, percent-encoded Chinese) under the emulator.
func TestGuardsAndQueriesThroughGateway(t *testing.T) {
	db := hranatest.New(t)
	acct := testkit.SeedAccount(t, db, "student", false)
	base := testkit.StartLambda(t, "quiz", testkit.FunctionEnv(t, db))

	for _, c := range []struct {
		auth any
		want int
	}{{nil, 401}, {"Bearer not-a-jwt", 401}, {acct.Bearer, 200}, {acct.Cookie, 200}} {
		r := testkit.Call(t, base, http.MethodGet, "/api/quiz/subjects", nil, c.auth)
		if r.Status != c.want {
			t.Fatalf("subjects with %v: %d %s, want %d", c.auth, r.Status, r.Raw, c.want)
		}
	}
	q := testkit.Call(t, base, http.MethodGet,
		"/api/quiz/questions?subject=all&tag=%E6%98%93%E9%94%99&tag=b&page=1&per_page=5", nil, acct.Bearer)
	if q.Status != 200 || q.JSON["status"] != "success" {
		t.Fatalf("questions with repeated tags: %d %s", q.Status, q.Raw)
	}
	missing := testkit.Call(t, base, http.MethodGet, "/api/quiz/questions/999999", nil, acct.Bearer)
	if missing.Status != 404 {
		t.Fatalf("missing question: %d %s, want 404", missing.Status, missing.Raw)
	}
}
