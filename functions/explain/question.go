package explain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"quizbank/shared/store"
)

// storedQuestion is the part of a questions row an explanation uses.
type storedQuestion struct {
	ID          int64
	SubjectID   sql.NullInt64
	Content     string
	Type        string
	Options     string // the column's JSON text
	Answer      string
	Explanation string
}

// loadQuestion reads question id; ok is false when there is no such row.
func loadQuestion(ctx context.Context, db *store.DB, id int64) (q storedQuestion, ok bool, err error) {
	err = db.QueryRowContext(ctx, `SELECT id, subject_id, content, q_type, COALESCE(options, '[]'),
		COALESCE(answer, ''), COALESCE(explanation, '') FROM questions WHERE id = ?`, id).
		Scan(&q.ID, &q.SubjectID, &q.Content, &q.Type, &q.Options, &q.Answer, &q.Explanation)
	if errors.Is(err, sql.ErrNoRows) {
		return storedQuestion{}, false, nil
	}
	if err != nil {
		return storedQuestion{}, false, fmt.Errorf("load question %d: %w", id, err)
	}
	return q, true, nil
}

// subjectBlocked reports whether userID is on the blacklist of subjectID
// (user_subjects). Administrators are never restricted.
func subjectBlocked(ctx context.Context, db *store.DB, userID int64, isAdmin bool, subjectID sql.NullInt64) (bool, error) {
	if isAdmin || !subjectID.Valid {
		return false, nil
	}
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_subjects WHERE user_id = ? AND subject_id = ?`,
		userID, subjectID.Int64).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read subject restrictions: %w", err)
	}
	return n > 0, nil
}
