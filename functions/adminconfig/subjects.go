package adminconfig

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"quizbank/shared/httpx"
	"quizbank/shared/names"
	"quizbank/shared/store"
)

type subjectBody struct {
	Name *string `json:"name"`
}

func (a *api) listSubjects(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT s.id, s.name, s.is_locked,
		(SELECT COUNT(*) FROM questions q WHERE q.subject_id = s.id)
		FROM subjects s ORDER BY s.id`)
	if err != nil {
		return fmt.Errorf("list subjects: %w", err)
	}
	defer rows.Close()
	out := []httpx.M{}
	for rows.Next() {
		var id, locked, count int64
		var name string
		if err := rows.Scan(&id, &name, &locked, &count); err != nil {
			return fmt.Errorf("scan subject: %w", err)
		}
		out = append(out, httpx.M{"id": id, "name": name, "is_locked": locked, "question_count": count})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func subjectName(r *http.Request) (string, error) {
	var b subjectBody
	if err := httpx.DecodeJSONLenient(r, &b); err != nil {
		return "", err
	}
	if b.Name == nil {
		return "", httpx.BadRequest("科目名不能为空")
	}
	name, err := names.Subject(*b.Name)
	if err != nil {
		return "", httpx.BadRequest(err.Error())
	}
	return name, nil
}

func (a *api) createSubject(w http.ResponseWriter, r *http.Request) error {
	name, err := subjectName(r)
	if err != nil {
		return err
	}
	_, err = a.d.DB.ExecContext(r.Context(), `INSERT INTO subjects (name, created_at) VALUES (?, ?)`, name, a.now())
	if store.IsUniqueViolation(err) {
		return httpx.BadRequest("UNIQUE constraint failed: subjects.name")
	}
	if err != nil {
		return fmt.Errorf("create subject: %w", err)
	}
	a.contentChanged(r.Context())
	httpx.Message(w, "科目添加成功")
	return nil
}

func (a *api) renameSubject(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	name, err := subjectName(r)
	if err != nil {
		return err
	}
	res, err := a.d.DB.ExecContext(r.Context(), `UPDATE subjects SET name = ? WHERE id = ?`, name, id)
	if store.IsUniqueViolation(err) {
		return httpx.BadRequest("科目名已存在")
	}
	if err != nil {
		return fmt.Errorf("rename subject: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return httpx.NotFound("科目不存在")
	}
	a.contentChanged(r.Context())
	httpx.Message(w, "科目更新成功")
	return nil
}

var errHasQuestions = errors.New("subject has questions")

func (a *api) deleteSubject(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	force := truthy(r.URL.Query().Get("force"))
	var count int64
	err = a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ctx := r.Context()
		var exists int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subjects WHERE id = ?`, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return errNoSubject
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions WHERE subject_id = ?`, id).Scan(&count); err != nil {
			return err
		}
		if count > 0 && !force {
			return errHasQuestions
		}
		for _, q := range []string{
			`DELETE FROM favorites WHERE question_id IN (SELECT id FROM questions WHERE subject_id = ?)`,
			`DELETE FROM mistakes WHERE question_id IN (SELECT id FROM questions WHERE subject_id = ?)`,
			`DELETE FROM user_answers WHERE question_id IN (SELECT id FROM questions WHERE subject_id = ?)`,
			`DELETE FROM questions WHERE subject_id = ?`,
			`DELETE FROM user_subjects WHERE subject_id = ?`,
			`DELETE FROM duplicate_check_records WHERE subject_id = ?`,
			`DELETE FROM subjects WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("delete subject %d: %w", id, err)
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, errNoSubject):
		return httpx.NotFound("科目不存在")
	case errors.Is(err, errHasQuestions):
		return httpx.BadRequest(fmt.Sprintf("该科目下还有 %d 道题目，请先删除题目或使用 force=1 强制删除", count))
	case err != nil:
		return err
	}
	a.d.Users.ChangedAll() // favourites, mistakes and blacklist rows of many users went with it
	a.contentChanged(r.Context())
	httpx.Message(w, "科目删除成功")
	return nil
}

var errNoSubject = errors.New("subject not found")

func (a *api) lockSubject(lock bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		res, err := a.d.DB.ExecContext(r.Context(), `UPDATE subjects SET is_locked = ? WHERE id = ?`, lock, id)
		if err != nil {
			return fmt.Errorf("lock subject: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return httpx.NotFound("科目不存在")
		}
		a.contentChanged(r.Context())
		if lock {
			httpx.Message(w, "科目已锁定")
		} else {
			httpx.Message(w, "科目已解锁")
		}
		return nil
	}
}
