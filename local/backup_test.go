package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quizbank/shared/store"
)

// TestBackupWhileWriting copies a database that another connection pool
// keeps writing to, and checks that the copy is sound and holds at least
// every row committed before the backup started.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, &out, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	ctx := context.Background()
	dbURL := getenv("DATABASE_URL")
	db, err := store.Open(ctx, dbURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Enough data that the copy takes a while: 400 subjects × 25 questions.
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		for s := 1; s <= 400; s++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO subjects (id, name) VALUES (?, ?)`, s, fmt.Sprintf("seed-%d", s)); err != nil {
				return err
			}
			for q := 0; q < 25; q++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO questions (subject_id, content, q_type, answer)
					VALUES (?, ?, '问答题', ?)`, s, strings.Repeat("题干", 200), strings.Repeat("答案", 100)); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("seed: %v", err)
	}

	// The writer commits one subject per transaction until told to stop.
	var committed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO subjects (name) VALUES (?)`, fmt.Sprintf("live-%d", i)); err != nil {
				writeErr = err
				return
			}
			committed.Store(int64(i))
		}
	}()
	for committed.Load() < 50 {
		time.Sleep(time.Millisecond)
	}

	before := committed.Load()
	dest := filepath.Join(dir, "backups") + "/"
	out.Reset()
	err = run(ctx, []string{"backup", dest}, getenv, &out, &out)
	during := committed.Load() - before
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	if writeErr != nil {
		t.Fatalf("the writer failed while the backup ran: %v", writeErr)
	}
	t.Logf("writer committed %d rows while the backup ran", during)
	if during == 0 {
		t.Errorf("the writer made no progress while the backup ran: the copy blocked it")
	}

	files, _ := filepath.Glob(filepath.Join(dir, "backups", "submissions-*.db"))
	if len(files) != 1 {
		t.Fatalf("backup files = %v, want one", files)
	}
	st, _ := os.Stat(files[0])
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("backup file mode %v, want 0600 (it holds password hashes)", perm)
	}
	if want := fmt.Sprintf("backup written: %s (%d bytes, integrity_check ok)", files[0], st.Size()); !strings.Contains(out.String(), want) {
		t.Errorf("output %q does not contain %q", out.String(), want)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, "backups", "*.partial")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	cp, err := sql.Open("sqlite", "file:"+files[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var check string
	if err := cp.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy = %q, %v", check, err)
	}
	var live, seeded, questions int64
	if err := cp.QueryRow(`SELECT COUNT(*) FROM subjects WHERE name LIKE 'live-%'`).Scan(&live); err != nil {
		t.Fatal(err)
	}
	_ = cp.QueryRow(`SELECT COUNT(*) FROM subjects WHERE name LIKE 'seed-%'`).Scan(&seeded)
	_ = cp.QueryRow(`SELECT COUNT(*) FROM questions`).Scan(&questions)
	if live < before {
		t.Errorf("copy holds %d live rows, but %d were committed before the backup began", live, before)
	}
	if live > before+during {
		t.Errorf("copy holds %d live rows, more than the %d ever committed", live, before+during)
	}
	if seeded != 400 || questions != 400*25 {
		t.Errorf("copy has %d seeded subjects and %d questions, want 400 and 10000", seeded, questions)
	}
	var migrations int64
	_ = cp.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE version = '0001_core'`).Scan(&migrations)
	if migrations != 1 {
		t.Errorf("copy lacks the migration record")
	}
}

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	cases := []struct {
		name   string
		env    map[string]string
		args   []string
		prep   func()
		expect string
	}{
		{"remote database", map[string]string{"DATABASE_URL": "libsql://quiz.example.turso.io"},
			[]string{"backup", dir}, nil, "local SQLite file only"},
		{"missing database file", nil, []string{"backup", dir}, nil, "does not exist"},
		{"existing destination file", nil, []string{"backup", filepath.Join(dir, "taken.db")}, func() {
			var out bytes.Buffer
			if err := run(ctx, []string{"migrate"}, testEnv(dir, nil), &out, &out); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "taken.db"), []byte("keep me"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "already exists"},
		{"no destination", nil, []string{"backup"}, nil, "usage: local backup DEST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prep != nil {
				c.prep()
			}
			var out bytes.Buffer
			err := run(ctx, c.args, testEnv(dir, c.env), &out, &out)
			if err == nil {
				t.Fatalf("backup succeeded; output %s", out.String())
			}
			if msg := err.Error() + out.String(); !strings.Contains(msg, c.expect) {
				t.Errorf("error %q, output %q: want %q", err, out.String(), c.expect)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "taken.db")); string(b) != "keep me" {
		t.Errorf("existing destination was overwritten: %q", b)
	}
}

func TestBackupAsRootRefusesAnotherOwnersDatabase(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the refusal is about root opening another account's database")
	}
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, &out, &out); err != nil {
		t.Fatal(err)
	}
	dbPath := strings.TrimPrefix(getenv("DATABASE_URL"), "file:")
	if err := os.Chown(dbPath, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"backup", filepath.Join(dir, "copy.db")}, getenv, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "belongs to user id 65534; run this command as that user") {
		t.Errorf("backup as root of a database owned by 65534: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "copy.db")); err == nil {
		t.Error("a copy was written anyway")
	}
}
