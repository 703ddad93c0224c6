package question

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
)

// Execer is a *sql.DB or *sql.Tx.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// localBumps counts content changes made by this process, so its own
// caches drop at once; other processes notice the database row.
var localBumps atomic.Int64

// LocalBumps is the number of content changes this process has made.
func LocalBumps() int64 { return localBumps.Load() }

// BumpVersion records that subjects or questions changed: every process
// drops its cached question pages (this one at once, others within the
// cache's re-check interval). It runs outside a transaction, after the
// change committed; inside one, use BumpStored and call Changed after the
// commit.
func BumpVersion(ctx context.Context, db Execer) error {
	if err := BumpStored(ctx, db); err != nil {
		return err
	}
	Changed()
	return nil
}

// BumpStored bumps the stored content version, which other processes
// watch, in the caller's transaction.
func BumpStored(ctx context.Context, tx Execer) error {
	if _, err := tx.ExecContext(ctx, `UPDATE quiz_content_version SET version = version + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("bump quiz content version: %w", err)
	}
	return nil
}

// Changed tells this process's caches that content changed. It must come
// after the commit: a cache refilled between a bump and the commit would
// keep the old rows under the new count.
func Changed() { localBumps.Add(1) }

// Version reads the stored content version.
func Version(ctx context.Context, db interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int64, error) {
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT version FROM quiz_content_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read quiz content version: %w", err)
	}
	return v, nil
}
