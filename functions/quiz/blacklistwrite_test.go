package quiz_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
)

// TestBlacklistedSubjectRefusesWrites: answers, bookmarks and tags on a
// question of a subject blacklisted for the caller are refused with 403
// (all path aliases) and nothing is written; an admin is not affected.
func TestBlacklistedSubjectRefusesWrites(t *testing.T) {
	w := newWorld(t)
	var netID int64
	if err := w.env.Deps.DB.QueryRow(`SELECT id FROM subjects WHERE name = '计算机网络'`).Scan(&netID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Deps.DB.Exec(`INSERT INTO user_subjects (user_id, subject_id) VALUES (?, ?)`, w.student.ID, netID); err != nil {
		t.Fatal(err)
	}
	if err := question.BumpVersion(context.Background(), w.env.Deps.DB); err != nil {
		t.Fatal(err)
	}
	netQ := w.bank[0]
	if netQ.Subject != "计算机网络" {
		t.Fatalf("first template question is in %q", netQ.Subject)
	}
	before := snapshot(t, w.env)
	for _, tc := range []struct {
		method, path string
		body         any
		status       string
	}{
		{"POST", "/api/quiz/favorite", map[string]any{"question_id": netQ.ID}, "forbidden"},
		{"POST", "/api/favorite", map[string]any{"question_id": netQ.ID}, "forbidden"},
		{"POST", "/api/quiz/record_result", map[string]any{"question_id": netQ.ID, "is_correct": false}, "forbidden"},
		{"POST", "/api/record_result", map[string]any{"question_id": fmt.Sprint(netQ.ID), "is_correct": "0"}, "forbidden"},
		{"GET", fmt.Sprintf("/api/quiz/questions/%d/tags", netQ.ID), nil, "error"},
		{"POST", fmt.Sprintf("/api/quiz/questions/%d/tags", netQ.ID), map[string]any{"tags": []string{"x"}}, "error"},
	} {
		r := w.call(t, tc.method, tc.path, tc.body, w.tok)
		if r.Status != http.StatusForbidden || r.JSON["status"] != tc.status || r.JSON["message"] != "无权访问该科目" {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.Status, r.Raw)
		}
	}
	if after := snapshot(t, w.env); after != before {
		t.Fatalf("refused writes changed the database:\n%s\n---\n%s", before, after)
	}
	// Another subject still works for the student, and the admin is not
	// subject to the blacklist.
	other := w.bank[len(w.bank)-1]
	if other.Subject == "计算机网络" {
		t.Fatalf("last template question is in %q", other.Subject)
	}
	if d := data(t, w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": other.ID}, w.tok)); d["is_favorite"] != true {
		t.Fatalf("favorite elsewhere: %v", d)
	}
	r := w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": other.ID, "is_correct": false}, w.tok)
	if r.Status != http.StatusOK || r.JSON["action"] != "added_mistake" {
		t.Fatalf("record elsewhere: %d %s", r.Status, r.Raw)
	}
	adminTok := testkit.Bearer(w.env.Token(w.admin))
	if _, err := w.env.Deps.DB.Exec(`INSERT INTO user_subjects (user_id, subject_id) VALUES (?, ?)`, w.admin.ID, netID); err != nil {
		t.Fatal(err)
	}
	if d := data(t, w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": netQ.ID}, adminTok)); d["is_favorite"] != true {
		t.Fatalf("admin favorite: %v", d)
	}
	var favs int
	if err := w.env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM favorites WHERE user_id = ? AND question_id = ?`, w.student.ID, netQ.ID).Scan(&favs); err != nil || favs != 0 {
		t.Fatalf("student favourites of the blacklisted question: %d %v", favs, err)
	}
}
