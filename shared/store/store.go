// Package store opens the libSQL database — a local SQLite file through
// modernc.org/sqlite, or a remote libSQL/Turso server over Hrana — and
// applies the embedded schema migrations.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver that libsql uses for file: URLs
)

// TimeLayout is how every timestamp is stored: UTC, second precision,
// the format SQLite's CURRENT_TIMESTAMP writes.
const TimeLayout = "2006-01-02 15:04:05"

// Timestamp formats t for a TEXT timestamp column.
func Timestamp(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTimestamp reads a stored timestamp as UTC.
func ParseTimestamp(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("parse timestamp %q", s)
}

// DB is the database handle the route groups share.
type DB struct {
	*sql.DB
	// Remote is true for libsql:// and http(s):// URLs.
	Remote bool
}

// filePragmas make every pooled connection of a local file use WAL, wait
// for locks instead of failing, enforce foreign keys, and take the write
// lock at BEGIN so read-then-write transactions cannot deadlock.
const filePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// Open connects to rawURL. For file: URLs the parent directory is created
// and the pragmas above are added; remote URLs take the auth token.
func Open(ctx context.Context, rawURL, authToken string) (*DB, error) {
	dsn, remote, err := dataSource(rawURL)
	if err != nil {
		return nil, err
	}
	var opts []libsql.Option
	if remote && authToken != "" {
		opts = append(opts, libsql.WithAuthToken(authToken))
	}
	connector, err := libsql.NewConnector(dsn, opts...)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", Redact(rawURL), err)
	}
	db := sql.OpenDB(connector)
	if remote {
		db.SetMaxIdleConns(8)
		db.SetConnMaxIdleTime(30 * time.Second)
	} else {
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	// A real query: the remote driver's Ping does not reach the server.
	// While another process turns a new file into WAL mode, a connection
	// opening at that moment can get SQLITE_BUSY from the journal-mode
	// pragma without waiting; that passes within moments, so retry.
	var one int
	for attempt := 0; ; attempt++ {
		err = db.QueryRowContext(pingCtx, "SELECT 1").Scan(&one)
		if err == nil || !isBusy(err) || attempt == 20 || pingCtx.Err() != nil {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("connect to database %s: %w", Redact(rawURL), err)
	}
	return &DB{DB: db, Remote: remote}, nil
}

func dataSource(rawURL string) (dsn string, remote bool, err error) {
	switch {
	case strings.HasPrefix(rawURL, "file:"):
		path, query, _ := strings.Cut(strings.TrimPrefix(rawURL, "file:"), "?")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", false, fmt.Errorf("DATABASE_URL %q has no file path", rawURL)
		}
		if path != ":memory:" {
			if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
				return "", false, fmt.Errorf("create database directory: %w", err)
			}
		}
		q := filePragmas
		if query != "" {
			q = query + "&" + filePragmas
		}
		return "file:" + path + "?" + q, false, nil
	case strings.HasPrefix(rawURL, "libsql://"), strings.HasPrefix(rawURL, "https://"),
		strings.HasPrefix(rawURL, "http://"), strings.HasPrefix(rawURL, "wss://"),
		strings.HasPrefix(rawURL, "ws://"):
		u, err := url.Parse(rawURL)
		if err != nil {
			return "", false, fmt.Errorf("DATABASE_URL is not a URL: %w", err)
		}
		if u.RawQuery != "" {
			return "", false, errors.New("DATABASE_URL for a remote database takes no query string; " +
				"put the token in DATABASE_AUTH_TOKEN")
		}
		return rawURL, true, nil
	default:
		return "", false, fmt.Errorf("DATABASE_URL %q must start with file:, libsql://, https:// or http://", Redact(rawURL))
	}
}

// Redact drops credentials and query strings from a database URL for logs.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "file" || u.Scheme == "" {
		path, _, _ := strings.Cut(rawURL, "?")
		return path
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// InTx runs fn once in a transaction and commits it when fn returns nil.
// For file databases BEGIN takes the write lock at once
// (_txlock=immediate). A remote server only offers a deferred BEGIN, so a
// transaction that reads and then writes could lose the race for the
// write lock with SQLITE_BUSY half-way through fn. On a remote database
// InTx therefore makes a no-op write its first statement, which takes the
// write lock (the server waits its busy timeout for it); only that first
// step is retried when the server still answers busy, so fn never runs
// twice.
func (db *DB) InTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// remoteTxAttempts bounds how often a busy remote BEGIN + lock is retried
// (about 6 s of pauses in all).
const remoteTxAttempts = 25

// writeLock is a write that changes nothing: it makes SQLite take the
// database's write lock at the start of a remote transaction.
const writeLock = `UPDATE schema_migrations SET version = version WHERE version = '_lock'`

func (db *DB) begin(ctx context.Context) (*sql.Tx, error) {
	for attempt := 0; ; attempt++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, fmt.Errorf("begin transaction: %w", err)
		}
		if !db.Remote {
			return tx, nil
		}
		_, err = tx.ExecContext(ctx, writeLock)
		if err == nil || strings.Contains(err.Error(), "no such table") {
			// Before the first migration there is nothing to lock with;
			// Migrate's own first statement is a write.
			if err != nil {
				_ = tx.Rollback()
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					return nil, fmt.Errorf("begin transaction: %w", err)
				}
			}
			return tx, nil
		}
		_ = tx.Rollback()
		if !isBusy(err) || attempt+1 >= remoteTxAttempts {
			return nil, fmt.Errorf("take the write lock: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 20 * time.Millisecond):
		}
	}
}

// IsUniqueViolation reports whether err is a UNIQUE or PRIMARY KEY
// constraint failure, from either driver.
func IsUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// IsForeignKeyViolation reports whether err is a FOREIGN KEY failure.
func IsForeignKeyViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
