package adminconfig

import (
	"fmt"
	"net/http"

	"quizbank/shared/httpx"
)

// dashboard is the JSON twin of the original's HTML dashboard counts.
func (a *api) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var q, s, u, admins int64
	err := a.d.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM questions), (SELECT COUNT(*) FROM subjects),
		(SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM users WHERE is_admin = 1)`).Scan(&q, &s, &u, &admins)
	if err != nil {
		return fmt.Errorf("dashboard counts: %w", err)
	}
	recent := []httpx.M{}
	rows, err := a.d.DB.QueryContext(ctx, `SELECT id, content, q_type FROM questions ORDER BY id DESC LIMIT 5`)
	if err != nil {
		return fmt.Errorf("recent questions: %w", err)
	}
	for rows.Next() {
		var id int64
		var content, t string
		if err := rows.Scan(&id, &content, &t); err != nil {
			rows.Close()
			return err
		}
		recent = append(recent, httpx.M{"id": id, "content": content, "q_type": t})
	}
	rows.Close()
	dist := []httpx.M{}
	rows, err = a.d.DB.QueryContext(ctx, `SELECT s.name, COUNT(q.id) AS n FROM subjects s
		LEFT JOIN questions q ON q.subject_id = s.id GROUP BY s.id ORDER BY n DESC, s.id`)
	if err != nil {
		return fmt.Errorf("subject distribution: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return err
		}
		dist = append(dist, httpx.M{"name": name, "count": n})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"q_count": q, "s_count": s, "u_count": u, "admin_count": admins,
		"recent_questions": recent, "subject_distribution": dist})
	return nil
}
