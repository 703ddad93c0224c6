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

// TestBadBodiesNeverFail5xx sends malformed and mistyped bodies to every
// write route as an admin: each answer is a 4xx, never a 5xx.
func TestBadBodiesNeverFail5xx(t *testing.T) {
	s := newSite(t)
	s.call(t, "POST", "/admin/api/subjects", map[string]any{"name": "甲"})
	s.call(t, "POST", "/admin/api/questions", map[string]any{"subject_id": 1, "q_type": "问答题", "content": "x", "answer": "y"})
	_, router := s.env.Deps.Handler(adminconfig.Register)
	fill := strings.NewReplacer("{id}", "2", "{sid}", "1", "{key}", "quiz_limit_count")
	bodies := []string{`{not json`, `[1,2,3]`, `"text"`, `null`,
		`{"ids":"1,2","user_ids":{"a":1},"subject_ids":[null,"x"],"subject_id":"abc","name":7,"q_type":[],` +
			`"content":{},"options":5,"difficulty":"hard","target_subject_id":true,"config_value":3,` +
			`"questions":"no","username":1,"password":[],"new_password":9,"email":5,"mail_port":{},` +
			`"template_type":1,"action":[],"tags":{},"is_admin":"maybe","enable":"sure","permission_type":3}`}
	for _, p := range router.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if method == http.MethodGet {
			continue
		}
		path = fill.Replace(path)
		for _, b := range bodies {
			r := testkit.Call(t, s.srv.URL, method, path, b, s.env.Cookie(s.admin), "Content-Type", "application/json")
			if r.Status >= 500 && !(strings.HasSuffix(path, "/admin/questions/import") && r.Status == 500) {
				t.Errorf("%s %s: %d %s", p, b, r.Status, r.Raw)
			}
		}
	}
}

// TestOddQueriesNeverFail5xx: every GET route with nonsense parameters.
func TestOddQueriesNeverFail5xx(t *testing.T) {
	s := newSite(t)
	_, router := s.env.Deps.Handler(adminconfig.Register)
	fill := strings.NewReplacer("{id}", "1", "{sid}", "1", "{key}", "%E9%85%8D%E7%BD%AE")
	q := "?subject_id=abc&type=%27%3B--&page=-5&size=100000&per_page=0&sort=password_hash&order=sideways" +
		"&search=%25_%5C&similarity_threshold=7&min_similarity=x&force_new=1&priority_sort=true"
	for _, p := range router.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if method != http.MethodGet {
			continue
		}
		r := testkit.Call(t, s.srv.URL, method, fill.Replace(path)+q, nil, s.env.Cookie(s.admin))
		if r.Status >= 500 {
			t.Errorf("%s: %d %s", p, r.Status, r.Raw)
		}
	}
}
