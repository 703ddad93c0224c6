package auth_test

import (
	"testing"
	"time"

	"quizbank/shared/store"
)

func TestProfileStatistics(t *testing.T) {
	s := newSite(t)
	c := s.useClock(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	u := s.env.CreateUser("stat", "Stat12345", false)
	db := s.env.Deps.DB
	mustExec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	mustExec(`INSERT INTO subjects (id, name) VALUES (1, '网络')`)
	for i := 1; i <= 4; i++ {
		mustExec(`INSERT INTO questions (id, subject_id, content, q_type) VALUES (?, 1, 'q', '判断题')`, i)
	}
	now := c.now()
	// Answers today, yesterday and two days ago (a three-day streak), and
	// one a week ago; three of four correct.
	for i, ago := range []int{0, 1, 2, 7} {
		mustExec(`INSERT INTO user_answers (user_id, question_id, user_answer, is_correct, created_at) VALUES (?, ?, '正确', ?, ?)`,
			u.ID, i+1, i != 3, store.Timestamp(now.AddDate(0, 0, -ago)))
	}
	mustExec(`INSERT INTO favorites (user_id, question_id) VALUES (?, 1), (?, 2)`, u.ID, u.ID)
	mustExec(`INSERT INTO mistakes (user_id, question_id) VALUES (?, 4)`, u.ID)
	mustExec(`INSERT INTO user_progress (user_id, p_key, data) VALUES (?, 'user_profile_extra_v1', '{"signature":"天天向上"}')`, u.ID)

	d := data(t, s.call("GET", "/api/profile", nil, s.env.Cookie(u)))
	want := map[string]any{"username": "stat", "signature": "天天向上", "streak_days": 3.0, "total_answered": 4.0,
		"correct_answered": 3.0, "accuracy": 75.0, "favorites_count": 2.0, "mistakes_count": 1.0,
		"is_admin": true, "has_password_set": true, "wechat_bound": false, "email_verified": false,
		"email": "", "avatar": nil}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}
	if ca, _ := d["created_at"].(string); len(ca) != 10 {
		t.Errorf("created_at %q", d["created_at"])
	}
	// Two days later the streak is broken (last answer the day before yesterday).
	c.add(48 * time.Hour)
	if d := data(t, s.call("GET", "/api/profile", nil, s.env.Cookie(u))); d["streak_days"] != 0.0 {
		t.Errorf("streak after a gap: %v", d["streak_days"])
	}
}
