package quiz

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"quizbank/shared/grade"
	"quizbank/shared/httpx"
	"quizbank/shared/store"
)

type answersBody struct {
	ExamID  json.RawMessage `json:"exam_id"`
	Answers json.RawMessage `json:"answers"`
}

// maxAnswerChars bounds one stored exam answer (an essay included).
const maxAnswerChars = 10000

// answerList is a parsed answers field: the answers by question id and
// how many items the client sent (bounded by the exam's size).
type answerList struct {
	byID  map[int64]string
	items int
}

// tooMany refuses a list longer than the exam has questions.
func (a answerList) tooMany(questions int) error {
	if a.items > questions {
		return httpx.BadRequest(fmt.Sprintf("answers 数量（%d）超过考试题目数（%d）", a.items, questions))
	}
	return nil
}

// parseAnswers reads [{"question_id","user_answer"}]. Items with unusable
// ids are skipped (api.md §2.8); a list that is not a list of objects,
// or an answer that is an object, is refused, and so is an answer longer
// than maxAnswerChars. Fill-in answers may come as arrays and are stored
// as JSON text.
func parseAnswers(raw json.RawMessage) (answerList, error) {
	list, err := readAnswers(raw)
	if err != nil {
		return answerList{}, err
	}
	for _, a := range list.byID {
		if utf8.RuneCountInString(a) > maxAnswerChars {
			return answerList{}, httpx.BadRequest(fmt.Sprintf("答案过长（每题最多 %d 个字符）", maxAnswerChars))
		}
	}
	return list, nil
}

func readAnswers(raw json.RawMessage) (answerList, error) {
	out := map[int64]string{}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return answerList{byID: out}, nil
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return answerList{}, httpx.BadRequest("answers 格式错误")
	}
	bad := answerList{}
	for _, it := range items {
		id, ok := looseID(it["question_id"])
		if !ok {
			continue
		}
		a := bytes.TrimSpace(it["user_answer"])
		switch {
		case len(a) == 0 || string(a) == "null":
			out[id] = ""
		case a[0] == '"':
			var s string
			if err := json.Unmarshal(a, &s); err != nil {
				return bad, httpx.BadRequest("answers 格式错误")
			}
			out[id] = strings.TrimSpace(s)
		case a[0] == '[':
			var list []any
			if err := json.Unmarshal(a, &list); err != nil {
				return bad, httpx.BadRequest("answers 格式错误")
			}
			b, _ := json.Marshal(list)
			out[id] = string(b)
		case a[0] == '{':
			return bad, httpx.BadRequest("answers 格式错误")
		default:
			out[id] = string(a) // numbers and booleans, as written
		}
	}
	return answerList{byID: out, items: len(items)}, nil
}

// examBody is the {exam_id, answers} body of save_draft and submit.
type examBody struct {
	rawID   json.RawMessage // exam_id as sent: submit echoes it
	id      int64
	answers answerList
}

func readExamBody(r *http.Request) (examBody, error) {
	var body answersBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return examBody{}, err
	}
	id, ok := looseID(body.ExamID)
	if !ok {
		return examBody{}, httpx.BadRequest(msgExamNoID)
	}
	answers, err := parseAnswers(body.Answers)
	return examBody{rawID: bytes.TrimSpace(body.ExamID), id: id, answers: answers}, err
}

// saveDraft is POST /api/exams/save_draft.
func (s *service) saveDraft(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	b, err := readExamBody(r)
	if err != nil {
		return err
	}
	id, answers := b.id, b.answers
	return s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := s.ownExam(ctx, tx, id, u)
		if err != nil {
			return err
		}
		if e.Status != "ongoing" {
			return httpx.BadRequest("考试已提交")
		}
		if s.d.Now().After(e.deadline().Add(lateGrace)) {
			return httpx.BadRequest("考试时间已到，无法保存草稿")
		}
		var questions int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM exam_questions WHERE exam_id = ?`, id).Scan(&questions); err != nil {
			return fmt.Errorf("count exam questions: %w", err)
		}
		if err := answers.tooMany(questions); err != nil {
			return err
		}
		for qid, a := range answers.byID {
			if _, err := tx.ExecContext(ctx, `UPDATE exam_questions SET user_answer = ? WHERE exam_id = ? AND question_id = ?`,
				a, id, qid); err != nil {
				return fmt.Errorf("save draft answer: %w", err)
			}
		}
		httpx.Success(w, httpx.M{})
		return nil
	})
}

// submitExam is POST /api/exams/submit: grades once. Questions missing
// from answers fall back to the draft; after the time limit plus
// lateGrace only the draft counts and the exam is marked late.
func (s *service) submitExam(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	b, err := readExamBody(r)
	if err != nil {
		return err
	}
	id, answers := b.id, b.answers
	now := s.d.Now()
	var total, correct int
	var score float64
	var late bool
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := s.loadExam(ctx, tx, id, u.ID)
		if err != nil {
			return err
		}
		if e == nil || e.Status != "ongoing" {
			return httpx.BadRequest(msgExamSubmitBad)
		}
		if err := s.examAccess(ctx, tx, u, e); err != nil {
			return err
		}
		late = now.After(e.deadline().Add(lateGrace))
		qs, err := s.examQuestions(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := answers.tooMany(len(qs)); err != nil {
			return err
		}
		policy := grade.Policy{PartialCredit: e.Config.PartialCredit}
		stamp := store.Timestamp(now)
		for _, q := range qs {
			given := ""
			if q.UserAnswer != nil {
				given = *q.UserAnswer
			}
			if a, ok := answers.byID[q.ID]; ok && !late {
				given = a
			}
			points, ok := grade.Score(q.QType, q.Answer, given, q.ScoreVal, policy)
			if q.Content == "" && q.QType == "" { // the question was deleted
				points, ok = 0, false
			}
			total++
			if ok {
				correct++
			}
			score += points
			if _, err := tx.ExecContext(ctx, `UPDATE exam_questions SET user_answer = ?, is_correct = ?, answered_at = ?
				WHERE exam_id = ? AND question_id = ?`, given, b2i(ok), stamp, id, q.ID); err != nil {
				return fmt.Errorf("grade exam question: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE exams SET total_score = ?, status = 'submitted', submitted_at = ?, is_late = ?
			WHERE id = ? AND user_id = ? AND status = 'ongoing'`, score, stamp, b2i(late), id, u.ID)
		if err != nil {
			return fmt.Errorf("submit exam: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return httpx.BadRequest(msgExamSubmitBad)
		}
		return nil
	})
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"exam_id": b.rawID, "total": total,
		"correct": correct, "total_score": score, "late": late})
	return nil
}

// examMistakes is POST /api/exams/{id}/mistakes: every wrong or
// unanswered question of a submitted exam goes into the mistake book.
func (s *service) examMistakes(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var count int64
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		e, err := s.ownExam(ctx, tx, id, u)
		if err != nil {
			return err
		}
		if e.Status != "submitted" {
			return httpx.BadRequest("考试尚未提交")
		}
		now := store.Timestamp(s.d.Now())
		res, err := tx.ExecContext(ctx, `INSERT INTO mistakes (user_id, question_id, created_at, wrong_count, updated_at)
			SELECT ?, eq.question_id, ?, 1, ? FROM exam_questions eq JOIN questions q ON q.id = eq.question_id
			WHERE eq.exam_id = ? AND eq.source = 'public' AND COALESCE(eq.is_correct, 0) = 0
			ON CONFLICT(user_id, question_id) DO UPDATE SET wrong_count = wrong_count + 1, updated_at = excluded.updated_at`,
			u.ID, now, now, id)
		if err != nil {
			return fmt.Errorf("copy exam mistakes: %w", err)
		}
		count, _ = res.RowsAffected()
		return nil
	})
	if err != nil {
		return err
	}
	s.d.Users.Changed(u.ID)
	httpx.Success(w, httpx.M{"count": count})
	return nil
}

// listExams is GET /api/exams?page=&size=&source=&subject=.
func (s *service) listExams(w http.ResponseWriter, r *http.Request) error {
	ctx, u, q := r.Context(), caller(r), r.URL.Query()
	page := max(1, intParam(r, "page", 1))
	size := min(50, max(5, intParam(r, "size", 10)))
	conds, args := []string{"e.user_id = ?"}, []any{u.ID}
	switch src := q.Get("source"); src {
	case "", "all":
	case "public", "user_bank":
		conds, args = append(conds, "COALESCE(json_extract(e.config_json, '$.source'), 'public') = ?"), append(args, src)
	default:
		return httpx.BadRequest("source 参数错误")
	}
	if subj := allOrEmpty(q.Get("subject")); subj != "" {
		conds, args = append(conds, "e.subject = ?"), append(args, subj)
	}
	where := strings.Join(conds, " AND ")
	var total int
	if err := s.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM exams e WHERE `+where, args...).Scan(&total); err != nil {
		return fmt.Errorf("count exams: %w", err)
	}
	offset := int64(page-1) * int64(size)
	rows, err := s.d.DB.QueryContext(ctx, `SELECT e.id,
		(SELECT COUNT(*) FROM exam_questions x WHERE x.exam_id = e.id),
		(SELECT COUNT(*) FROM exam_questions x WHERE x.exam_id = e.id AND x.is_correct = 1)
		FROM exams e WHERE `+where+` ORDER BY e.id DESC LIMIT ? OFFSET ?`, append(args, size, offset)...)
	if err != nil {
		return fmt.Errorf("list exams: %w", err)
	}
	type row struct{ id, questions, correct int64 }
	var list []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.id, &x.questions, &x.correct); err != nil {
			rows.Close()
			return fmt.Errorf("scan exam: %w", err)
		}
		list = append(list, x)
	}
	rows.Close()
	exams := []httpx.M{}
	for _, x := range list {
		e, err := s.loadExam(ctx, s.d.DB, x.id, u.ID)
		if err != nil || e == nil {
			return err
		}
		info := s.examInfo(e)
		info["question_count"], info["correct_count"] = x.questions, x.correct
		info["source"], info["bank_id"] = e.Config.Source, e.Config.BankID
		exams = append(exams, info)
	}
	httpx.Data(w, httpx.M{"exams": exams, "total": total, "page": page, "size": size})
	return nil
}
