package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/store"
)

// Kinds of auth_ephemeral rows (data-model.md §3, moved out of
// user_progress).
const (
	kindLoginSession = "web_login_session"
	kindLoginToken   = "web_login_token"
	kindBindSession  = "web_wechat_bind_session"
	kindTempToken    = "wechat_temp_token"
)

// keepExpired is how long a record outlives its own expiry, so a poll
// after the deadline still reads "expired" instead of "unknown".
const keepExpired = time.Hour

// ephemeral stores the short-lived records of the scan-login, bind and
// temp-token flows as JSON rows of auth_ephemeral.
type ephemeral struct {
	db  *store.DB
	now func() time.Time

	mu         sync.Mutex
	lastPurged time.Time
}

// querier is what a record operation needs: the database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

var errNoRecord = errors.New("no such record")

func millis(t time.Time) int64 { return t.UnixMilli() }

// randomHex returns n random bytes as 2n hex characters.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// put writes (or replaces) a record that may be purged after expires
// plus keepExpired.
func (e *ephemeral) put(ctx context.Context, q querier, kind, key string, v any, expires time.Time) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO auth_ephemeral (key, kind, data, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(key) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
		kind+":"+key, kind, string(raw), millis(expires.Add(keepExpired)))
	if err != nil {
		return fmt.Errorf("store %s: %w", kind, err)
	}
	if _, inTx := q.(*sql.Tx); !inTx {
		// Never inside a transaction: the purge runs on another
		// connection and would wait for the transaction's write lock.
		e.purgeSometimes(ctx)
	}
	return nil
}

// get reads a record into v; errNoRecord when there is none.
func (e *ephemeral) get(ctx context.Context, q querier, kind, key string, v any) error {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT data FROM auth_ephemeral WHERE key = ?`, kind+":"+key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoRecord
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", kind, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("decode %s: %w", kind, err)
	}
	return nil
}

// del removes a record (absent is fine).
func (e *ephemeral) del(ctx context.Context, q querier, kind, key string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM auth_ephemeral WHERE key = ?`, kind+":"+key); err != nil {
		return fmt.Errorf("delete %s: %w", kind, err)
	}
	return nil
}

// Purge deletes the records whose grace period has passed.
func (e *ephemeral) Purge(ctx context.Context) (int64, error) {
	res, err := e.db.ExecContext(ctx, `DELETE FROM auth_ephemeral WHERE expires_at < ?`, millis(e.now()))
	if err != nil {
		return 0, fmt.Errorf("purge auth_ephemeral: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func (e *ephemeral) purgeSometimes(ctx context.Context) {
	e.mu.Lock()
	due := e.now().Sub(e.lastPurged) >= 10*time.Minute
	if due {
		e.lastPurged = e.now()
	}
	e.mu.Unlock()
	if due {
		_, _ = e.Purge(ctx)
	}
}

// notFoundAs answers a missing record with a 404 carrying msg; any other
// error passes through.
func notFoundAs(err error, msg string) error {
	if errors.Is(err, errNoRecord) {
		return httpx.NotFound(msg)
	}
	return err
}
