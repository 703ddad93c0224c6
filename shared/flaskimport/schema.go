// Package flaskimport copies the data of the original Flask quiz-bank
// system (its instance/submissions.db, tables in data-model.md) into Quiz
// Bank's database: accounts with their Werkzeug password hashes, subjects,
// questions, favourites, mistakes, answers, progress, exams and settings.
// It reads the old file read-only, keeps ids, and can run again safely.
package flaskimport

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver that reads the old file
)

// sourceTable is what the copy needs of one table of the original: the
// columns it cannot do without. Every other column it reads is optional,
// because old deployments lack the ones later code added.
type sourceTable struct {
	name     string
	required []string
}

// sourceTables are the original's tables the copy reads, in copy order
// (parents before the rows that point at them).
var sourceTables = []sourceTable{
	{"users", []string{"id", "username", "password_hash"}},
	{"subjects", []string{"id", "name"}},
	{"questions", []string{"id", "subject_id", "content", "q_type"}},
	{"favorites", []string{"id", "user_id", "question_id"}},
	{"mistakes", []string{"id", "user_id", "question_id"}},
	{"user_answers", []string{"id", "user_id", "question_id", "is_correct"}},
	{"user_progress", []string{"id", "user_id", "p_key", "data"}},
	{"exams", []string{"id", "user_id", "duration_minutes"}},
	{"exam_questions", []string{"id", "exam_id", "question_id", "order_index"}},
	{"system_config", []string{"id", "config_key", "config_value"}},
	{"user_subjects", []string{"id", "user_id", "subject_id"}},
}

// SchemaError says why a file is not the original's database.
type SchemaError struct {
	Path           string
	MissingTables  []string
	MissingColumns map[string][]string // table → columns
}

func (e *SchemaError) Error() string {
	var parts []string
	if len(e.MissingTables) > 0 {
		parts = append(parts, "missing tables: "+strings.Join(e.MissingTables, ", "))
	}
	tables := make([]string, 0, len(e.MissingColumns))
	for t := range e.MissingColumns {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		parts = append(parts, fmt.Sprintf("table %s lacks columns %s", t, strings.Join(e.MissingColumns[t], ", ")))
	}
	return fmt.Sprintf("%s is not a database of the Flask quiz-bank system (%s)", e.Path, strings.Join(parts, "; "))
}

// OpenSource opens the original's database file read-only and checks that
// it has the tables and columns the copy needs.
func OpenSource(ctx context.Context, path string) (*sql.DB, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("source database %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("source database %s is a folder; give the path of submissions.db", path)
	}
	if err := checkSQLiteHeader(path); err != nil {
		return nil, err
	}
	// mode=ro opens the file without write access; query_only refuses any
	// write statement on top of that.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("open source database: %w", err)
	}
	db.SetMaxOpenConns(1)
	if err := checkSchema(ctx, db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func checkSQLiteHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("source database: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return fmt.Errorf("%s is not a SQLite database file", path)
	}
	return nil
}

func checkSchema(ctx context.Context, db *sql.DB, path string) error {
	serr := &SchemaError{Path: path, MissingColumns: map[string][]string{}}
	for _, t := range sourceTables {
		cols, err := columnsOf(ctx, db, t.name)
		if err != nil {
			return fmt.Errorf("read the schema of %s: %w", path, err)
		}
		if len(cols) == 0 {
			serr.MissingTables = append(serr.MissingTables, t.name)
			continue
		}
		for _, c := range t.required {
			if !cols[c] {
				serr.MissingColumns[t.name] = append(serr.MissingColumns[t.name], c)
			}
		}
	}
	if len(serr.MissingTables) > 0 || len(serr.MissingColumns) > 0 {
		return serr
	}
	return nil
}

// columnsOf lists a table's columns; an absent table has none.
func columnsOf(ctx context.Context, db *sql.DB, table string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		cols[name] = true
	}
	return cols, rows.Err()
}
