package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded schema step, applied once, in name order.
type Migration struct {
	Version string // file name without .sql, e.g. "0001_core"
	SQL     string
}

// Migrations lists the embedded migrations in the order they apply.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: strings.TrimSuffix(e.Name(), ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration the database has not seen and returns
// their versions (the caller logs them). It is safe
// when several processes start at once: the whole run is one transaction
// whose first statement is a write, so a second process waits for the
// first and then finds nothing left to do.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	migrations, err := Migrations()
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	for attempt := 0; ; attempt++ {
		applied, err = db.migrateOnce(ctx, migrations)
		if err == nil || attempt == 5 || !isBusy(err) {
			break
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	if err != nil {
		return nil, err
	}
	return applied, nil
}

func (db *DB) migrateOnce(ctx context.Context, migrations []Migration) ([]string, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		applied = applied[:0] // InTx may run this again after a busy remote database
		// Taking the write lock first serialises concurrent migrators.
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at)
			VALUES ('_lock', ?) ON CONFLICT(version) DO UPDATE SET applied_at = excluded.applied_at`,
			Timestamp(time.Now())); err != nil {
			return fmt.Errorf("lock schema_migrations: %w", err)
		}
		done := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			done[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range migrations {
			if done[m.Version] {
				continue
			}
			for i, stmt := range splitStatements(m.SQL) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s, statement %d: %w", m.Version, i+1, err)
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.Version, Timestamp(time.Now())); err != nil {
				return fmt.Errorf("record migration %s: %w", m.Version, err)
			}
			applied = append(applied, m.Version)
		}
		return nil
	})
	return applied, err
}

func isBusy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// splitStatements cuts a migration file into statements at lines that end
// with ";" and drops comment-only pieces. Migrations keep one statement
// per such line ending (no semicolons inside trigger bodies).
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
