package adminconfig

import (
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"quizbank/shared/httpx"
)

type batchBody struct {
	IDs             idList        `json:"ids"`
	TargetType      string        `json:"target_type"`
	TargetSubjectID httpx.FlexInt `json:"target_subject_id"`
	Difficulty      httpx.FlexInt `json:"difficulty"`
	Action          string        `json:"action"`
	Tags            any           `json:"tags"`
}

func readBatch(r *http.Request) (*batchBody, []int64, error) {
	var b batchBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return nil, nil, err
	}
	ids := b.IDs.values()
	if len(ids) == 0 {
		return nil, nil, httpx.BadRequest("请选择题目")
	}
	if len(ids) > 10000 {
		return nil, nil, httpx.BadRequest("一次最多操作 10000 道题目")
	}
	return &b, ids, nil
}

// deleteQuestions removes questions and what hangs off them in one
// transaction and reports how many questions went.
func (a *api) deleteQuestions(r *http.Request, ids []int64) (int64, error) {
	ph, args := placeholders(ids)
	var n int64
	err := a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		for _, t := range []string{"favorites", "mistakes", "user_answers"} {
			if _, err := tx.ExecContext(r.Context(), `DELETE FROM `+t+` WHERE question_id IN (`+ph+`)`, args...); err != nil {
				return fmt.Errorf("delete %s of questions: %w", t, err)
			}
		}
		res, err := tx.ExecContext(r.Context(), `DELETE FROM questions WHERE id IN (`+ph+`)`, args...)
		if err != nil {
			return fmt.Errorf("delete questions: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err == nil && n > 0 {
		a.contentChanged(r.Context())
	}
	return n, err
}

func (a *api) batchDelete(w http.ResponseWriter, r *http.Request) error {
	_, ids, err := readBatch(r)
	if err != nil {
		return err
	}
	n, err := a.deleteQuestions(r, ids)
	if err != nil {
		return err
	}
	httpx.Message(w, fmt.Sprintf("成功删除 %d 道题目", n))
	return nil
}

// updateMany runs one UPDATE over the ids and renders the count.
func (a *api) updateMany(w http.ResponseWriter, r *http.Request, ids []int64, set string, msg string, vals ...any) error {
	ph, args := placeholders(ids)
	all := append(append(vals, a.now(), callerID(r)), args...)
	res, err := a.d.DB.ExecContext(r.Context(), `UPDATE questions SET `+set+`, updated_at = ?, updated_by = ?
		WHERE id IN (`+ph+`)`, all...)
	if err != nil {
		return fmt.Errorf("batch update questions: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		a.contentChanged(r.Context())
	}
	httpx.Message(w, fmt.Sprintf(msg, n))
	return nil
}

func (a *api) batchChangeType(w http.ResponseWriter, r *http.Request) error {
	b, ids, err := readBatch(r)
	if err != nil {
		return err
	}
	t := strings.TrimSpace(b.TargetType)
	if t == "" {
		return httpx.BadRequest("请选择目标题型")
	}
	var known int64
	if err := a.d.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM questions WHERE q_type = ?`, t).Scan(&known); err != nil {
		return fmt.Errorf("check question type: %w", err)
	}
	if known == 0 && !ValidType(t) {
		return httpx.BadRequest("目标题型无效")
	}
	return a.updateMany(w, r, ids, "q_type = ?", "成功修改 %d 道题目的题型", t)
}

func (a *api) batchMoveSubject(w http.ResponseWriter, r *http.Request) error {
	b, ids, err := readBatch(r)
	if err != nil {
		return err
	}
	if !b.TargetSubjectID.Set || b.TargetSubjectID.Value <= 0 {
		return httpx.BadRequest("请选择目标科目")
	}
	if err := a.subjectExists(r, sql.NullInt64{Int64: b.TargetSubjectID.Value, Valid: true}); err != nil {
		return err
	}
	return a.updateMany(w, r, ids, "subject_id = ?", "成功移动 %d 道题目", b.TargetSubjectID.Value)
}

func (a *api) batchSetDifficulty(w http.ResponseWriter, r *http.Request) error {
	b, ids, err := readBatch(r)
	if err != nil {
		return err
	}
	if !b.Difficulty.Set || b.Difficulty.Value < 1 || b.Difficulty.Value > 5 {
		return httpx.BadRequest("难度必须是 1-5 之间的整数")
	}
	return a.updateMany(w, r, ids, "difficulty = ?", "成功设置 %d 道题目的难度", b.Difficulty.Value)
}

// tagsArg accepts "a,b" or ["a","b"].
func tagsArg(v any) []string {
	switch x := v.(type) {
	case string:
		return TagSet(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, t := range x {
			if s, ok := t.(string); ok {
				parts = append(parts, s)
			}
		}
		return TagSet(strings.Join(parts, ","))
	}
	return nil
}

func (a *api) batchTags(w http.ResponseWriter, r *http.Request) error {
	b, ids, err := readBatch(r)
	if err != nil {
		return err
	}
	action := strings.TrimSpace(b.Action)
	if action != "add" && action != "remove" && action != "set" {
		return httpx.BadRequest("action 只能是 add、remove 或 set")
	}
	tags := tagsArg(b.Tags)
	if len(tags) == 0 && action != "set" {
		return httpx.BadRequest("请填写标签")
	}
	ph, args := placeholders(ids)
	var n int64
	err = a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(r.Context(), `SELECT id, tags FROM questions WHERE id IN (`+ph+`)`, args...)
		if err != nil {
			return fmt.Errorf("read tags: %w", err)
		}
		current := map[int64]string{}
		for rows.Next() {
			var id int64
			var t string
			if err := rows.Scan(&id, &t); err != nil {
				rows.Close()
				return err
			}
			current[id] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, old := range current {
			next := applyTags(TagSet(old), tags, action)
			if _, err := tx.ExecContext(r.Context(), `UPDATE questions SET tags = ?, updated_at = ?, updated_by = ?
				WHERE id = ?`, strings.Join(next, ","), a.now(), callerID(r), id); err != nil {
				return fmt.Errorf("write tags: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return err
	}
	a.contentChanged(r.Context())
	httpx.Message(w, fmt.Sprintf("成功更新 %d 道题目的标签", n))
	return nil
}

func applyTags(old, tags []string, action string) []string {
	switch action {
	case "set":
		return tags
	case "add":
		return TagSet(strings.Join(append(old, tags...), ","))
	}
	drop := map[string]bool{}
	for _, t := range tags {
		drop[t] = true
	}
	out := []string{}
	for _, t := range old {
		if !drop[t] {
			out = append(out, t)
		}
	}
	return out
}
