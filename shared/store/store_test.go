package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quizbank/shared/store"
	"quizbank/shared/store/hranatest"
	"quizbank/shared/users"
)

// backend is one way to reach a database: a local file, or the Hrana
// test server over HTTP.
type backend struct {
	name   string
	remote bool
	url    func(t *testing.T) string
}

var backends = []backend{
	{"file", false, func(t *testing.T) string { return "file:" + filepath.Join(t.TempDir(), "sub", "quiz.db") }},
	{"remote", true, func(t *testing.T) string { return hranatest.New(t) }},
}

// eachBackend runs fn once per backend with a fresh database URL.
func eachBackend(t *testing.T, fn func(t *testing.T, url string, remote bool)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.url(t), b.remote) })
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func open(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(testCtx(t), url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func migrated(t *testing.T, url string) *store.DB {
	t.Helper()
	db := open(t, url)
	if _, err := db.Migrate(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateTwice(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string, remote bool) {
		ctx := testCtx(t)
		db := open(t, url)
		if db.Remote != remote {
			t.Fatalf("Remote = %v, want %v", db.Remote, remote)
		}
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all, _ := store.Migrations()
		if len(applied) != len(all) || applied[0] != "0001_core" {
			t.Fatalf("applied = %v, want all %d starting with 0001_core", applied, len(all))
		}
		again, err := db.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second run applied %v, err %v; want nothing", again, err)
		}
		var recorded int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version <> '_lock'`).Scan(&recorded); err != nil ||
			recorded != len(all) {
			t.Fatalf("schema_migrations rows = %d (%v), want %d", recorded, err, len(all))
		}
		var fk int
		if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
			t.Fatalf("foreign_keys = %d (%v), want 1", fk, err)
		}
	})
}

func TestMigrateConcurrentOpeners(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string, _ bool) {
		ctx := testCtx(t)
		const openers = 6
		var wg sync.WaitGroup
		results := make([][]string, openers)
		errs := make([]error, openers)
		for i := range openers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(ctx, url, "")
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				results[i], errs[i] = db.Migrate(ctx)
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for i := range openers {
			if errs[i] != nil {
				t.Fatalf("opener %d: %v", i, errs[i])
			}
			for _, v := range results[i] {
				seen[v]++
			}
		}
		all, _ := store.Migrations()
		for _, m := range all {
			if seen[m.Version] != 1 {
				t.Errorf("migration %s applied %d times, want once", m.Version, seen[m.Version])
			}
		}
	})
}

func TestInTx(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string, _ bool) {
		ctx := testCtx(t)
		db := migrated(t, url) // production databases are migrated; the write lock needs schema_migrations
		if _, err := db.ExecContext(ctx, `CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO counter VALUES (1, 0)`); err != nil {
			t.Fatal(err)
		}
		// An error from fn rolls everything back.
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE counter SET n = 100 WHERE id = 1`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		// Read-then-write transactions from many goroutines lose no update.
		const writers = 20
		var calls atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(ctx, func(tx *sql.Tx) error {
					calls.Add(1)
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
						return fmt.Errorf("read: %w", err)
					}
					_, err := tx.ExecContext(ctx, `UPDATE counter SET n = ? WHERE id = 1`, n+1)
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("writer: %v", err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil || n != writers {
			t.Fatalf("counter = %d (%v), want %d", n, err, writers)
		}
		// fn runs exactly once per transaction: only the lock step retries.
		if got := calls.Load(); got != writers {
			t.Fatalf("fn ran %d times for %d transactions", got, writers)
		}
	})
}

func TestConstraintErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string, _ bool) {
		ctx := testCtx(t)
		db := open(t, url)
		for _, q := range []string{
			`CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT UNIQUE)`,
			`CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))`,
			`INSERT INTO parent (id, name) VALUES (1, 'a')`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.ExecContext(ctx, `INSERT INTO parent (name) VALUES ('a')`)
		if !store.IsUniqueViolation(err) || store.IsForeignKeyViolation(err) {
			t.Fatalf("duplicate name: %v; want a unique violation", err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO parent (id, name) VALUES (1, 'b')`)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate primary key: %v; want a unique violation", err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO child (parent_id) VALUES (42)`)
		if !store.IsForeignKeyViolation(err) || store.IsUniqueViolation(err) {
			t.Fatalf("missing parent: %v; want a foreign-key violation", err)
		}
		if store.IsUniqueViolation(nil) || store.IsForeignKeyViolation(nil) {
			t.Fatal("nil error reported as a violation")
		}
	})
}

func TestFirstAccountIsTheOnlyAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string, _ bool) {
		ctx := testCtx(t)
		db := migrated(t, url)
		st := users.New(db)
		const signups = 50
		now := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, signups)
		for i := range signups {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.Create(ctx, users.NewUser{Username: fmt.Sprintf("user%02d", i),
					Email: fmt.Sprintf("user%02d@example.com", i), EmailVerified: true}, now)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("create: %v", err)
			}
		}
		var total, admins int
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(is_admin), 0) FROM users`).Scan(&total, &admins); err != nil {
			t.Fatal(err)
		}
		if total != signups || admins != 1 {
			t.Fatalf("%d users with %d admins, want %d with exactly 1", total, admins, signups)
		}
		// The admin is the account with the lowest id: the first one in.
		var adminID, firstID int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE is_admin = 1`).Scan(&adminID); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT min(id) FROM users`).Scan(&firstID); err != nil {
			t.Fatal(err)
		}
		if adminID != firstID {
			t.Fatalf("admin is user %d, first user is %d", adminID, firstID)
		}
		_, err := st.Create(ctx, users.NewUser{Username: "user00"}, now)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("taken username: %v; want a unique violation", err)
		}
	})
}

func TestRemoteAuthToken(t *testing.T) {
	ctx := testCtx(t)
	url := hranatest.New(t, hranatest.WithAuthToken("tok-123"))
	if _, err := store.Open(ctx, url, ""); err == nil {
		t.Fatal("open without the token succeeded")
	}
	db, err := store.Open(ctx, url, "tok-123")
	if err != nil {
		t.Fatalf("open with the token: %v", err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesBadURLs(t *testing.T) {
	ctx := testCtx(t)
	for _, url := range []string{
		"postgres://db/quiz",
		"file:",
		"https://example.invalid/db?authToken=x",
		"libsql://example.invalid/?tls=0",
	} {
		db, err := store.Open(ctx, url, "")
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", url)
			continue
		}
		if strings.Contains(err.Error(), "authToken=x") {
			t.Errorf("Open(%q) error repeats the query string: %v", url, err)
		}
	}
	// An unreachable server is an error at Open, not at the first query.
	if db, err := store.Open(ctx, "http://127.0.0.1:1", ""); err == nil {
		db.Close()
		t.Fatal("Open of a closed port succeeded")
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"libsql://user:pw@db.example.com/?authToken=abc": "libsql://db.example.com/",
		"file:instance/submissions.db?_pragma=x":         "file:instance/submissions.db",
		"https://db.example.com":                         "https://db.example.com",
	} {
		if got := store.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	at := time.Date(2026, 12, 4, 13, 5, 9, 123, time.FixedZone("CST", 8*3600))
	if got := store.Timestamp(at); got != "2026-12-04 05:05:09" {
		t.Fatalf("Timestamp = %q", got)
	}
	for in, want := range map[string]time.Time{
		"2026-12-04 05:05:09":       time.Date(2026, 12, 4, 5, 5, 9, 0, time.UTC),
		"2026-12-04 05:05:09.5":     time.Date(2026, 12, 4, 5, 5, 9, 5e8, time.UTC),
		"2026-12-04T13:05:09+08:00": time.Date(2026, 12, 4, 5, 5, 9, 0, time.UTC),
	} {
		got, err := store.ParseTimestamp(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := store.ParseTimestamp("yesterday"); err == nil {
		t.Error("ParseTimestamp accepted garbage")
	}
}

// TestRemoteLibsqlURL opens the libsql:// form of the URL, as Turso
// gives it: the driver speaks HTTPS to it. The driver uses
// http.DefaultClient with the system roots, so the client runs in a
// child process of this test binary that trusts the server's
// certificate through SSL_CERT_FILE.
func TestRemoteLibsqlURL(t *testing.T) {
	if url := os.Getenv("HRANATEST_LIBSQL_URL"); url != "" {
		ctx := testCtx(t)
		db, err := store.Open(ctx, url, os.Getenv("HRANATEST_LIBSQL_TOKEN"))
		if err != nil {
			t.Fatalf("open %s: %v", url, err)
		}
		defer db.Close()
		if !db.Remote {
			t.Fatal("libsql:// URL not treated as remote")
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return
	}
	srv := hranatest.NewServer(t, hranatest.WithTLS(), hranatest.WithAuthToken("tok"))
	cert := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(cert, srv.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRemoteLibsqlURL$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+cert,
		"HRANATEST_LIBSQL_URL="+srv.LibsqlURL(), "HRANATEST_LIBSQL_TOKEN=tok")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("client process over %s: %v\n%s", srv.LibsqlURL(), err, out)
	}
	var n int
	if err := srv.DB().QueryRowContext(testCtx(t), `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n < 2 {
		t.Fatalf("schema_migrations on the server: %d rows (%v)", n, err)
	}
}

// TestMigrateConcurrentProcesses starts several copies of this test
// binary that open and migrate the same new database at once, as
// cold-starting functions or a server and `local migrate` would. Each
// must succeed, and every migration must be applied exactly once.
func TestMigrateConcurrentProcesses(t *testing.T) {
	if url := os.Getenv("STORE_TEST_MIGRATE_URL"); url != "" {
		ctx := testCtx(t)
		db, err := store.Open(ctx, url, "")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		applied, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("APPLIED %s\n", strings.Join(applied, ","))
		return
	}
	eachBackend(t, func(t *testing.T, url string, _ bool) {
		const processes = 4
		outs := make([][]byte, processes)
		errs := make([]error, processes)
		var wg sync.WaitGroup
		for i := range processes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(os.Args[0], "-test.run=^TestMigrateConcurrentProcesses$", "-test.count=1", "-test.v")
				cmd.Env = append(os.Environ(), "STORE_TEST_MIGRATE_URL="+url)
				outs[i], errs[i] = cmd.CombinedOutput()
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for i := range processes {
			if errs[i] != nil {
				t.Fatalf("process %d: %v\n%s", i, errs[i], outs[i])
			}
			for _, line := range strings.Split(string(outs[i]), "\n") {
				if list, ok := strings.CutPrefix(line, "APPLIED "); ok && list != "" {
					for _, v := range strings.Split(list, ",") {
						seen[v]++
					}
				}
			}
		}
		all, _ := store.Migrations()
		for _, m := range all {
			if seen[m.Version] != 1 {
				t.Errorf("migration %s applied %d times across the processes, want once", m.Version, seen[m.Version])
			}
		}
	})
}
