package testkit

import (
	"database/sql"
	"embed"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed testdata/flask_*.sql
var flaskScripts embed.FS

// Scripts of a database of the original Flask system (data-model.md):
// its schema as created, the columns its code used without creating, and
// a few rows of every table migrate-from-flask copies (passwords: admin =
// OldFlask123 as pbkdf2, scrypt_user = Scrypt-pass-9 as scrypt).
const (
	FlaskSchema      = "flask_schema.sql"
	FlaskUsedColumns = "flask_used_columns.sql"
	FlaskRows        = "flask_rows.sql"
)

// FlaskDatabase writes a database of the original system from the named
// scripts (all three when none are named) and returns its path. Foreign
// keys stay off while loading, as in old databases holding rows whose
// parents were deleted.
func FlaskDatabase(t testing.TB, scripts ...string) string {
	t.Helper()
	if len(scripts) == 0 {
		scripts = []string{FlaskSchema, FlaskUsedColumns, FlaskRows}
	}
	path := filepath.Join(t.TempDir(), "flask", "instance", "submissions.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range scripts {
		raw, err := flaskScripts.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatalf("flask script %s: %v", name, err)
		}
		for i, stmt := range sqlStatements(string(raw)) {
			if _, err := db.Exec(stmt); err != nil {
				t.Fatalf("%s statement %d: %v\n%s", name, i+1, err, stmt)
			}
		}
	}
	return path
}

// sqlStatements cuts a script at lines ending in ";", dropping comments.
func sqlStatements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	return out
}
