package quiz_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// progressState is the student's progress rows: count, total bytes and
// a digest of the keys and values.
func progressState(t *testing.T, w *world) string {
	t.Helper()
	var s string
	if err := w.env.Deps.DB.QueryRow(`SELECT COUNT(*) || ':' || COALESCE(SUM(length(CAST(data AS BLOB))), 0) || ':' ||
		COALESCE(SUM(length(p_key) * id), 0) FROM user_progress WHERE user_id = ?`, w.student.ID).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// jsonString is a JSON string value that compacts to exactly n bytes.
func jsonString(n int) string { return `"` + strings.Repeat("x", n-2) + `"` }

func TestProgressBounds(t *testing.T) {
	w := newWorld(t)
	save := func(key, raw string) testkit.Response {
		t.Helper()
		body := fmt.Sprintf(`{"key":%q,"data":%s}`, key, raw)
		return testkit.Call(t, w.srv.URL, "POST", "/api/progress", body, w.tok, "Content-Type", "application/json")
	}
	refused := func(name string, r testkit.Response, status int) {
		t.Helper()
		if r.Status != status || r.JSON["status"] != "error" || r.JSON["message"] == "" {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
	}

	// Value size: 256 KiB of compact JSON is stored, one byte more is a
	// 413; whitespace the client sent does not count.
	const limit = 256 << 10
	if r := save("big", jsonString(limit)); r.Status != http.StatusOK {
		t.Fatalf("value of exactly the limit: %d %s", r.Status, r.Raw)
	}
	if r := save("spaced", "[1,   2,    3]"); r.Status != http.StatusOK {
		t.Fatalf("small value: %d", r.Status)
	}
	before := progressState(t, w)
	refused("value over the limit", save("big", jsonString(limit+1)), http.StatusRequestEntityTooLarge)
	refused("new key over the limit", save("other", jsonString(limit+1)), http.StatusRequestEntityTooLarge)
	if got := progressState(t, w); got != before {
		t.Fatalf("refused values changed progress: %s → %s", before, got)
	}
	r := w.call(t, "GET", "/api/progress?key=big", nil, w.tok)
	if s, _ := r.JSON["data"].(string); len(s) != limit-2 {
		t.Fatalf("stored value has %d characters, want %d", len(s), limit-2)
	}

	// Key length: 200 characters (not bytes) pass, 201 do not, on every verb.
	long := strings.Repeat("键", 200)
	if r := save(long, "1"); r.Status != http.StatusOK {
		t.Fatalf("200-character key: %d %s", r.Status, r.Raw)
	}
	before = progressState(t, w)
	refused("201-character key", save(long+"k", "1"), http.StatusBadRequest)
	refused("201-character key read", w.call(t, "GET", "/api/progress?key="+url.QueryEscape(long+"k"), nil, w.tok), http.StatusBadRequest)
	refused("201-character key delete", w.call(t, "DELETE", "/api/quiz/progress?key="+url.QueryEscape(long+"k"), nil, w.tok), http.StatusBadRequest)
	if got := progressState(t, w); got != before {
		t.Fatalf("refused key changed progress: %s → %s", before, got)
	}

	// Key count: up to 500 keys per user; a 501st is a 400, but existing
	// keys can still be rewritten and a deleted key frees a place.
	if _, err := w.env.Deps.DB.Exec(`WITH RECURSIVE n(i) AS (SELECT 4 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
		INSERT INTO user_progress (user_id, p_key, data) SELECT ?, 'k' || i, '1' FROM n`, w.student.ID); err != nil {
		t.Fatal(err)
	}
	if r := save("k500", "1"); r.Status != http.StatusOK {
		t.Fatalf("500th key: %d %s", r.Status, r.Raw)
	}
	before = progressState(t, w)
	if !strings.HasPrefix(before, "500:") {
		t.Fatalf("progress state %s, want 500 keys", before)
	}
	refused("501st key", save("k501", "1"), http.StatusBadRequest)
	refused("501st key on the alias", testkit.Call(t, w.srv.URL, "POST", "/api/quiz/progress",
		`{"key":"k502","data":1}`, w.tok, "Content-Type", "application/json"), http.StatusBadRequest)
	if got := progressState(t, w); got != before {
		t.Fatalf("refused key changed progress: %s → %s", before, got)
	}
	if r := save("k500", `{"order":[3,2,1]}`); r.Status != http.StatusOK {
		t.Fatalf("rewriting an existing key at the limit: %d %s", r.Status, r.Raw)
	}
	w.call(t, "DELETE", "/api/progress?key=k4", nil, w.tok)
	if r := save("k501", "1"); r.Status != http.StatusOK {
		t.Fatalf("new key after a delete: %d %s", r.Status, r.Raw)
	}

	// Another user is not affected by the student's count.
	other := testkit.Bearer(w.env.Token(w.admin))
	r = testkit.Call(t, w.srv.URL, "POST", "/api/progress", `{"key":"k501","data":1}`, other, "Content-Type", "application/json")
	if r.Status != http.StatusOK {
		t.Fatalf("admin's first key: %d %s", r.Status, r.Raw)
	}
}

func TestProgressTotalBound(t *testing.T) {
	w := newWorld(t)
	// 64 values of 256 KiB fill the 16 MiB a user may store.
	if _, err := w.env.Deps.DB.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 64)
		INSERT INTO user_progress (user_id, p_key, data) SELECT ?, 'k' || i, '"' || substr(hex(zeroblob(131071)), 1, 262142) || '"' FROM n`,
		w.student.ID); err != nil {
		t.Fatal(err)
	}
	before := progressState(t, w)
	if before[:len("64:16777216")] != "64:16777216" {
		t.Fatalf("seeded state %s", before)
	}
	r := testkit.Call(t, w.srv.URL, "POST", "/api/progress", `{"key":"one_more","data":1}`, w.tok, "Content-Type", "application/json")
	if r.Status != http.StatusRequestEntityTooLarge || r.JSON["status"] != "error" {
		t.Fatalf("save past the total: %d %s", r.Status, r.Raw)
	}
	if got := progressState(t, w); got != before {
		t.Fatalf("refused save changed progress: %s → %s", before, got)
	}
	// Shrinking an existing value is allowed at the limit.
	r = testkit.Call(t, w.srv.URL, "POST", "/api/progress", `{"key":"k1","data":1}`, w.tok, "Content-Type", "application/json")
	if r.Status != http.StatusOK {
		t.Fatalf("shrinking a value: %d %s", r.Status, r.Raw)
	}
	r = testkit.Call(t, w.srv.URL, "POST", "/api/progress", `{"key":"one_more","data":1}`, w.tok, "Content-Type", "application/json")
	if r.Status != http.StatusOK {
		t.Fatalf("small save after freeing room: %d %s", r.Status, r.Raw)
	}
}
