package quiz_test

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
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

// TestEditChecksChoiceAnswersAgainstOptions: a 选择题 answer must be one
// option letter and a 多选题 answer at least two of them; refusals leave
// the row as it was.
func TestEditChecksChoiceAnswersAgainstOptions(t *testing.T) {
	w := newWorld(t)
	admin := w.env.Cookie(w.admin)
	single, multiple := w.byType(question.Single)[0], w.byType(question.Multiple)[0]
	stored := func(id int64) string {
		var s string
		if err := w.env.Deps.DB.QueryRow(`SELECT answer FROM questions WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		q      int64
		body   map[string]any
		status int
	}{
		{single.ID, map[string]any{"answer": "E"}, http.StatusBadRequest},  // four options, A–D
		{single.ID, map[string]any{"answer": "AB"}, http.StatusBadRequest}, // two letters
		{single.ID, map[string]any{"answer": ""}, http.StatusBadRequest},
		{single.ID, map[string]any{"options": []string{"只有一个"}, "answer": "B"}, http.StatusBadRequest},
		{multiple.ID, map[string]any{"answer": "A"}, http.StatusBadRequest},
		{multiple.ID, map[string]any{"answer": "AZ"}, http.StatusBadRequest},
	} {
		before := stored(tc.q)
		r := w.call(t, "PUT", fmt.Sprintf("/api/quiz/questions/%d", tc.q), tc.body, admin)
		if r.Status != tc.status || r.JSON["status"] != "error" {
			t.Errorf("%v: %d %s, want %d", tc.body, r.Status, r.Raw, tc.status)
		}
		if got := stored(tc.q); got != before {
			t.Errorf("%v: answer became %q after a refusal", tc.body, got)
		}
	}
	r := w.call(t, "PUT", fmt.Sprintf("/api/quiz/questions/%d", single.ID), map[string]any{"answer": " B "}, admin)
	if d := data(t, r); d["answer"] != "B" {
		t.Errorf("valid single answer: %v", d["answer"])
	}
	// A row that already holds a stray answer can still get a typo fix;
	// only an edit of the answer, options or type is checked.
	if _, err := w.env.Deps.DB.Exec(`UPDATE questions SET answer = 'AB' WHERE id = ?`, single.ID); err != nil {
		t.Fatal(err)
	}
	r = w.call(t, "PUT", fmt.Sprintf("/api/quiz/questions/%d", single.ID), map[string]any{"explanation": "改正错别字"}, admin)
	if d := data(t, r); d["explanation"] != "改正错别字" || d["answer"] != "AB" {
		t.Errorf("typo fix on a stray-answer row: %v", d)
	}
}

// TestEditIsSeenAtOnceUnderConcurrentReads: while others read the same
// question, the edit's own answer and the next read carry the new text.
// (Bumping the process's content count before the commit let a
// concurrent read cache the old row for a second: ~5 % of edits.)
func TestEditIsSeenAtOnceUnderConcurrentReads(t *testing.T) {
	w := newWorldWith(t, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	admin := w.env.Cookie(w.admin)
	q := w.bank[0]
	path := fmt.Sprintf("/api/quiz/questions/%d", q.ID)
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 6 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
					req, _ := http.NewRequest("GET", w.srv.URL+path, nil)
					req.Header.Set("Authorization", w.tok)
					if resp, err := http.DefaultClient.Do(req); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			}
		}()
	}
	stale := 0
	for i := range 150 {
		text := fmt.Sprintf("改过的题干 %d", i)
		if d := data(t, w.call(t, "PUT", path, map[string]any{"content": text}, admin)); d["content"] != text {
			stale++
		}
		if d := data(t, w.call(t, "GET", path, nil, w.tok)); d["content"] != text {
			stale++
		}
	}
	close(stop)
	readers.Wait()
	if stale > 0 {
		t.Errorf("%d of 300 answers after an edit carried older text", stale)
	}
}
