package explain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/ratelimit"
	"quizbank/shared/store"
)

// limits are the cost controls of provider calls; a value ≤ 0 switches
// that limit off.
type limits struct {
	UserPerMinute int
	UserPerDay    int
	TotalPerDay   int
}

// errCapReached tells the transaction below to undo its reservations.
var errCapReached = errors.New("daily cap reached")

// usageCounters count provider calls per day in the database, so the caps
// hold across processes and Lambda instances. Days start at midnight in
// the configured TIMEZONE.
type usageCounters struct {
	db  *store.DB
	loc *time.Location
	now func() time.Time
}

// reserve counts one call for userID against both daily caps, or counts
// nothing and returns the 429 refusal when either is used up.
func (u usageCounters) reserve(ctx context.Context, userID int64, l limits) error {
	if l.UserPerDay <= 0 && l.TotalPerDay <= 0 {
		return nil
	}
	now := u.now().In(u.loc)
	day := now.Format("2006-01-02")
	var refused int
	err := u.db.InTx(ctx, func(tx *sql.Tx) error {
		if l.UserPerDay > 0 {
			ok, err := bump(ctx, tx, day, "user:"+strconv.FormatInt(userID, 10), l.UserPerDay)
			if err != nil {
				return err
			}
			if !ok {
				refused = l.UserPerDay
				return errCapReached
			}
		}
		if l.TotalPerDay > 0 {
			ok, err := bump(ctx, tx, day, "total", l.TotalPerDay)
			if err != nil {
				return err
			}
			if !ok {
				refused = l.TotalPerDay
				return errCapReached
			}
		}
		return nil
	})
	if errors.Is(err, errCapReached) {
		e := httpx.FrameworkError(http.StatusTooManyRequests, fmt.Sprintf("%d per 1 day", refused))
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, u.loc)
		e.RetryAfter = int(math.Ceil(midnight.Sub(now).Seconds()))
		return e
	}
	if err != nil {
		return fmt.Errorf("count AI usage: %w", err)
	}
	return nil
}

// bump adds one call to scope's counter unless it already reached limit.
func bump(ctx context.Context, tx *sql.Tx, day, scope string, limit int) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO ai_usage_daily (day, scope, calls) VALUES (?, ?, 1)
		ON CONFLICT(day, scope) DO UPDATE SET calls = calls + 1 WHERE ai_usage_daily.calls < ?`,
		day, scope, limit)
	if err != nil {
		return false, fmt.Errorf("bump %s: %w", scope, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("bump %s: %w", scope, err)
	}
	return n > 0, nil
}

// used reports the calls counted for scope today (tests, monitoring).
func (u usageCounters) used(ctx context.Context, scope string) (int, error) {
	var n int
	err := u.db.QueryRowContext(ctx, `SELECT calls FROM ai_usage_daily WHERE day = ? AND scope = ?`,
		u.now().In(u.loc).Format("2006-01-02"), scope).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// perMinute takes one call of userID from the per-minute budget kept by
// the shared limiter (memory or Redis, RATELIMIT_STORAGE_URL).
func perMinute(ctx context.Context, lim *ratelimit.Limiter, userID int64, perMin int) error {
	if perMin <= 0 {
		return nil
	}
	rules, err := ratelimit.Parse(fmt.Sprintf("%d per minute", perMin))
	if err != nil {
		return fmt.Errorf("AI per-minute limit: %w", err)
	}
	if d := lim.Take(ctx, "ai-explain", strconv.FormatInt(userID, 10), rules); !d.Allowed {
		return ratelimit.Refusal(d)
	}
	return nil
}
