package quiz_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// snapshot summarises every table the quiz group writes, so a refused
// request can be shown to have changed nothing.
func snapshot(t *testing.T, env *testkit.Env) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) || ':' || COALESCE(SUM(wrong_count), 0) FROM mistakes`,
		`SELECT COUNT(*) FROM favorites`,
		`SELECT COUNT(*) || ':' || COALESCE(SUM(is_correct), 0) FROM user_answers`,
		`SELECT COUNT(*) || ':' || COALESCE(GROUP_CONCAT(status || total_score), '') FROM exams`,
		`SELECT COUNT(*) || ':' || COALESCE(GROUP_CONCAT(COALESCE(user_answer, '~')), '') FROM exam_questions`,
		`SELECT COUNT(*) || ':' || COALESCE(GROUP_CONCAT(data), '') FROM user_progress`,
		`SELECT COUNT(*) FROM user_tags`,
		`SELECT COUNT(*) FROM user_question_tags`,
		`SELECT GROUP_CONCAT(content || q_type || options || answer, '|') FROM questions`,
		`SELECT COUNT(*) FROM user_quiz_stats`,
	} {
		var s string
		if err := env.Deps.DB.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	w := newWorld(t)
	other := w.env.CreateUser("other", "Other12345", false)
	otherTok := testkit.Bearer(w.env.Token(other))
	adminCookie := w.env.Cookie(w.admin)
	// Some state to protect: an exam of the other user, a draft, progress.
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{"选择题": 1}}, otherTok)
	theirs := int(num(t, r.JSON["exam_id"]))
	r = w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{"选择题": 1}}, w.tok)
	mine := int(num(t, r.JSON["exam_id"]))
	w.call(t, "POST", "/api/progress", map[string]any{"key": "quiz_progress_x", "data": map[string]any{"order": []int{1}}}, w.tok)
	q1 := w.bank[0].ID

	tests := []struct {
		name, method, path string
		body               any
		auth               any
		want               int
	}{
		{"unknown subject list", "GET", "/api/quiz/questions?subject=没有这个科目", nil, w.tok, 404},
		{"unknown subject info", "GET", "/api/quiz/subjects/没有这个科目/info", nil, w.tok, 404},
		{"unknown subject search", "GET", "/api/quiz/search?keyword=a&subject=没有这个科目", nil, w.tok, 404},
		{"non-numeric question id", "GET", "/api/quiz/questions/abc", nil, w.tok, 404},
		{"negative question id", "GET", "/api/quiz/questions/-1", nil, w.tok, 404},
		{"huge question id", "GET", "/api/quiz/questions/99999999999999999999", nil, w.tok, 404},
		{"unknown question", "GET", "/api/quiz/questions/424242", nil, w.tok, 404},
		{"bad seed", "GET", "/api/quiz/questions?shuffle_questions=1&seed=x", nil, w.tok, 400},
		{"record non-numeric id", "POST", "/api/quiz/record_result", map[string]any{"question_id": "abc", "is_correct": true}, w.tok, 400},
		{"record unknown question", "POST", "/api/quiz/record_result", map[string]any{"question_id": 424242, "is_correct": false}, w.tok, 404},
		{"record odd flag", "POST", "/api/quiz/record_result", map[string]any{"question_id": q1, "is_correct": "maybe"}, w.tok, 400},
		{"record null flag", "POST", "/api/quiz/record_result", map[string]any{"question_id": q1, "is_correct": nil}, w.tok, 400},
		{"record array body", "POST", "/api/quiz/record_result", []int{1}, w.tok, 400},
		{"record not json", "POST", "/api/quiz/record_result", "question_id=1", w.tok, 415},
		{"favorite array id", "POST", "/api/quiz/favorite", map[string]any{"question_id": []int{1}}, w.tok, 400},
		{"favorite fraction id", "POST", "/api/quiz/favorite", map[string]any{"question_id": 1.5}, w.tok, 400},
		{"favorite unknown", "POST", "/api/quiz/favorite", map[string]any{"question_id": 424242}, w.tok, 400},
		{"progress reserved key", "POST", "/api/progress", map[string]any{"key": "question_tags_v1", "data": 1}, w.tok, 400},
		{"progress auth key", "GET", "/api/progress?key=web_login_session:abc", nil, w.tok, 400},
		{"progress missing key", "POST", "/api/quiz/progress", map[string]any{"data": 1}, w.tok, 400},
		{"progress delete missing key", "DELETE", "/api/progress", nil, w.tok, 400},
		{"tag reserved", "POST", "/api/quiz/tags", map[string]any{"name": "ALL"}, w.tok, 400},
		{"tag blank", "POST", "/api/quiz/tags", map[string]any{"name": "   "}, w.tok, 400},
		{"tag wrong type", "POST", "/api/quiz/tags", map[string]any{"name": 5}, w.tok, 400},
		{"tags on unknown question", "POST", "/api/quiz/questions/424242/tags", map[string]any{"tags": []string{"a"}}, w.tok, 404},
		{"tags wrong shape", "POST", fmt.Sprintf("/api/quiz/questions/%d/tags", q1), map[string]any{"tags": "a,b"}, w.tok, 400},
		{"tags empty body", "POST", fmt.Sprintf("/api/quiz/questions/%d/tags", q1), map[string]any{}, w.tok, 400},
		{"exam unknown subject", "POST", "/api/exams/create", map[string]any{"subject": "没有这个科目", "types": map[string]int{"选择题": 1}}, w.tok, 400},
		{"exam types not object", "POST", "/api/exams/create", map[string]any{"types": "abc"}, w.tok, 400},
		{"exam count not number", "POST", "/api/exams/create", map[string]any{"types": map[string]any{"选择题": "x"}}, w.tok, 400},
		{"exam duration not number", "POST", "/api/exams/create", map[string]any{"duration": "long"}, w.tok, 400},
		{"exam private bank", "POST", "/api/exams/create", map[string]any{"source": "user_bank", "bank_id": 1}, w.tok, 400},
		{"exam bad source", "POST", "/api/exams/create", map[string]any{"source": "elsewhere"}, w.tok, 400},
		{"other's exam get", "GET", fmt.Sprintf("/api/exams/%d", theirs), nil, w.tok, 404},
		{"other's exam delete", "DELETE", fmt.Sprintf("/api/exams/%d", theirs), nil, w.tok, 403},
		{"other's exam draft", "POST", "/api/exams/save_draft", map[string]any{"exam_id": theirs, "answers": []any{}}, w.tok, 403},
		{"other's exam submit", "POST", "/api/exams/submit", map[string]any{"exam_id": theirs, "answers": []any{}}, w.tok, 400},
		{"other's exam mistakes", "POST", fmt.Sprintf("/api/exams/%d/mistakes", theirs), map[string]any{}, w.tok, 403},
		{"non-numeric exam id", "GET", "/api/exams/abc", nil, w.tok, 404},
		{"exam id text", "POST", "/api/exams/submit", map[string]any{"exam_id": "abc"}, w.tok, 400},
		{"answers not a list", "POST", "/api/exams/submit", map[string]any{"exam_id": mine, "answers": "B"}, w.tok, 400},
		{"answer is an object", "POST", "/api/exams/submit", map[string]any{"exam_id": mine,
			"answers": []map[string]any{{"question_id": q1, "user_answer": map[string]any{"x": 1}}}}, w.tok, 400},
		{"draft answers not a list", "POST", "/api/exams/save_draft", map[string]any{"exam_id": mine, "answers": 5}, w.tok, 400},
		{"mistakes before submit", "POST", fmt.Sprintf("/api/exams/%d/mistakes", mine), map[string]any{}, w.tok, 400},
		{"exam list bad source", "GET", "/api/exams?source=x", nil, w.tok, 400},
		{"student edits", "PUT", fmt.Sprintf("/api/quiz/questions/%d", q1), map[string]any{"content": "x"}, w.tok, 403},
		{"edit content not string", "PUT", fmt.Sprintf("/api/quiz/questions/%d", q1), map[string]any{"content": 5}, adminCookie, 400},
		{"edit empty content", "PUT", fmt.Sprintf("/api/quiz/questions/%d", q1), map[string]any{"content": "  "}, adminCookie, 400},
		{"edit options wrong shape", "PUT", fmt.Sprintf("/api/quiz/questions/%d", q1), map[string]any{"options": 5}, adminCookie, 400},
		{"edit multi one letter", "PUT", fmt.Sprintf("/api/quiz/questions/%d", w.byType("多选题")[0].ID), map[string]any{"answer": "A"}, adminCookie, 400},
		{"anonymous quiz count", "GET", "/api/quiz/questions/count", nil, nil, 401},
		{"anonymous favourites count", "GET", "/api/questions/count?mode=favorites", nil, nil, 401},
		{"session on JWT route", "GET", "/api/quiz/questions", nil, w.env.Cookie(w.student), 401},
		{"garbage token", "POST", "/api/quiz/record_result", map[string]any{"question_id": q1, "is_correct": true}, "Bearer x.y.z", 401},
	}
	before := snapshot(t, w.env)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := w.call(t, tc.method, tc.path, tc.body, tc.auth)
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Raw)
			}
			if r.JSON == nil || r.JSON["status"] == "success" || r.JSON["message"] == "" {
				t.Fatalf("not an error envelope: %s", r.Raw)
			}
			if after := snapshot(t, w.env); after != before {
				t.Fatalf("the database changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// Paging extremes are clamped, never an error and never a 5xx.
func TestPagingExtremes(t *testing.T) {
	w := newWorld(t)
	tests := []struct {
		query            string
		page, perPage, n float64
	}{
		{"page=-5", 1, 20, 6},
		{"page=0&per_page=0", 1, 20, 6},
		{"page=abc&per_page=xyz", 1, 20, 6},
		{"per_page=1000000", 1, 1000, 6},
		{"page=2&per_page=4", 2, 4, 2},
		{"page=99999999999999999999", 1, 20, 6},
		{"page=9223372036854775807", 1 << 40, 20, 0},
		{"page=1000000&per_page=1000", 1000000, 1000, 0},
	}
	for _, tc := range tests {
		d := data(t, w.call(t, "GET", "/api/quiz/questions?"+tc.query, nil, w.tok))
		if num(t, d["page"]) != tc.page || num(t, d["per_page"]) != tc.perPage || float64(len(d["questions"].([]any))) != tc.n ||
			num(t, d["total"]) != 6 {
			t.Errorf("%s: page %v per_page %v items %d total %v", tc.query, d["page"], d["per_page"], len(d["questions"].([]any)), d["total"])
		}
	}
	d := data(t, w.call(t, "GET", "/api/quiz/search?keyword=TCP&per_page=1000", nil, w.tok))
	if num(t, d["per_page"]) != 50 {
		t.Errorf("search per_page = %v, want 50", d["per_page"])
	}
	if r := w.call(t, "GET", "/api/quiz/questions/count?subject=没有这个科目", nil, w.tok); r.Status != http.StatusOK || num(t, r.JSON["count"]) != 0 {
		t.Errorf("count of an unknown subject: %s", r.Raw)
	}
}
