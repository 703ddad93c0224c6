package adminconfig_test

import (
	"fmt"
	"testing"
)

// A question whose stored type is outside the five (tolerated by the data
// model; migrated banks have 简答题) can still have its other fields
// edited, while a type that is sent must be one of the five.
func TestEditQuestionWithStoredOddType(t *testing.T) {
	s := newSite(t)
	db := s.env.Deps.DB
	var id int64
	if err := db.QueryRow(`INSERT INTO questions (content, q_type, answer) VALUES ('What is TCP?', '简答题', 'a protocol') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/api/questions/%d", "/admin/questions/%d"} {
		r := s.call(t, "PUT", fmt.Sprintf(path, id), map[string]any{"explanation": "why " + path})
		if r.Status != 200 {
			t.Fatalf("PUT %s without q_type: %d %s", path, r.Status, r.Raw)
		}
	}
	var qtype, expl string
	if err := db.QueryRow(`SELECT q_type, explanation FROM questions WHERE id = ?`, id).Scan(&qtype, &expl); err != nil {
		t.Fatal(err)
	}
	if qtype != "简答题" || expl != "why /admin/questions/%d" {
		t.Fatalf("stored q_type %q explanation %q", qtype, expl)
	}
	r := s.call(t, "PUT", fmt.Sprintf("/admin/api/questions/%d", id), map[string]any{"q_type": "计算题"})
	if r.Status != 400 {
		t.Fatalf("PUT with an odd q_type: %d %s, want 400", r.Status, r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/questions", map[string]any{"content": "x", "answer": "y"}); r.Status != 400 {
		t.Fatalf("create without q_type: %d %s, want 400", r.Status, r.Raw)
	}
}
