package quiz

import (
	"fmt"
	"net/http"

	"quizbank/shared/httpx"
)

// userStats is GET /api/user/stats (web session only).
func (s *service) userStats(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var total, favs, mistakes, answered, correct, exams, finished int
	err := s.d.DB.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM questions),
		(SELECT COUNT(*) FROM favorites WHERE user_id = ?1),
		(SELECT COUNT(*) FROM mistakes WHERE user_id = ?1),
		(SELECT COUNT(*) FROM user_answers WHERE user_id = ?1),
		(SELECT COUNT(*) FROM user_answers WHERE user_id = ?1 AND is_correct = 1),
		(SELECT COUNT(*) FROM exams WHERE user_id = ?1),
		(SELECT COUNT(*) FROM exams WHERE user_id = ?1 AND status = 'submitted')`, u.ID).
		Scan(&total, &favs, &mistakes, &answered, &correct, &exams, &finished)
	if err != nil {
		return fmt.Errorf("user stats: %w", err)
	}
	accuracy := 0.0
	if answered > 0 {
		accuracy = float64(int(float64(correct)*10000/float64(answered)+0.5)) / 100
	}
	var email any
	if u.Email != "" {
		email = u.Email
	}
	httpx.Data(w, httpx.M{
		"user":            httpx.M{"id": u.ID, "username": u.Username, "email": email, "created_at": u.CreatedAt},
		"total_questions": total, "favorites_count": favs, "mistakes_count": mistakes,
		"answered_count": answered, "correct_count": correct, "accuracy": accuracy,
		"exam_count": exams, "finished_exam_count": finished,
	})
	return nil
}

type dayStat struct {
	Date    string `json:"date"`
	Total   int    `json:"total"`
	Correct int    `json:"correct"`
}

// dailyStats is GET /api/stats/daily?days=30: every one of the last N
// UTC days, oldest first, zeros included.
func (s *service) dailyStats(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	days := intParam(r, "days", 30)
	if days < 1 {
		days = 1
	}
	if days > 366 {
		days = 366
	}
	today := s.d.Now().UTC()
	first := today.AddDate(0, 0, -(days - 1)).Format("2006-01-02")
	rows, err := s.d.DB.QueryContext(ctx, `SELECT substr(created_at, 1, 10) AS day, COUNT(*), COALESCE(SUM(is_correct = 1), 0)
		FROM user_answers WHERE user_id = ? AND created_at >= ? GROUP BY day`, u.ID, first+" 00:00:00")
	if err != nil {
		return fmt.Errorf("daily stats: %w", err)
	}
	defer rows.Close()
	byDay := map[string]dayStat{}
	for rows.Next() {
		var d dayStat
		if err := rows.Scan(&d.Date, &d.Total, &d.Correct); err != nil {
			return fmt.Errorf("scan daily stats: %w", err)
		}
		byDay[d.Date] = d
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("daily stats: %w", err)
	}
	out := make([]dayStat, 0, days)
	for i := days - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, -i).Format("2006-01-02")
		d := byDay[day]
		d.Date = day
		out = append(out, d)
	}
	httpx.Data(w, out)
	return nil
}

// groupStats answers /api/stats/by_subject and /api/stats/by_type.
func (s *service) groupStats(by string) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, u := r.Context(), caller(r)
		expr, key, fallback := "COALESCE(s.name, '')", "subject", "未分类"
		if by == "type" {
			expr, key, fallback = "COALESCE(q.q_type, '')", "q_type", "未知"
		}
		rows, err := s.d.DB.QueryContext(ctx, `SELECT `+expr+` AS g, COUNT(*) AS total, COALESCE(SUM(a.is_correct = 1), 0)
			FROM user_answers a JOIN questions q ON q.id = a.question_id LEFT JOIN subjects s ON s.id = q.subject_id
			WHERE a.user_id = ? GROUP BY g ORDER BY total DESC, g`, u.ID)
		if err != nil {
			return fmt.Errorf("stats by %s: %w", by, err)
		}
		defer rows.Close()
		out := []httpx.M{}
		for rows.Next() {
			var g string
			var total, correct int
			if err := rows.Scan(&g, &total, &correct); err != nil {
				return fmt.Errorf("scan stats: %w", err)
			}
			if g == "" {
				g = fallback
			}
			out = append(out, httpx.M{key: g, "total": total, "correct": correct})
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("stats by %s: %w", by, err)
		}
		httpx.Data(w, out)
		return nil
	}
}
