package explain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"quizbank/shared/llm"
	"quizbank/shared/store"
)

// answerCache keeps provider answers for stored questions, keyed by the
// question, the model and the exact prompt (whose hash covers the prompt
// version, the question's current text and the learner's answer), so an
// edited question or a new prompt wording is asked afresh.
type answerCache struct {
	db  *store.DB
	now func() time.Time
}

func (c answerCache) get(ctx context.Context, questionID int64, model, promptHash string) (string, bool, error) {
	var text string
	err := c.db.QueryRowContext(ctx, `SELECT explain FROM ai_explain_cache
		WHERE question_id = ? AND model = ? AND prompt_hash = ?`, questionID, model, promptHash).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read explanation cache: %w", err)
	}
	return text, true, nil
}

func (c answerCache) put(ctx context.Context, questionID int64, model, promptHash string, r llm.Reply) error {
	_, err := c.db.ExecContext(ctx, `INSERT INTO ai_explain_cache
		(question_id, model, prompt_version, prompt_hash, explain, total_tokens, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(question_id, model, prompt_hash) DO UPDATE SET explain = excluded.explain,
			total_tokens = excluded.total_tokens, created_at = excluded.created_at`,
		questionID, model, llm.PromptVersion, promptHash, r.Text, r.TotalTokens, store.Timestamp(c.now()))
	if err != nil {
		return fmt.Errorf("write explanation cache: %w", err)
	}
	return nil
}
