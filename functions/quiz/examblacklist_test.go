package quiz_test

import (
	"fmt"
	"net/http"
	"testing"
)

// An exam drawn before an admin blacklisted its subject stops serving,
// grading and copying that subject's questions: get, save_draft, submit
// and to-mistakes answer 403 and write nothing.
func TestExamOfLaterBlacklistedSubject(t *testing.T) {
	w := newWorld(t)
	create := w.call(t, "POST", "/api/exams/create", map[string]any{
		"subject": "计算机网络", "types": map[string]any{"选择题": 5, "判断题": 5}}, w.tok)
	if create.Status != http.StatusOK {
		t.Fatalf("create: %d %s", create.Status, create.Raw)
	}
	examID := int64(create.JSON["exam_id"].(float64))
	got := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%d", examID), nil, w.tok))
	qs := got["questions"].([]any)
	if len(qs) == 0 {
		t.Fatal("the exam drew no questions")
	}
	qid := qs[0].(map[string]any)["id"]

	if _, err := w.env.Deps.DB.Exec(`INSERT INTO user_subjects (user_id, subject_id)
		SELECT ?, id FROM subjects WHERE name = '计算机网络'`, w.student.ID); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w.env)
	answers := []map[string]any{{"question_id": qid, "user_answer": "A"}}
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", fmt.Sprintf("/api/exams/%d", examID), nil},
		{"POST", "/api/exams/save_draft", map[string]any{"exam_id": examID, "answers": answers}},
		{"POST", "/api/exams/submit", map[string]any{"exam_id": examID, "answers": answers}},
	} {
		r := w.call(t, tc.method, tc.path, tc.body, w.tok)
		if r.Status != http.StatusForbidden || r.JSON["status"] != "forbidden" {
			t.Errorf("%s %s: %d %s, want 403 forbidden", tc.method, tc.path, r.Status, r.Raw)
		}
	}
	if after := snapshot(t, w.env); after != before {
		t.Fatalf("refused exam requests changed the database:\n%s\n---\n%s", before, after)
	}

	// Submitted before the restriction: copying its wrong answers into the
	// mistake book is refused too.
	if _, err := w.env.Deps.DB.Exec(`DELETE FROM user_subjects WHERE user_id = ?`, w.student.ID); err != nil {
		t.Fatal(err)
	}
	if r := w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": examID, "answers": answers}, w.tok); r.Status != http.StatusOK {
		t.Fatalf("submit while allowed: %d %s", r.Status, r.Raw)
	}
	if _, err := w.env.Deps.DB.Exec(`INSERT INTO user_subjects (user_id, subject_id)
		SELECT ?, id FROM subjects WHERE name = '计算机网络'`, w.student.ID); err != nil {
		t.Fatal(err)
	}
	r := w.call(t, "POST", fmt.Sprintf("/api/exams/%d/mistakes", examID), map[string]any{}, w.tok)
	if r.Status != http.StatusForbidden {
		t.Fatalf("to-mistakes after the restriction: %d %s", r.Status, r.Raw)
	}
	var mistakes int
	if err := w.env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM mistakes WHERE user_id = ?`, w.student.ID).Scan(&mistakes); err != nil || mistakes != 0 {
		t.Fatalf("mistakes written: %d %v", mistakes, err)
	}
}
