package main

import (
	"net/http"
	"testing"

	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

// TestColdStart measures the function's first invocation under the
// emulator (figures in the README's "Measured").
func TestColdStart(t *testing.T) { testkit.ColdStarts(t, "quiz", "/api/quiz/subjects", 401) }

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
