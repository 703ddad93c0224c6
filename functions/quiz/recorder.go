package quiz

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// answerOp is one record_result waiting to be written.
type answerOp struct {
	ctx                    context.Context
	userID, questionID     int64
	correct, clear, counts bool
	now                    string
	done                   chan error
}

// maxBatch bounds how many answers share one transaction.
const maxBatch = 128

// recorder writes answers through one goroutine that commits whatever
// has queued up while the previous commit ran in a single transaction
// (group commit). SQLite takes one writer at a time, so under load this
// turns N commits into one without delaying a lone request: a request
// that finds the queue empty is written at once. Each caller still gets
// its answer only after its own data is committed.
type recorder struct {
	s    *service
	once sync.Once
	ops  chan *answerOp

	// batches and written count commits and answers (tests read them).
	batches, written atomic.Int64
}

func (rc *recorder) record(op *answerOp) error {
	rc.once.Do(func() {
		rc.ops = make(chan *answerOp, 4*maxBatch)
		go rc.loop()
	})
	op.done = make(chan error, 1)
	select {
	case rc.ops <- op:
	case <-op.ctx.Done():
		return op.ctx.Err()
	}
	return <-op.done
}

func (rc *recorder) loop() {
	busy := false
	for op := range rc.ops {
		batch := []*answerOp{op}
		batch = rc.drain(batch)
		if busy && len(batch) < maxBatch {
			// Under load, callers whose previous answer was just committed
			// are about to send the next one: give them a moment to join.
			timer := time.NewTimer(linger)
		wait:
			for len(batch) < maxBatch {
				select {
				case next := <-rc.ops:
					batch = append(batch, next)
				case <-timer.C:
					break wait
				}
			}
			timer.Stop()
		}
		busy = len(batch) > 1
		rc.flush(batch)
	}
}

// linger is how long a busy writer waits to fill a batch; a lone
// request (the previous batch had one answer) never waits.
const linger = 200 * time.Microsecond

func (rc *recorder) drain(batch []*answerOp) []*answerOp {
	for len(batch) < maxBatch {
		select {
		case next := <-rc.ops:
			batch = append(batch, next)
		default:
			return batch
		}
	}
	return batch
}

// flush commits a batch; if the batch fails as a whole, each answer is
// retried alone so one bad answer cannot fail the others.
func (rc *recorder) flush(batch []*answerOp) {
	live := batch[:0]
	for _, op := range batch {
		if err := op.ctx.Err(); err != nil {
			op.done <- err
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	rc.batches.Add(1)
	rc.written.Add(int64(len(live)))
	err := rc.s.d.DB.InTx(context.Background(), func(tx *sql.Tx) error {
		for _, op := range live {
			if err := rc.s.writeAnswer(context.Background(), tx, op); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(live) == 1 {
		for _, op := range live {
			rc.committed(op, err)
		}
		return
	}
	for _, op := range live {
		rc.committed(op, rc.s.d.DB.InTx(context.Background(), func(tx *sql.Tx) error {
			return rc.s.writeAnswer(context.Background(), tx, op)
		}))
	}
}

// committed tells in-process caches about a written mistake-book change
// before answering the caller, whose next list must show it.
func (rc *recorder) committed(op *answerOp, err error) {
	if err == nil && (!op.correct || op.clear) {
		rc.s.d.Users.Changed(op.userID)
	}
	op.done <- err
}

// writeAnswer applies one answer: the mistake book, the latest answer
// and the quiz counter.
func (s *service) writeAnswer(ctx context.Context, tx *sql.Tx, op *answerOp) error {
	switch {
	case !op.correct:
		if _, err := s.stmts.exec(ctx, tx, `INSERT INTO mistakes (user_id, question_id, created_at, wrong_count, updated_at)
			VALUES (?, ?, ?, 1, ?) ON CONFLICT(user_id, question_id)
			DO UPDATE SET wrong_count = wrong_count + 1, updated_at = excluded.updated_at`,
			op.userID, op.questionID, op.now, op.now); err != nil {
			return fmt.Errorf("add mistake: %w", err)
		}
	case op.clear:
		if _, err := s.stmts.exec(ctx, tx, `DELETE FROM mistakes WHERE user_id = ? AND question_id = ?`,
			op.userID, op.questionID); err != nil {
			return fmt.Errorf("remove mistake: %w", err)
		}
	}
	if _, err := s.stmts.exec(ctx, tx, `INSERT INTO user_answers (user_id, question_id, is_correct, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT(user_id, question_id)
		DO UPDATE SET is_correct = excluded.is_correct, created_at = excluded.created_at, user_answer = NULL`,
		op.userID, op.questionID, b2i(op.correct), op.now); err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	if op.counts {
		if _, err := s.stmts.exec(ctx, tx, `INSERT INTO user_quiz_stats (user_id, total_answered, updated_at)
			VALUES (?, 1, ?) ON CONFLICT(user_id)
			DO UPDATE SET total_answered = total_answered + 1, updated_at = excluded.updated_at`, op.userID, op.now); err != nil {
			return fmt.Errorf("count answer: %w", err)
		}
	}
	return nil
}
