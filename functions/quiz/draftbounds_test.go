package quiz_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/question"
)

// TestExamAnswerBounds: a draft or a submission may carry at most one
// item per exam question and answers of at most 10,000 characters;
// anything more is a 400 that writes nothing.
func TestExamAnswerBounds(t *testing.T) {
	w := newWorld(t)
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{question.Essay: 5, question.Single: 5}}, w.tok)
	id := num(t, r.JSON["exam_id"])
	exam := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", id), nil, w.tok))
	qs := exam["questions"].([]any)
	wantN := len(w.byType(question.Essay)) + len(w.byType(question.Single))
	if len(qs) != wantN || wantN < 2 {
		t.Fatalf("exam has %d questions, want %d", len(qs), wantN)
	}
	essay := w.byType(question.Essay)[0]
	items := func(n int, answer string) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"question_id": qs[i%len(qs)].(map[string]any)["id"], "user_answer": answer}
		}
		return out
	}
	before := snapshot(t, w.env)
	for _, tc := range []struct {
		name, path string
		answers    any
	}{
		{"draft with more items than questions", "/api/exams/save_draft", items(len(qs)+1, "A")},
		{"draft with an answer of 10,001 characters", "/api/exams/save_draft",
			[]map[string]any{{"question_id": essay.ID, "user_answer": strings.Repeat("答", 10001)}}},
		{"draft with a long fill-in array", "/api/exams/save_draft",
			[]map[string]any{{"question_id": essay.ID, "user_answer": []string{strings.Repeat("x", 5000), strings.Repeat("y", 5000)}}}},
		{"submit with more items than questions", "/api/exams/submit", items(len(qs)+1, "A")},
		{"submit with an answer of 10,001 characters", "/api/exams/submit",
			[]map[string]any{{"question_id": essay.ID, "user_answer": strings.Repeat("x", 10001)}}},
	} {
		r := w.call(t, "POST", tc.path, map[string]any{"exam_id": id, "answers": tc.answers}, w.tok)
		if r.Status != http.StatusBadRequest || r.JSON["status"] != "error" {
			t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
		}
	}
	if after := snapshot(t, w.env); after != before {
		t.Fatalf("refused answers changed the database:\n%s\n---\n%s", before, after)
	}
	// At the bounds: one item per question, a 10,000-character essay.
	ok := items(len(qs), "A")
	for _, it := range ok {
		if it["question_id"] == float64(essay.ID) {
			it["user_answer"] = strings.Repeat("答", 10000)
		}
	}
	if r := w.call(t, "POST", "/api/exams/save_draft", map[string]any{"exam_id": id, "answers": ok}, w.tok); r.Status != http.StatusOK {
		t.Fatalf("draft at the bounds: %d %s", r.Status, r.Raw)
	}
	var stored string
	if err := w.env.Deps.DB.QueryRow(`SELECT user_answer FROM exam_questions WHERE exam_id = ? AND question_id = ?`, int64(id), essay.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != strings.Repeat("答", 10000) {
		t.Fatalf("stored essay has %d characters", len([]rune(stored)))
	}
	r = w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": id, "answers": ok}, w.tok)
	if r.Status != http.StatusOK || num(t, r.JSON["total"]) != float64(len(qs)) {
		t.Fatalf("submit at the bounds: %d %s", r.Status, r.Raw)
	}
}
