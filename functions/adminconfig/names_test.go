package adminconfig_test

import (
	"testing"
)

// Names other people see must not hide control characters, and must not
// collide with lookup rules ("@" means e-mail at login, "all" is the
// subject wildcard).
func TestNamesAreChecked(t *testing.T) {
	s := newSite(t)
	cases := []struct {
		path string
		body map[string]any
	}{
		{"/admin/api/subjects", map[string]any{"name": "all"}},
		{"/admin/api/subjects", map[string]any{"name": "网\u0000络"}},
		{"/admin/api/subjects", map[string]any{"name": "\u202egnp"}},
		{"/admin/api/users/create", map[string]any{"username": "a\u0000b", "password": "Student123"}},
		{"/admin/api/users/create", map[string]any{"username": "admin@example.com", "password": "Student123"}},
	}
	for _, c := range cases {
		res := s.call(t, "POST", c.path, c.body)
		if res.Status != 400 || res.JSON["status"] != "error" {
			t.Errorf("POST %s %v: %d %v, want 400 error", c.path, c.body, res.Status, res.JSON)
		}
	}
	var subjects, usersN int
	db := s.env.Deps.DB
	if err := db.QueryRow(`SELECT COUNT(*) FROM subjects`).Scan(&subjects); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&usersN); err != nil {
		t.Fatal(err)
	}
	if subjects != 0 || usersN != 2 {
		t.Fatalf("refused requests changed the database: %d subjects, %d users", subjects, usersN)
	}
	if res := s.call(t, "POST", "/admin/api/subjects", map[string]any{"name": "计算机网络"}); res.Status != 200 {
		t.Fatalf("ordinary subject refused: %d %v", res.Status, res.JSON)
	}
}
