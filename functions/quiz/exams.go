package quiz

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

// lateGrace is how long after the time limit a submission still counts:
// the client auto-submits at zero and the request needs time to arrive.
const lateGrace = 2 * time.Minute

// Exam messages of the original.
const (
	msgExamMissing   = "考试不存在或无权限"
	msgExamNoID      = "缺少 exam_id"
	msgExamSubmitBad = "考试不存在/无权限/已提交"
)

// exam is one exams row.
type exam struct {
	ID          int64
	UserID      int64
	Subject     string
	Duration    int
	Config      examConfig
	TotalScore  float64
	Status      string
	StartedAt   time.Time
	SubmittedAt *time.Time
	Late        bool
}

func (e *exam) deadline() time.Time {
	return e.StartedAt.Add(time.Duration(e.Duration) * time.Minute)
}

func (s *service) loadExam(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id, userID int64) (*exam, error) {
	var e exam
	var cfg, started string
	var submitted sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, user_id, COALESCE(subject, ''), duration_minutes, COALESCE(config_json, '{}'),
		total_score, status, started_at, submitted_at, is_late FROM exams WHERE id = ? AND user_id = ?`, id, userID).
		Scan(&e.ID, &e.UserID, &e.Subject, &e.Duration, &cfg, &e.TotalScore, &e.Status, &started, &submitted, &e.Late)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read exam: %w", err)
	}
	_ = json.Unmarshal([]byte(cfg), &e.Config)
	if e.Config.Source == "" {
		e.Config.Source = "public"
	}
	if e.StartedAt, err = store.ParseTimestamp(started); err != nil {
		return nil, err
	}
	if submitted.Valid {
		t, err := store.ParseTimestamp(submitted.String)
		if err != nil {
			return nil, err
		}
		e.SubmittedAt = &t
	}
	return &e, nil
}

// examTimeLayout is the spec's "YYYY-MM-DD HH:MM:SS" with the UTC offset
// appended: clients that parse the spec's layout (the mini-program turns
// dashes into slashes first) keep working, and the offset still says
// which zone the wall time is in.
const examTimeLayout = "2006-01-02 15:04:05-07:00"

// stamp renders a time in the configured zone in examTimeLayout.
func (s *service) stamp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.In(s.loc).Format(examTimeLayout)
}

func (s *service) examInfo(e *exam) httpx.M {
	remaining := 0
	if e.Status == "ongoing" {
		remaining = max(0, int(e.deadline().Sub(s.d.Now()).Seconds()))
	}
	return httpx.M{"id": e.ID, "subject": e.Subject, "duration_minutes": e.Duration, "status": e.Status,
		"started_at": s.stamp(&e.StartedAt), "submitted_at": s.stamp(e.SubmittedAt), "total_score": e.TotalScore,
		"remaining_seconds": remaining, "is_late": e.Late}
}

type createExamBody struct {
	Subject       *string         `json:"subject"`
	Duration      json.RawMessage `json:"duration"`
	Types         json.RawMessage `json:"types"`
	Scores        json.RawMessage `json:"scores"`
	Source        string          `json:"source"`
	BankID        json.RawMessage `json:"bank_id"`
	PartialCredit httpx.FlexBool  `json:"partial_credit"`
}

// createExam is POST /api/exams/create: draws the questions per type.
func (s *service) createExam(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var body createExamBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	subjectName := "all"
	if body.Subject != nil && strings.TrimSpace(*body.Subject) != "" {
		subjectName = strings.TrimSpace(*body.Subject)
	}
	duration := 60
	if len(body.Duration) > 0 && string(body.Duration) != "null" {
		var v any
		dec := json.NewDecoder(strings.NewReader(string(body.Duration)))
		dec.UseNumber()
		_ = dec.Decode(&v)
		n, ok := number(v)
		if !ok {
			return httpx.BadRequest("duration 参数错误")
		}
		duration = int(max(1, min(1440, n)))
	}
	types, err := orderedCounts(body.Types)
	if err != nil {
		return httpx.BadRequest("types 参数错误")
	}
	scores, err := scoreMap(body.Scores)
	if err != nil {
		return httpx.BadRequest("scores 参数错误")
	}
	switch body.Source {
	case "", "public":
	case "user_bank":
		if _, ok := looseID(body.BankID); !ok {
			return httpx.BadRequest("缺少有效的 bank_id")
		}
		return httpx.BadRequest("私有题库考试暂不支持")
	default:
		return httpx.BadRequest("source 参数错误")
	}

	black, err := s.blacklist(ctx, u)
	if err != nil {
		return err
	}
	var subjectID int64
	if !strings.EqualFold(subjectName, "all") {
		sub, ok, err := s.cat.subjectByName(ctx, subjectName)
		if err != nil {
			return err
		}
		if !ok || sub.Locked {
			return httpx.BadRequest("科目不存在")
		}
		if contains(black, sub.ID) {
			return httpx.Errorf(http.StatusForbidden, "无权访问该科目")
		}
		subjectID = sub.ID
	} else {
		subjectName = "all"
	}

	cfg := examConfig{Subject: subjectName, Duration: duration, Types: map[string]int{}, Scores: map[string]float64{},
		Source: "public", PartialCredit: body.PartialCredit.Value}
	for _, tc := range types {
		cfg.Types[tc.Type] = tc.Count
		cfg.Scores[tc.Type] = 1
		if v, ok := scores[tc.Type]; ok {
			cfg.Scores[tc.Type] = v
		}
	}
	cfgJSON, _ := json.Marshal(cfg)
	now := s.d.Now()
	var examID int64
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO exams (user_id, subject, duration_minutes, config_json, total_score,
			status, started_at) VALUES (?, ?, ?, ?, 0, 'ongoing', ?) RETURNING id`,
			u.ID, subjectName, duration, string(cfgJSON), store.Timestamp(now)).Scan(&examID); err != nil {
			return fmt.Errorf("create exam: %w", err)
		}
		order := 0
		for _, tc := range types {
			where, args, err := s.cat.scope(ctx, subjectID, tc.Type, black)
			if err != nil {
				return err
			}
			ids, err := queryIDs(ctx, tx, `SELECT q.id FROM questions q WHERE `+where+` ORDER BY random() LIMIT ?`,
				append(args, tc.Count)...)
			if err != nil {
				return err
			}
			for _, qid := range ids {
				if _, err := tx.ExecContext(ctx, `INSERT INTO exam_questions (exam_id, question_id, source, order_index, score_val)
					VALUES (?, ?, 'public', ?, ?)`, examID, qid, order, cfg.Scores[tc.Type]); err != nil {
					return fmt.Errorf("add exam question: %w", err)
				}
				order++
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"exam_id": examID})
	return nil
}

// examQuestion is one drawn question with the caller's answer.
type examQuestion struct {
	questionView
	ScoreVal   float64 `json:"score_val"`
	OrderIndex int     `json:"order_index"`
	UserAnswer *string `json:"user_answer"`
	IsCorrect  *int    `json:"is_correct"`
}

func (s *service) examQuestions(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, examID int64) ([]examQuestion, error) {
	rows, err := q.QueryContext(ctx, `SELECT eq.question_id, COALESCE(q.content, ''), COALESCE(q.q_type, ''),
		COALESCE(q.options, '[]'), COALESCE(q.answer, ''), COALESCE(q.explanation, ''), q.image_path,
		eq.score_val, eq.order_index, eq.user_answer, eq.is_correct
		FROM exam_questions eq LEFT JOIN questions q ON q.id = eq.question_id AND eq.source = 'public'
		WHERE eq.exam_id = ? ORDER BY eq.order_index, eq.id`, examID)
	if err != nil {
		return nil, fmt.Errorf("read exam questions: %w", err)
	}
	defer rows.Close()
	out := []examQuestion{}
	for rows.Next() {
		var x examQuestion
		var raw string
		var img, ans sql.NullString
		var correct sql.NullInt64
		if err := rows.Scan(&x.ID, &x.Content, &x.QType, &raw, &x.Answer, &x.Explanation, &img,
			&x.ScoreVal, &x.OrderIndex, &ans, &correct); err != nil {
			return nil, fmt.Errorf("scan exam question: %w", err)
		}
		x.Options = question.NormaliseOptions(raw, x.QType)
		if img.Valid {
			x.ImagePath = &img.String
		}
		if ans.Valid {
			x.UserAnswer = &ans.String
		}
		if correct.Valid {
			c := int(correct.Int64)
			x.IsCorrect = &c
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ownExam loads exam id of u inside tx for a change: someone else's or a
// missing exam is a 403, as is one the blacklist now covers.
func (s *service) ownExam(ctx context.Context, tx *sql.Tx, id int64, u *users.User) (*exam, error) {
	e, err := s.loadExam(ctx, tx, id, u.ID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, httpx.Errorf(http.StatusForbidden, "%s", msgExamMissing)
	}
	if err := s.examAccess(ctx, tx, u, e); err != nil {
		return nil, err
	}
	return e, nil
}

// getExam is GET /api/exams/{id}: the owner's exam with its questions.
func (s *service) getExam(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.loadExam(ctx, s.d.DB, id, u.ID)
	if err != nil {
		return err
	}
	if e == nil {
		return httpx.NotFound(msgExamMissing)
	}
	if err := s.examAccess(ctx, s.d.DB, u, e); err != nil {
		return err
	}
	qs, err := s.examQuestions(ctx, s.d.DB, id)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"exam": s.examInfo(e), "questions": qs})
	return nil
}

// deleteExam is DELETE /api/exams/{id}.
func (s *service) deleteExam(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.d.DB.ExecContext(ctx, `DELETE FROM exams WHERE id = ? AND user_id = ?`, id, u.ID)
	if err != nil {
		return fmt.Errorf("delete exam: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return httpx.Errorf(http.StatusForbidden, "%s", msgExamMissing)
	}
	httpx.Success(w, httpx.M{})
	return nil
}
