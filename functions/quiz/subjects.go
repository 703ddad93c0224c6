package quiz

import (
	"database/sql"
	"fmt"
	"net/http"
	"sort"

	"quizbank/shared/httpx"
)

// listSubjects is GET /api/quiz/subjects (and /api/subjects): names of
// the unlocked subjects the caller may access, by id.
func (s *service) listSubjects(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	subs, err := s.cat.allSubjects(ctx)
	if err != nil {
		return err
	}
	black, err := s.blacklist(ctx, u)
	if err != nil {
		return err
	}
	names := []string{}
	for _, sub := range subs {
		if !sub.Locked && !contains(black, sub.ID) {
			names = append(names, sub.Name)
		}
	}
	httpx.Success(w, httpx.M{"subjects": names})
	return nil
}

// subjectInfo is GET /api/quiz/subjects/{subject}/info.
func (s *service) subjectInfo(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	name := r.PathValue("subject")
	sub, ok, err := s.cat.subjectByName(ctx, name)
	if err != nil {
		return err
	}
	if !ok || sub.Locked {
		return httpx.NotFound("科目不存在")
	}
	black, err := s.blacklist(ctx, u)
	if err != nil {
		return err
	}
	if contains(black, sub.ID) {
		return httpx.Errorf(http.StatusForbidden, "无权访问该科目")
	}
	ids, err := s.cat.filterIDs(ctx, filterKey{subjectID: sub.ID}, nil)
	if err != nil {
		return err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT DISTINCT q_type FROM questions
		WHERE subject_id = ? AND TRIM(q_type) <> ''`, sub.ID)
	if err != nil {
		return fmt.Errorf("subject types: %w", err)
	}
	types := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("scan type: %w", err)
		}
		types = append(types, t)
	}
	rows.Close()
	sort.Strings(types)

	var done, wrong, favs int
	var last sql.NullString
	err = s.d.DB.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(DISTINCT a.question_id) FROM user_answers a JOIN questions q ON q.id = a.question_id
			WHERE a.user_id = ?1 AND q.subject_id = ?2),
		(SELECT COUNT(*) FROM mistakes m JOIN questions q ON q.id = m.question_id
			WHERE m.user_id = ?1 AND q.subject_id = ?2),
		(SELECT COUNT(*) FROM favorites f JOIN questions q ON q.id = f.question_id
			WHERE f.user_id = ?1 AND q.subject_id = ?2),
		(SELECT MAX(a.created_at) FROM user_answers a JOIN questions q ON q.id = a.question_id
			WHERE a.user_id = ?1 AND q.subject_id = ?2)`, u.ID, sub.ID).Scan(&done, &wrong, &favs, &last)
	if err != nil {
		return fmt.Errorf("subject user stats: %w", err)
	}
	var lastActivity any
	if last.Valid {
		lastActivity = last.String
	}
	httpx.Data(w, httpx.M{
		"subject": sub.Name, "total_count": len(ids), "author": "", "available_types": types,
		"user_stats": httpx.M{"done_count": done, "wrong_count": wrong, "favorite_count": favs,
			"note_count": 0, "last_activity": lastActivity},
	})
	return nil
}
