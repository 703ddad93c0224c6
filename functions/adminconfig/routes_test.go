package adminconfig_test

import (
	"net/http"
	"strings"
	"testing"

	"quizbank/functions/adminconfig"
	"quizbank/shared/testkit"
)

// TestEveryRouteGuarded walks every registered pattern as an anonymous
// caller (401 JSON), a student (403 JSON) and an admin (neither).
func TestEveryRouteGuarded(t *testing.T) {
	s := newSite(t)
	_, router := s.env.Deps.Handler(adminconfig.Register)
	patterns := router.Patterns()
	if len(patterns) < 80 {
		t.Fatalf("only %d routes registered", len(patterns))
	}
	fill := strings.NewReplacer("{id}", "1", "{sid}", "1", "{key}", "quiz_limit_enabled")
	studentCookie := s.env.Cookie(s.student)
	studentToken := testkit.Bearer(s.env.Token(s.student))
	adminToken := testkit.Bearer(s.env.Token(s.admin))
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		path = fill.Replace(path)
		t.Run(p, func(t *testing.T) {
			r := testkit.Call(t, s.srv.URL, method, path, nil, nil)
			if r.Status != http.StatusUnauthorized || r.JSON["status"] != "unauthorized" {
				t.Errorf("anonymous: %d %s", r.Status, r.Raw)
			}
			for _, auth := range []any{studentCookie, studentToken} {
				r = testkit.Call(t, s.srv.URL, method, path, nil, auth)
				if r.Status != http.StatusForbidden || r.JSON["status"] != "forbidden" {
					t.Errorf("student: %d %s", r.Status, r.Raw)
				}
			}
			r = testkit.Call(t, s.srv.URL, method, path, nil, adminToken)
			if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || r.Status >= 500 {
				t.Errorf("admin: %d %s", r.Status, r.Raw)
			}
		})
	}
}

// TestSubjectAdminScope: a subject admin reaches S routes, not A routes.
func TestSubjectAdminScope(t *testing.T) {
	s := newSite(t)
	if _, err := s.env.Deps.DB.Exec(`UPDATE users SET is_subject_admin = 1 WHERE id = ?`, s.student.ID); err != nil {
		t.Fatal(err)
	}
	u, _ := s.env.Deps.Users.ByID(t.Context(), s.student.ID)
	c := s.env.Cookie(u)
	if r := testkit.Call(t, s.srv.URL, "GET", "/admin/api/subjects", nil, c); r.Status != 200 {
		t.Errorf("subject admin on subjects: %d %s", r.Status, r.Raw)
	}
	if r := testkit.Call(t, s.srv.URL, "GET", "/admin/api/users", nil, c); r.Status != 403 {
		t.Errorf("subject admin on users: %d %s", r.Status, r.Raw)
	}
}
