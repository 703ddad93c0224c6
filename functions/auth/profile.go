package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/users"
)

// profile is GET /api/profile: the account page's data, with practice
// statistics.
func (h *handlers) profile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := h.d.Users.ByID(ctx, caller(r).ID)
	if errors.Is(err, users.ErrNotFound) {
		return httpx.NotFound("用户不存在")
	}
	if err != nil {
		return err
	}
	st, err := h.practiceStats(ctx, u.ID)
	if err != nil {
		return err
	}
	created := "-"
	if len(u.CreatedAt) >= 10 {
		created = u.CreatedAt[:10]
	}
	httpx.Data(w, httpx.M{
		"username": u.Username, "avatar": nullable(u.Avatar), "contact": u.Contact, "college": u.College,
		"signature": st.signature, "email": u.Email, "email_verified": u.EmailVerified,
		"wechat_bound": u.OpenID != "", "created_at": created, "is_admin": u.IsAdmin,
		"has_password_set": u.HasPasswordSet(), "streak_days": st.streak,
		"total_answered": st.total, "correct_answered": st.correct, "accuracy": st.accuracy(),
		"favorites_count": st.favorites, "mistakes_count": st.mistakes,
	})
	return nil
}

type practiceStats struct {
	total, correct, favorites, mistakes, streak int64
	signature                                   string
}

// accuracy is the share of correct answers in percent, one decimal.
func (s practiceStats) accuracy() float64 {
	if s.total == 0 {
		return 0
	}
	return math.Round(float64(s.correct)*1000/float64(s.total)) / 10
}

func (h *handlers) practiceStats(ctx context.Context, uid int64) (practiceStats, error) {
	var st practiceStats
	db := h.d.DB
	err := db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN is_correct = 1 THEN 1 ELSE 0 END), 0)
		FROM user_answers WHERE user_id = ?`, uid).Scan(&st.total, &st.correct)
	if err != nil {
		return st, fmt.Errorf("count answers of user %d: %w", uid, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM favorites WHERE user_id = ?`, uid).
		Scan(&st.favorites); err != nil {
		return st, fmt.Errorf("count favorites of user %d: %w", uid, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mistakes WHERE user_id = ?`, uid).
		Scan(&st.mistakes); err != nil {
		return st, fmt.Errorf("count mistakes of user %d: %w", uid, err)
	}
	var raw string
	err = db.QueryRowContext(ctx, `SELECT data FROM user_progress WHERE user_id = ? AND p_key = ?`,
		uid, "user_profile_extra_v1").Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return st, fmt.Errorf("load profile extras of user %d: %w", uid, err)
	default:
		var extra struct {
			Signature string `json:"signature"`
		}
		if json.Unmarshal([]byte(raw), &extra) == nil {
			st.signature = extra.Signature
		}
	}
	st.streak, err = h.streak(ctx, uid)
	return st, err
}

// streak counts consecutive UTC days with at least one answer, ending
// today or yesterday.
func (h *handlers) streak(ctx context.Context, uid int64) (int64, error) {
	rows, err := h.d.DB.QueryContext(ctx, `SELECT DISTINCT substr(created_at, 1, 10) AS day
		FROM user_answers WHERE user_id = ? ORDER BY day DESC LIMIT 3660`, uid)
	if err != nil {
		return 0, fmt.Errorf("answer days of user %d: %w", uid, err)
	}
	defer rows.Close()
	today := h.now().UTC().Truncate(24 * time.Hour)
	var want time.Time
	var n int64
	for rows.Next() {
		var day string
		if err := rows.Scan(&day); err != nil {
			return 0, err
		}
		d, err := time.ParseInLocation("2006-01-02", day, time.UTC)
		if err != nil {
			continue
		}
		if n == 0 {
			if !d.Equal(today) && !d.Equal(today.AddDate(0, 0, -1)) {
				return 0, rows.Err()
			}
			want = d
		}
		if !d.Equal(want) {
			break
		}
		n++
		want = want.AddDate(0, 0, -1)
	}
	return n, rows.Err()
}
