package adminconfig_test

import (
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/password"
	"quizbank/shared/testkit"
)

func TestUserManagement(t *testing.T) {
	s := newSite(t)
	for _, c := range []struct {
		body   map[string]any
		status int
	}{
		{map[string]any{"username": "bob", "password": "short1"}, 400},
		{map[string]any{"username": "bob", "password": "onlyletters"}, 400},
		{map[string]any{"username": "", "password": "Passw0rd!"}, 400},
		{map[string]any{"username": "bob", "password": "Passw0rd1"}, 200},
		{map[string]any{"username": "bob", "password": "Passw0rd1"}, 409},
		{map[string]any{"username": "carol", "password": "Passw0rd1", "is_admin": "true"}, 200},
	} {
		if r := s.call(t, "POST", "/admin/api/users/create", c.body); r.Status != c.status {
			t.Errorf("create %v: %d %s", c.body, r.Status, r.Raw)
		}
	}
	bob, _ := s.env.Deps.Users.ByUsername(t.Context(), "bob")
	carol, _ := s.env.Deps.Users.ByUsername(t.Context(), "carol")
	if bob == nil || bob.IsAdmin || carol == nil || !carol.IsAdmin {
		t.Fatalf("created users: %+v %+v", bob, carol)
	}
	bobToken := testkit.Bearer(s.env.Token(bob))
	bobPath := "/admin/api/users/" + itoa(bob.ID)

	// Locking revokes the token; unlocking does not bring it back.
	if r := s.call(t, "POST", bobPath+"/toggle_lock", nil); r.Status != 200 || r.JSON["is_locked"] != float64(1) {
		t.Fatalf("lock: %s", r.Raw)
	}
	if r := testkit.Call(t, s.srv.URL, "GET", "/admin/api/subjects", nil, bobToken); r.Status != http.StatusUnauthorized {
		t.Errorf("locked user's token still works: %d", r.Status)
	}
	s.call(t, "POST", "/admin/users/"+itoa(bob.ID)+"/toggle_lock", nil)
	if r := testkit.Call(t, s.srv.URL, "GET", "/admin/api/subjects", nil, bobToken); r.Status != http.StatusUnauthorized {
		t.Errorf("revoked token works again after unlock: %d", r.Status)
	}

	// Roles, force logout, password reset.
	if r := s.call(t, "POST", bobPath+"/toggle_subject_admin", nil); r.Status != 200 {
		t.Errorf("toggle subject admin: %s", r.Raw)
	}
	bob, _ = s.env.Deps.Users.ByID(t.Context(), bob.ID)
	if !bob.IsSubjectAdmin {
		t.Errorf("subject admin flag not set")
	}
	v := bob.SessionVersion
	if r := s.call(t, "POST", bobPath+"/force_logout", nil); r.Status != 200 {
		t.Errorf("force logout: %s", r.Raw)
	}
	if r := s.call(t, "POST", "/admin/users/"+itoa(bob.ID)+"/force_logout", nil); r.Status != 200 {
		t.Errorf("legacy force logout: %s", r.Raw)
	}
	bob, _ = s.env.Deps.Users.ByID(t.Context(), bob.ID)
	if bob.SessionVersion != v+2 {
		t.Errorf("session version %d, want %d", bob.SessionVersion, v+2)
	}
	if r := s.call(t, "POST", bobPath+"/reset_password", map[string]any{"new_password": "weak"}); r.Status != 400 {
		t.Errorf("weak reset: %d", r.Status)
	}
	if r := s.call(t, "POST", bobPath+"/reset_password", map[string]any{"new_password": "NewPass123"}); r.Status != 200 {
		t.Errorf("reset: %s", r.Raw)
	}
	bob, _ = s.env.Deps.Users.ByID(t.Context(), bob.ID)
	if ok, _ := password.Verify(bob.PasswordHash, "NewPass123"); !ok {
		t.Errorf("new password does not verify")
	}

	// Refusals: self, unknown ids (404, not the original's false success), last admin.
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/admin/api/users/1/toggle_admin", 400},
		{"POST", "/admin/api/users/1/toggle_lock", 400},
		{"DELETE", "/admin/api/users/1", 400},
		{"POST", "/admin/api/users/999/toggle_lock", 404},
		{"POST", "/admin/api/users/999/force_logout", 404},
		{"POST", "/admin/api/users/999/toggle_admin", 404},
		{"DELETE", "/admin/api/users/999", 404},
		{"GET", "/admin/api/users/999/quiz_stats", 404},
		{"POST", "/admin/api/users/999/reset_quiz_count", 404},
		{"GET", "/admin/api/users/999/subjects", 404},
	} {
		if r := s.call(t, c.method, c.path, map[string]any{"new_password": "NewPass123"}); r.Status != c.status {
			t.Errorf("%s %s: %d %s", c.method, c.path, r.Status, r.Raw)
		}
	}
	// carol is another admin, so demoting her is allowed.
	if r := s.call(t, "POST", "/admin/api/users/"+itoa(carol.ID)+"/toggle_admin", nil); r.Status != 200 {
		t.Errorf("demote carol: %s", r.Raw)
	}

	// Batch roles.
	r := s.call(t, "POST", "/admin/api/permissions/batch", map[string]any{"user_ids": []int64{bob.ID, carol.ID},
		"permission_type": "notification_admin", "enable": true})
	if r.Status != 200 || r.JSON["affected_count"] != float64(2) {
		t.Errorf("batch roles: %s", r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/permissions/batch", map[string]any{"user_ids": []int64{1},
		"permission_type": "subject_admin"}); r.Status != 400 {
		t.Errorf("batch roles on self: %d", r.Status)
	}

	// List, search, stats.
	r = s.call(t, "GET", "/admin/api/users?search=ca&size=5", nil)
	if r.JSON["total"] != float64(1) || len(r.JSON["data"].([]any)) != 1 {
		t.Errorf("search: %s", r.Raw)
	}
	stats := r.JSON["stats"].(map[string]any)
	if stats["admin"] != float64(1) || stats["notification_admin"] != float64(3) || stats["subject_admin"] != float64(1) {
		t.Errorf("stats: %v", stats)
	}

	// CSV export: BOM, header, RFC 4180 quoting.
	s.env.CreateUser(`eve,"x"`, "", false)
	r = s.call(t, "GET", "/admin/api/users/export", nil)
	body := string(r.Raw)
	if !strings.HasPrefix(body, "\ufeffid,username,is_admin,is_locked,created_at\r\n") ||
		!strings.Contains(body, `,"eve,""x""",0,0,`) || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("csv: %q", body)
	}

	// Delete is transactional and takes the user's rows with it.
	if _, err := s.env.Deps.DB.Exec(`INSERT INTO user_progress (user_id, p_key, data) VALUES (?, 'k', '{}')`, bob.ID); err != nil {
		t.Fatal(err)
	}
	if r := s.call(t, "DELETE", bobPath, nil); r.Status != 200 {
		t.Errorf("delete: %s", r.Raw)
	}
	if n := s.count(t, `SELECT (SELECT COUNT(*) FROM users WHERE id = ?) + (SELECT COUNT(*) FROM user_progress WHERE user_id = ?)`, bob.ID, bob.ID); n != 0 {
		t.Errorf("%d rows of the deleted user remain", n)
	}
}

// TestDemotionEndsSession: a demoted admin's existing session stops
// working at once (the role change bumps session_version).
func TestDemotionEndsSession(t *testing.T) {
	s := newSite(t)
	other := s.env.CreateUser("other", "Other1234", true)
	c := s.env.Cookie(other)
	if r := testkit.Call(t, s.srv.URL, "POST", "/admin/api/users/1/toggle_admin", nil, c); r.Status != 200 {
		t.Fatalf("demote 1: %s", r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM users WHERE is_admin = 1`); n != 1 {
		t.Errorf("%d admins", n)
	}
	if r := s.call(t, "GET", "/admin/api/users", nil); r.Status != http.StatusUnauthorized {
		t.Errorf("demoted admin's old session: %d", r.Status)
	}
}

func TestQuizCounters(t *testing.T) {
	s := newSite(t)
	if _, err := s.env.Deps.DB.Exec(`INSERT INTO user_quiz_stats (user_id, total_answered) VALUES (?, 40)`, s.student.ID); err != nil {
		t.Fatal(err)
	}
	s.call(t, "PUT", "/admin/api/system_config/quiz_limit_enabled", map[string]any{"config_value": "1"})
	r := s.call(t, "GET", "/admin/api/users/"+itoa(s.student.ID)+"/quiz_stats", nil)
	st := r.JSON["data"].(map[string]any)["stats"].(map[string]any)
	if st["total_answered"] != float64(40) || st["remaining"] != float64(60) || st["is_limit_enabled"] != true {
		t.Errorf("stats: %s", r.Raw)
	}
	r = s.call(t, "POST", "/admin/api/users/batch_reset_quiz_count", map[string]any{"user_ids": []int64{1, s.student.ID, 999}})
	d := r.JSON["data"].(map[string]any)
	if d["success_count"] != float64(2) || d["total_count"] != float64(3) {
		t.Errorf("batch reset: %s", r.Raw)
	}
	if n := s.count(t, `SELECT total_answered FROM user_quiz_stats WHERE user_id = ?`, s.student.ID); n != 0 {
		t.Errorf("counter %d after reset", n)
	}
	r = s.call(t, "GET", "/admin/api/system_config/quiz_limit", nil)
	if d := r.JSON["data"].(map[string]any); d["quiz_limit_enabled"] != true || d["quiz_limit_count"] != float64(100) {
		t.Errorf("quiz_limit: %s", r.Raw)
	}
}

func TestSubjectPermissions(t *testing.T) {
	s := newSite(t)
	a, b := s.subject(t, "甲"), s.subject(t, "乙")
	uid := itoa(s.student.ID)
	r := s.call(t, "POST", "/admin/api/users/"+uid+"/subjects", map[string]any{"subject_ids": []int64{a, b, 999}})
	if r.JSON["data"].(map[string]any)["restricted_count"] != float64(2) {
		t.Errorf("restrict: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/users/"+uid+"/subjects", nil)
	if d := r.JSON["data"].(map[string]any); d["restricted_count"] != float64(2) || d["total_count"] != float64(2) {
		t.Errorf("user subjects: %s", r.Raw)
	}
	if r := s.call(t, "DELETE", "/admin/api/users/"+uid+"/subjects/"+itoa(a), nil); r.Status != 200 {
		t.Errorf("unrestrict: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/subjects/"+itoa(b)+"/restricted_users", nil)
	if ids := r.JSON["data"].(map[string]any)["user_ids"].([]any); len(ids) != 1 || ids[0] != float64(s.student.ID) {
		t.Errorf("restricted users: %s", r.Raw)
	}
	r = s.call(t, "POST", "/admin/api/subject_permissions/batch", map[string]any{"action": "restrict",
		"user_ids": []int64{1, s.student.ID}, "subject_ids": []int64{a, b}})
	if r.Status != 200 {
		t.Errorf("batch: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/subject_permissions/overview?per_page=1", nil)
	d := r.JSON["data"].(map[string]any)
	if d["stats"].(map[string]any)["total_restrictions"] != float64(4) || d["pagination"].(map[string]any)["pages"] != float64(2) {
		t.Errorf("overview: %s", r.Raw)
	}
	r = s.call(t, "POST", "/admin/api/users/"+uid+"/subjects/batch", map[string]any{"action": "unrestrict", "subject_ids": []int64{a, b}})
	if r.Status != 200 || s.count(t, `SELECT COUNT(*) FROM user_subjects WHERE user_id = ?`, s.student.ID) != 0 {
		t.Errorf("batch unrestrict: %s", r.Raw)
	}
}

func TestDashboard(t *testing.T) {
	s := newSite(t)
	sid := s.subject(t, "甲")
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "x", "answer": "y"})
	r := s.call(t, "GET", "/admin/api/dashboard", nil)
	d := r.JSON["data"].(map[string]any)
	if d["q_count"] != float64(1) || d["s_count"] != float64(1) || d["u_count"] != float64(2) || d["admin_count"] != float64(1) {
		t.Errorf("dashboard: %s", r.Raw)
	}
	if dist := d["subject_distribution"].([]any); len(dist) != 1 || dist[0].(map[string]any)["count"] != float64(1) {
		t.Errorf("distribution: %v", dist)
	}
}

// TestDeleteBlockedByReference: a table outside the known list that
// references users without a cascade blocks the deletion, which is rolled
// back and reported with the table and count.
func TestDeleteBlockedByReference(t *testing.T) {
	s := newSite(t)
	db := s.env.Deps.DB
	if _, err := db.Exec(`CREATE TABLE audit_notes (id INTEGER PRIMARY KEY, author INTEGER REFERENCES users(id))`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO audit_notes (author) VALUES (?), (?)`, s.student.ID, s.student.ID); err != nil {
		t.Fatal(err)
	}
	r := s.call(t, "DELETE", "/admin/api/users/"+itoa(s.student.ID), nil)
	details, _ := r.JSON["details"].([]any)
	if r.Status != 400 || len(details) != 1 {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	if d := details[0].(map[string]any); d["table"] != "audit_notes" || d["count"] != float64(2) {
		t.Errorf("details %v", d)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM users WHERE id = ?`, s.student.ID); n != 1 {
		t.Errorf("user deleted despite the failure")
	}
}
