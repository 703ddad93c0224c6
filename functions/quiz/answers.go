package quiz

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

// looseID reads a question id given as a number or a numeric string;
// ok is false for anything else (missing, zero, text, fractions).
func looseID(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false
	}
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case float64:
		s = strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// looseBool reads a flag: JSON booleans, numbers (0 is false) and the
// strings 0/false/no/off/"" versus 1/true/yes/on. ok is false for null,
// missing or unreadable values.
func looseBool(raw json.RawMessage) (value, ok bool) {
	if len(raw) == 0 {
		return false, false
	}
	var f httpx.FlexBool
	if err := json.Unmarshal(raw, &f); err != nil || !f.Set {
		return false, false
	}
	return f.Value, true
}

type recordBody struct {
	QuestionID            json.RawMessage `json:"question_id"`
	IsCorrect             json.RawMessage `json:"is_correct"`
	ClearMistakeOnCorrect json.RawMessage `json:"clear_mistake_on_correct"`
}

// quizLimit reports the quiz-limit state for u: whether it applies, the
// limit and the user's counter.
func (s *service) quizLimit(ctx context.Context, u *users.User) (on bool, limit, count int, err error) {
	if u.IsAdmin || !s.d.SysConfig.Bool(ctx, "quiz_limit_enabled", false) {
		return false, 0, 0, nil
	}
	limit = s.d.SysConfig.Int(ctx, "quiz_limit_count", 100)
	err = s.stmts.queryRow(ctx, `SELECT COALESCE((SELECT total_answered FROM user_quiz_stats WHERE user_id = ?), 0)`,
		u.ID).Scan(&count)
	if err != nil {
		return false, 0, 0, fmt.Errorf("read quiz counter: %w", err)
	}
	return true, limit, count, nil
}

// recordResult is POST /api/quiz/record_result: the mistake book, the
// latest answer and the quiz counter, in one transaction.
func (s *service) recordResult(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var body recordBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	qid, okID := looseID(body.QuestionID)
	correct, okC := looseBool(body.IsCorrect)
	if !okID || !okC {
		return httpx.BadRequest("参数不完整")
	}
	clear := true
	if v, ok := looseBool(body.ClearMistakeOnCorrect); ok {
		clear = v
	}
	// The question comes from the in-process cache; a question deleted
	// since it was cached is still caught by the foreign keys when the
	// answer is written (a 404, nothing stored).
	cq, err := s.cat.one(ctx, qid)
	if err != nil {
		return s.dbFailure(ctx, err)
	}
	if cq == nil {
		return httpx.NotFound("题目不存在")
	}
	blocked, err := s.subjectBlocked(ctx, u, cq.Q.SubjectID)
	if err != nil {
		return s.dbFailure(ctx, err)
	}
	if blocked {
		return errWriteForbidden
	}
	limitOn, limit, count, err := s.quizLimit(ctx, u)
	if err != nil {
		return s.dbFailure(ctx, err)
	}
	if limitOn && count >= limit {
		return (&httpx.Error{Status: http.StatusForbidden, Kind: "error",
			Message: fmt.Sprintf("您已达到答题次数上限（%d次），请联系管理员", limit)}).
			With("code", "QUIZ_LIMIT_REACHED").
			With("data", httpx.M{"current_count": count, "limit_count": limit, "contact_admin_url": "/contact_admin"})
	}
	action := "added_mistake"
	switch {
	case correct && clear:
		action = "removed_mistake"
	case correct:
		action = "kept_mistake"
	}
	err = s.rec.record(&answerOp{ctx: ctx, userID: u.ID, questionID: qid, correct: correct, clear: clear,
		counts: limitOn, now: store.Timestamp(s.d.Now())})
	if store.IsForeignKeyViolation(err) {
		return httpx.NotFound("题目不存在")
	}
	if err != nil {
		return s.dbFailure(ctx, err)
	}
	httpx.Success(w, httpx.M{"action": action})
	return nil
}

// errWriteForbidden refuses an answer or a bookmark on a question whose
// subject is blacklisted for the caller, before anything is written.
var errWriteForbidden = httpx.Forbidden("无权访问该科目")

// dbFailure is record_result's 500, which carries both "message" and
// the original's "msg" key (api.md §2.3 compatibility note). The cause
// is logged, never shown.
func (s *service) dbFailure(ctx context.Context, err error) error {
	s.d.Logger.ErrorContext(ctx, "record result failed", "err", err)
	const msg = "记录答题结果失败，请稍后再试"
	return httpx.Errorf(http.StatusInternalServerError, "%s", msg).With("msg", msg)
}

// favorite is POST /api/quiz/favorite: toggles the bookmark.
func (s *service) favorite(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var body struct {
		QuestionID json.RawMessage `json:"question_id"`
	}
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	qid, ok := looseID(body.QuestionID)
	if !ok {
		return httpx.BadRequest("question_id 参数错误")
	}
	cq, err := s.cat.one(ctx, qid)
	if err != nil {
		return err
	}
	if cq == nil {
		return httpx.BadRequest("收藏失败：题目不存在")
	}
	blocked, err := s.subjectBlocked(ctx, u, cq.Q.SubjectID)
	if err != nil {
		return err
	}
	if blocked {
		return errWriteForbidden
	}
	now := store.Timestamp(s.d.Now())
	var isFav bool
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM favorites WHERE user_id = ? AND question_id = ?`, u.ID, qid)
		if err != nil {
			return fmt.Errorf("remove favourite: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO favorites (user_id, question_id, created_at) VALUES (?, ?, ?)`,
			u.ID, qid, now); err != nil {
			return fmt.Errorf("add favourite: %w", err)
		}
		isFav = true
		return nil
	})
	if store.IsForeignKeyViolation(err) {
		return httpx.BadRequest("收藏失败：题目不存在")
	}
	if err != nil {
		return err
	}
	s.d.Users.Changed(u.ID)
	httpx.Data(w, httpx.M{"is_favorite": isFav})
	return nil
}
