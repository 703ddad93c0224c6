package quiz_test

import (
	"fmt"
	"net/http"
	"testing"

	"quizbank/shared/question"
)

// TestEditRefusesUnknownQuestionTypes: PUT /api/quiz/questions/{id}
// takes only the five types; anything else is a 400 and the stored row
// keeps its type. A valid change of type is stored.
func TestEditRefusesUnknownQuestionTypes(t *testing.T) {
	w := newWorld(t)
	adminCookie := w.env.Cookie(w.admin)
	q := w.byType(question.FillBlank)[0]
	path := fmt.Sprintf("/api/quiz/questions/%d", q.ID)
	storedType := func() string {
		var s string
		if err := w.env.Deps.DB.QueryRow(`SELECT q_type FROM questions WHERE id = ?`, q.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, bad := range []string{"' OR 1=1 --", "单选题", "选择题 x", "essay"} {
		r := w.call(t, "PUT", path, map[string]any{"q_type": bad}, adminCookie)
		if r.Status != http.StatusBadRequest || r.JSON["status"] != "error" {
			t.Fatalf("q_type %q: %d %s", bad, r.Status, r.Raw)
		}
		if got := storedType(); got != question.FillBlank {
			t.Fatalf("after refused %q the type is %q", bad, got)
		}
	}
	r := w.call(t, "PUT", path, map[string]any{"q_type": question.Essay}, adminCookie)
	if d := data(t, r); d["q_type"] != question.Essay {
		t.Fatalf("valid type change: %v", d)
	}
	if got := storedType(); got != question.Essay {
		t.Fatalf("stored type %q, want %q", got, question.Essay)
	}
}
