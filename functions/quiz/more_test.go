package quiz_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A database failure in record_result is a 500 carrying both "message"
// and the original's "msg", with no internal detail.
func TestRecordResultFailureEnvelope(t *testing.T) {
	w := newWorld(t)
	if _, err := w.env.Deps.DB.Exec(`DROP TABLE user_answers`); err != nil {
		t.Fatal(err)
	}
	r := w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": w.bank[0].ID, "is_correct": true}, w.tok)
	if r.Status != http.StatusInternalServerError || r.JSON["status"] != "error" || r.JSON["message"] == nil ||
		r.JSON["msg"] != r.JSON["message"] {
		t.Fatalf("failure answer: %d %s", r.Status, r.Raw)
	}
	if strings.Contains(string(r.Raw), "user_answers") || strings.Contains(string(r.Raw), "SQL") {
		t.Fatalf("the answer leaks internals: %s", r.Raw)
	}
}

func TestTagLimits(t *testing.T) {
	w := newWorld(t)
	long := strings.Repeat("长", 30)
	r := w.call(t, "POST", "/api/quiz/tags", map[string]any{"tag_name": "  很  长\t" + long}, w.tok)
	if d := data(t, r); d["tag"] != "很 长 "+strings.Repeat("长", 16) {
		t.Fatalf("normalised tag = %q", d["tag"])
	}
	for i := 1; i < 200; i++ {
		if r := w.call(t, "POST", "/api/quiz/tags", map[string]any{"name": fmt.Sprintf("t%03d", i)}, w.tok); r.Status != 200 {
			t.Fatalf("tag %d: %s", i, r.Raw)
		}
	}
	if r := w.call(t, "POST", "/api/quiz/tags", map[string]any{"name": "t001"}, w.tok); r.Status != 200 {
		t.Fatalf("re-creating an existing tag at the limit: %s", r.Raw)
	}
	if r := w.call(t, "POST", "/api/quiz/tags", map[string]any{"name": "one too many"}, w.tok); r.Status != 400 {
		t.Fatalf("tag 201: %d %s", r.Status, r.Raw)
	}
	var names []string
	for i := 1; i <= 21; i++ {
		names = append(names, fmt.Sprintf("t%03d", i))
	}
	path := fmt.Sprintf("/api/quiz/questions/%d/tags", w.bank[0].ID)
	if r := w.call(t, "POST", path, map[string]any{"tags": names}, w.tok); r.Status != 400 {
		t.Fatalf("21 tags on a question: %d", r.Status)
	}
	if r := w.call(t, "POST", path, map[string]any{"tags": names[:20]}, w.tok); r.Status != 200 {
		t.Fatalf("20 tags on a question: %s", r.Raw)
	}
	d := data(t, w.call(t, "POST", path, map[string]any{"remove": []string{"t001", "t002"}, "add": "t021"}, w.tok))
	if got := fmt.Sprint(d["tags"]); !strings.HasSuffix(got, "t020 t021]") || strings.Contains(got, "t001") {
		t.Fatalf("after add/remove: %s", got)
	}
	if d := data(t, w.call(t, "POST", path, map[string]any{"tags": []string{}}, w.tok)); len(d["tags"].([]any)) != 0 {
		t.Fatalf("empty list did not clear: %v", d)
	}
}

func TestHistoryStatistics(t *testing.T) {
	w := newWorld(t)
	for i, q := range w.bank {
		w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q.ID, "is_correct": i%2 == 0}, w.tok)
	}
	cookie := w.env.Cookie(w.student)
	daily := w.call(t, "GET", "/api/stats/daily?days=7", nil, cookie)
	days, _ := daily.JSON["data"].([]any)
	if len(days) != 7 {
		t.Fatalf("daily: %s", daily.Raw)
	}
	today := days[6].(map[string]any)
	if today["date"] != time.Now().UTC().Format("2006-01-02") || num(t, today["total"]) != 6 || num(t, today["correct"]) != 3 {
		t.Fatalf("today = %v", today)
	}
	bySubject := w.call(t, "GET", "/api/stats/by_subject", nil, cookie)
	if fmt.Sprint(bySubject.JSON["data"]) != "[map[correct:1 subject:操作系统 total:2] map[correct:1 subject:数据结构 total:2] map[correct:1 subject:计算机网络 total:2]]" {
		t.Fatalf("by subject: %s", bySubject.Raw)
	}
	byType := w.call(t, "GET", "/api/stats/by_type", nil, cookie)
	first := byType.JSON["data"].([]any)[0].(map[string]any)
	if first["q_type"] != "填空题" || num(t, first["total"]) != 2 {
		t.Fatalf("by type: %s", byType.Raw)
	}
	st := data(t, w.call(t, "GET", "/api/user/stats", nil, cookie))
	if num(t, st["accuracy"]) != 50 || num(t, st["total_questions"]) != 6 {
		t.Fatalf("user stats: %v", st)
	}
}

// A change made by another process (only the database row is bumped)
// reaches this process's cache within the re-check interval.
func TestCacheSeesOtherProcessesWithinASecond(t *testing.T) {
	w := newWorld(t)
	q := w.bank[0]
	path := fmt.Sprintf("/api/quiz/questions/%d", q.ID)
	if d := data(t, w.call(t, "GET", path, nil, w.tok)); d["content"] != q.Content {
		t.Fatalf("detail = %v", d)
	}
	if _, err := w.env.Deps.DB.Exec(`UPDATE questions SET content = 'changed elsewhere' WHERE id = ?`, q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Deps.DB.Exec(`UPDATE quiz_content_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		d := data(t, w.call(t, "GET", path, nil, w.tok))
		if d["content"] == "changed elsewhere" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still cached after 3 s: %v", d["content"])
		}
		time.Sleep(100 * time.Millisecond)
	}
}
