package main

import (
	"net/http"
	"testing"

	"quizbank/shared/testkit"
)

// TestColdStart measures the function's first invocation under the
// emulator (figures in the README's "Measured").
func TestColdStart(t *testing.T) { testkit.ColdStarts(t, "explain", "/api/quiz/ai/explain", 405) }

// TestExplainWithoutProviderThroughGateway: with no API key configured
// the function answers the placeholder, and refuses bad input with 4xx.
func TestExplainWithoutProviderThroughGateway(t *testing.T) {
	db := testkit.FileDB(t)
	acct := testkit.SeedAccount(t, db, "student", false)
	base := testkit.StartLambda(t, "explain", testkit.FunctionEnv(t, db, "DASHSCOPE_API_KEY", ""))

	if r := testkit.Call(t, base, http.MethodPost, "/api/quiz/ai/explain", map[string]any{"content": "1+1=?"}, nil); r.Status != 401 {
		t.Fatalf("anonymous explain: %d %s, want 401", r.Status, r.Raw)
	}
	inline := map[string]any{"content": "1+1=?", "q_type": "选择题", "options": []string{"A. 1", "B. 2"}, "answer": "B"}
	r := testkit.Call(t, base, http.MethodPost, "/api/quiz/ai/explain", inline, acct.Bearer)
	if r.Status != 200 || r.JSON["status"] != "success" {
		t.Fatalf("inline explain: %d %s", r.Status, r.Raw)
	}
	for _, body := range []any{map[string]any{}, "[1,2", map[string]any{"question_id": "abc"}} {
		r := testkit.Call(t, base, http.MethodPost, "/api/quiz/ai/explain", body, acct.Bearer, "Content-Type", "application/json")
		if r.Status < 400 || r.Status >= 500 {
			t.Fatalf("explain %v: %d %s, want a 4xx", body, r.Status, r.Raw)
		}
	}
}
