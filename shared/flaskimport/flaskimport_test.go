package flaskimport_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quizbank/shared/flaskimport"
	"quizbank/shared/password"
	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func runImport(t *testing.T, env *testkit.Env, path string, dryRun bool) (*flaskimport.Report, error) {
	t.Helper()
	ctx := context.Background()
	src, err := flaskimport.OpenSource(ctx, path)
	if err != nil {
		t.Fatalf("open source: %v", err)
	}
	defer src.Close()
	now := time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)
	return flaskimport.Run(ctx, src, env.Deps.DB, env.Deps.SysConfig,
		flaskimport.Options{SourceZone: shanghai, Now: now, DryRun: dryRun})
}

// dump renders every row of the tables the import writes, to compare the
// target before and after a run.
func dump(t *testing.T, env *testkit.Env) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"users", "subjects", "questions", "favorites", "mistakes", "user_answers",
		"user_progress", "exams", "exam_questions", "system_config", "user_subjects", "user_quiz_stats", "user_tags", "user_question_tags", "sqlite_sequence"} {
		rows, err := env.Deps.DB.Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %v\n", table, vals)
		}
		rows.Close()
	}
	return b.String()
}

type counts struct{ source, inserted, present, updated, skipped int }

func tallyOf(r *flaskimport.Report, table string) counts {
	t := r.Tally(table)
	if t == nil {
		return counts{-1, -1, -1, -1, -1}
	}
	skipped := 0
	for _, n := range t.Skipped {
		skipped += n
	}
	return counts{t.Source, t.Inserted, t.Present, t.Updated, skipped}
}

func TestImportFlaskDatabase(t *testing.T) {
	path := testkit.FlaskDatabase(t)
	before := fileSum(t, path)
	env := testkit.New(t)
	ctx := context.Background()
	db := env.Deps.DB

	report, err := runImport(t, env, path, false)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	want := map[string]counts{
		"users":              {4, 4, 0, 0, 0},
		"subjects":           {3, 3, 0, 0, 0},
		"questions":          {6, 6, 0, 0, 0},
		"favorites":          {3, 2, 0, 0, 1}, // question 99 is gone
		"mistakes":           {2, 2, 0, 0, 0},
		"user_answers":       {3, 2, 0, 0, 1}, // older answer of user 4 to question 1
		"user_progress":      {5, 2, 0, 0, 3}, // two login records, the tag document
		"user_tags":          {2, 2, 0, 0, 0},
		"user_question_tags": {3, 2, 0, 0, 1}, // question 99 is gone
		"exams":              {3, 2, 0, 0, 1}, // user 99 is gone
		"exam_questions":     {4, 3, 0, 0, 1}, // its exam was skipped
		"system_config":      {5, 3, 1, 1, 0}, // mail_* new, quiz_limit_enabled same, quiz_limit_count changed
		"user_subjects":      {2, 1, 0, 0, 1},
		"user_quiz_stats":    {2, 1, 0, 0, 1},
	}
	for table, w := range want {
		if got := tallyOf(report, table); got != w {
			t.Errorf("%s: got source/copied/present/updated/skipped %v, want %v", table, got, w)
		}
	}
	if got := report.Tally("questions").Cleared; got != 2 {
		t.Errorf("questions: %d dangling references cleared, want 2 (subject 7, author 99)", got)
	}
	out := report.String()
	for _, line := range []string{"done: 36 rows written", "user_progress: 2 skipped: scan-login",
		"favorites: 1 skipped: points at"} {
		if !strings.Contains(out, line) {
			t.Errorf("report lacks %q:\n%s", line, out)
		}
	}

	// Accounts: Werkzeug hashes kept verbatim and still verifying, blanks
	// turned into NULLs, local-time microsecond stamps moved to UTC.
	type userRow struct {
		hash, email, openid, verifiedAt, lastActive, createdAt sql.NullString
		admin, locked, subjectAdmin, version, hasPassword      int64
	}
	readUser := func(id int) userRow {
		var u userRow
		if err := db.QueryRowContext(ctx, `SELECT password_hash, email, openid, email_verified_at, last_active, created_at,
			is_admin, is_locked, is_subject_admin, session_version, has_password_set FROM users WHERE id = ?`, id).Scan(
			&u.hash, &u.email, &u.openid, &u.verifiedAt, &u.lastActive, &u.createdAt,
			&u.admin, &u.locked, &u.subjectAdmin, &u.version, &u.hasPassword); err != nil {
			t.Fatalf("user %d: %v", id, err)
		}
		return u
	}
	admin := readUser(1)
	if ok, rehash := password.Verify(admin.hash.String, "OldFlask123"); !ok || !rehash {
		t.Errorf("admin's pbkdf2 hash: verify ok=%v rehash=%v, want true/true (hash %q)", ok, rehash, admin.hash.String)
	}
	if ok, _ := password.Verify(admin.hash.String, "wrong-password1"); ok {
		t.Error("admin's hash accepts a wrong password")
	}
	if admin.admin != 1 || admin.email.String != "admin@example.com" || admin.verifiedAt.String != "2024-03-01 12:15:30" ||
		admin.createdAt.String != "2024-01-05 08:00:00" {
		t.Errorf("admin row: %+v", admin)
	}
	scryptUser := readUser(3)
	if ok, rehash := password.Verify(scryptUser.hash.String, "Scrypt-pass-9"); !ok || !rehash {
		t.Errorf("scrypt hash: verify ok=%v rehash=%v", ok, rehash)
	}
	if scryptUser.hasPassword != 1 {
		t.Errorf("NULL has_password_set with a hash became %d, want 1", scryptUser.hasPassword)
	}
	wechat := readUser(2)
	if wechat.hash.Valid || wechat.email.Valid || wechat.openid.String != "oWx-abc123" || wechat.hasPassword != 0 {
		t.Errorf("WeChat account: %+v (want NULL hash, NULL e-mail, the openid, no password)", wechat)
	}
	student := readUser(4)
	if student.email.Valid || student.locked != 1 || student.subjectAdmin != 1 || student.version != 3 ||
		student.lastActive.String != "2024-05-02 03:04:05" || student.createdAt.String != "2026-12-04 06:00:00" {
		t.Errorf("student row: %+v", student)
	}
	u, err := env.Deps.Users.ByUsername(ctx, "学生小王")
	if err != nil || u.ID != 4 || u.College != "计算机学院" || u.Contact != "QQ 12345" {
		t.Errorf("users store reads the student as %+v, %v", u, err)
	}

	// Questions: all five types (and a sixth tolerated one), both image
	// path forms verbatim, tags, defaults for NULLs.
	type questionRow struct {
		qType, options, answer, explanation, tags string
		image, updatedAt                          sql.NullString
		subject, author                           sql.NullInt64
		difficulty                                int64
	}
	questions := map[int]questionRow{}
	rows, err := db.QueryContext(ctx, `SELECT id, q_type, options, answer, explanation, tags, image_path, updated_at,
		subject_id, created_by, difficulty FROM questions`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		var q questionRow
		if err := rows.Scan(&id, &q.qType, &q.options, &q.answer, &q.explanation, &q.tags, &q.image, &q.updatedAt,
			&q.subject, &q.author, &q.difficulty); err != nil {
			t.Fatal(err)
		}
		questions[id] = q
	}
	rows.Close()
	if q := questions[1]; q.qType != "选择题" || q.options != `["A. UDP","B. FTP","C. TCP"]` || q.answer != "C" ||
		q.image.String != "question_images/1712345678_4821_fig.png" || q.tags != "network,protocol" ||
		q.author.Int64 != 1 || q.difficulty != 2 {
		t.Errorf("question 1: %+v", q)
	}
	if q := questions[2]; q.qType != "多选题" || q.image.String != `["question_images/a.png","question_images/b.png"]` ||
		q.updatedAt.String != "2024-04-01 04:00:00" || q.tags != "" {
		t.Errorf("question 2: %+v", q)
	}
	if q := questions[3]; q.qType != "判断题" || q.image.Valid || q.answer != "正确" {
		t.Errorf("question 3: %+v", q)
	}
	if q := questions[4]; q.qType != "填空题" || q.options != "[]" || q.answer != "北京;北平;;上海" || q.explanation != "" {
		t.Errorf("question 4: %+v", q)
	}
	if q := questions[5]; q.qType != "问答题" || q.subject.Valid || q.author.Valid || q.image.String != "" || q.difficulty != 1 {
		t.Errorf("question 5: %+v", q)
	}
	if q := questions[6]; q.qType != "计算题" || q.subject.Valid {
		t.Errorf("question 6 (subject 7 was deleted): %+v", q)
	}

	expectInt := func(query string, want int64, args ...any) {
		t.Helper()
		var got int64
		if err := db.QueryRowContext(ctx, query, args...).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %d (%v), want %d", query, got, err, want)
		}
	}
	expectText := func(query, want string, args ...any) {
		t.Helper()
		var got string
		if err := db.QueryRowContext(ctx, query, args...).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", query, got, err, want)
		}
	}
	expectInt(`SELECT wrong_count FROM mistakes WHERE id = 1`, 3)
	expectText(`SELECT updated_at FROM mistakes WHERE id = 1`, "2024-05-01 10:00:00")
	expectInt(`SELECT wrong_count FROM mistakes WHERE id = 2`, 1)
	expectInt(`SELECT id FROM user_answers WHERE user_id = 4 AND question_id = 1`, 2)
	expectInt(`SELECT is_correct FROM user_answers WHERE id = 2`, 1)
	// The private tag document went to the quiz group's tag tables.
	expectInt(`SELECT COUNT(*) FROM user_progress WHERE p_key = 'question_tags_v1'`, 0)
	expectText(`SELECT group_concat(name, '|') FROM (SELECT name FROM user_tags WHERE user_id = 4 ORDER BY name)`, "复习 重点|难")
	expectText(`SELECT group_concat(name, '|') FROM (SELECT t.name FROM user_question_tags b JOIN user_tags t ON t.id = b.tag_id
		WHERE b.user_id = 4 AND b.question_id = 4 ORDER BY t.name)`, "复习 重点|难")
	expectText(`SELECT data FROM user_progress WHERE user_id = 4 AND p_key = 'user_profile_extra_v1'`, `{"signature":"好好学习"}`)
	expectText(`SELECT data FROM user_progress WHERE p_key = 'quiz_progress_4_practice_计算机网络_all_all_q0_o0'`,
		`{"order":[1,2,6],"index":1}`)
	expectInt(`SELECT COUNT(*) FROM user_progress WHERE p_key LIKE 'web_login%' OR p_key LIKE 'wechat_temp%'`, 0)
	expectText(`SELECT status || ' ' || total_score || ' ' || submitted_at FROM exams WHERE id = 1`, "submitted 2.0 2024-05-01 02:30:00")
	expectText(`SELECT status || ' ' || total_score FROM exams WHERE id = 2`, "ongoing 0.0")
	expectText(`SELECT source FROM exam_questions WHERE id = 3`, "user_bank")
	expectText(`SELECT source FROM exam_questions WHERE id = 1`, "public")
	expectText(`SELECT score_val || ' ' || user_answer FROM exam_questions WHERE id = 2`, "2.0 3")
	expectInt(`SELECT subject_id FROM user_subjects WHERE user_id = 4`, 2)
	expectText(`SELECT total_answered || ' ' || last_reset_at FROM user_quiz_stats WHERE user_id = 4`, "37 2024-04-30 01:00:00")
	expectText(`SELECT config_value FROM system_config WHERE config_key = 'quiz_limit_count'`, "50")
	expectText(`SELECT config_value FROM system_config WHERE config_key = 'mail_enabled'`, "true")
	// The SMTP password is encrypted at rest and readable through sysconfig.
	var stored string
	_ = db.QueryRowContext(ctx, `SELECT config_value FROM system_config WHERE config_key = 'mail_password'`).Scan(&stored)
	if !strings.HasPrefix(stored, "enc:v1:") || strings.Contains(stored, "smtp-secret-xyz") {
		t.Errorf("mail_password stored as %q, want ciphertext", stored)
	}
	env.Deps.SysConfig.Invalidate()
	if got := env.Deps.SysConfig.String(ctx, "mail_password", ""); got != "smtp-secret-xyz" {
		t.Errorf("mail_password reads back as %q", got)
	}
	// AUTOINCREMENT continues after the kept ids.
	next := env.CreateUser("new_after_import", "", false)
	if next.ID != 5 || next.IsAdmin {
		t.Errorf("first account after the import: id %d admin %v, want id 5 and not admin", next.ID, next.IsAdmin)
	}

	// Second run: nothing changes, and the report says so.
	snapshot := dump(t, env)
	again, err := runImport(t, env, path, false)
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if again.Changed() != 0 || !strings.Contains(again.String(), "nothing to do") {
		t.Errorf("second run changed %d rows:\n%s", again.Changed(), again.String())
	}
	if got := tallyOf(again, "users"); got != (counts{4, 0, 4, 0, 0}) {
		t.Errorf("second run users: %v", got)
	}
	if got := tallyOf(again, "system_config"); got != (counts{5, 0, 5, 0, 0}) {
		t.Errorf("second run system_config: %v", got)
	}
	if after := dump(t, env); after != snapshot {
		t.Errorf("second run changed the database")
	}
	if fileSum(t, path) != before {
		t.Error("the Flask database file was modified")
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("the import left %s beside the Flask database", suffix)
		}
	}
}

func TestImportBareSchemaUsesDefaults(t *testing.T) {
	// Without the columns the original used but never created.
	path := testkit.FlaskDatabase(t, testkit.FlaskSchema)
	src, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO users (id, username, password_hash) VALUES (1, 'u', 'pbkdf2:sha256:1000$s$00')`,
		`INSERT INTO subjects (id, name) VALUES (1, 's')`,
		`INSERT INTO questions (id, subject_id, content, q_type, answer) VALUES (1, 1, 'q', '选择题', 'A')`,
		`INSERT INTO mistakes (id, user_id, question_id) VALUES (1, 1, 1)`,
	} {
		if _, err := src.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	src.Close()
	env := testkit.New(t)
	report, err := runImport(t, env, path, false)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if got := tallyOf(report, "mistakes"); got != (counts{1, 1, 0, 0, 0}) {
		t.Errorf("mistakes: %v", got)
	}
	var wrong int
	var tags string
	var author sql.NullInt64
	_ = env.Deps.DB.QueryRow(`SELECT wrong_count FROM mistakes WHERE id = 1`).Scan(&wrong)
	_ = env.Deps.DB.QueryRow(`SELECT tags, created_by FROM questions WHERE id = 1`).Scan(&tags, &author)
	if wrong != 1 || tags != "" || author.Valid {
		t.Errorf("defaults: wrong_count %d, tags %q, created_by %v", wrong, tags, author)
	}
}

func TestImportWarnsOfASubjectNamedAll(t *testing.T) {
	path := testkit.FlaskDatabase(t, testkit.FlaskSchema)
	src, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`INSERT INTO subjects (id, name) VALUES (1, '数学')`,
		`INSERT INTO subjects (id, name) VALUES (7, 'All')`,
	} {
		if _, err := src.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	src.Close()
	report, err := runImport(t, testkit.New(t), path, false)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if len(report.Warnings) != 1 || !strings.Contains(report.Warnings[0], `subject 7 is named "All"`) {
		t.Fatalf("warnings: %q", report.Warnings)
	}
	if !strings.Contains(report.String(), "warning: subject 7") {
		t.Errorf("the printed report does not carry the warning:\n%s", report.String())
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	path := testkit.FlaskDatabase(t)
	env := testkit.New(t)
	snapshot := dump(t, env)
	report, err := runImport(t, env, path, true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if report.Changed() != 36 || !strings.Contains(report.String(), "dry run: 36 rows would be written") {
		t.Errorf("dry run report:\n%s", report.String())
	}
	if dump(t, env) != snapshot {
		t.Error("the dry run changed the database")
	}
}

func TestImportRefusesConflictingTarget(t *testing.T) {
	path := testkit.FlaskDatabase(t)
	env := testkit.New(t)
	env.CreateUser("someone_else", "", true) // takes id 1, which is "admin" in the Flask database
	snapshot := dump(t, env)
	_, err := runImport(t, env, path, false)
	var conflict *flaskimport.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("import into an occupied database: %v, want a ConflictError", err)
	}
	if !strings.Contains(err.Error(), "users id 1 is account someone_else here but account admin in the Flask database") ||
		!strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("message: %v", err)
	}
	if dump(t, env) != snapshot {
		t.Error("a refused import changed the database")
	}
}

func TestOpenSourceRefusesOtherFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	notSQLite := filepath.Join(dir, "notes.txt")
	_ = os.WriteFile(notSQLite, []byte("just some text, long enough for a header"), 0o600)

	// Our own schema: no password_hash problem, but exams etc. exist; the
	// Flask one lacks nothing — so build a file that is clearly different.
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", "file:"+other)
	for _, stmt := range []string{
		`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)`,
		`CREATE TABLE subjects (id INTEGER PRIMARY KEY, name TEXT)`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	cases := []struct{ path, want string }{
		{filepath.Join(dir, "missing.db"), "no such file"},
		{dir, "is a folder"},
		{notSQLite, "is not a SQLite database file"},
		{other, "is not a database of the Flask quiz-bank system (missing tables: questions, favorites, mistakes, " +
			"user_answers, user_progress, exams, exam_questions, system_config, user_subjects; " +
			"table users lacks columns username, password_hash)"},
	}
	for _, c := range cases {
		src, err := flaskimport.OpenSource(ctx, c.path)
		if err == nil {
			src.Close()
			t.Errorf("%s: opened, want refusal", c.path)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.path, err, c.want)
		}
	}
}

// TestImportIntoRemoteLibSQL runs the same copy into a remote database
// (the Hrana test server), as on a Lambda deployment.
func TestImportIntoRemoteLibSQL(t *testing.T) {
	url := hranatest.New(t, hranatest.WithAuthToken("remote-token-1"))
	env := testkit.New(t, testkit.WithEnv("DATABASE_URL", url), testkit.WithEnv("DATABASE_AUTH_TOKEN", "remote-token-1"))
	if !env.Deps.DB.Remote {
		t.Fatal("the test platform is not on the remote database")
	}
	path := testkit.FlaskDatabase(t)
	report, err := runImport(t, env, path, false)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if report.Changed() != 36 {
		t.Errorf("remote import wrote %d rows:\n%s", report.Changed(), report.String())
	}
	var hash string
	if err := env.Deps.DB.QueryRow(`SELECT password_hash FROM users WHERE id = 1`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if ok, _ := password.Verify(hash, "OldFlask123"); !ok {
		t.Errorf("admin's hash on the remote database does not verify: %q", hash)
	}
	snapshot := dump(t, env)
	again, err := runImport(t, env, path, false)
	if err != nil || again.Changed() != 0 {
		t.Fatalf("second remote run: %v\n%v", err, again)
	}
	if after := dump(t, env); after != snapshot {
		t.Errorf("second remote run changed the database:\nbefore\n%s\nafter\n%s", snapshot, after)
	}
}

func TestOpenSourceIsReadOnly(t *testing.T) {
	path := testkit.FlaskDatabase(t)
	src, err := flaskimport.OpenSource(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, stmt := range []string{`CREATE TABLE intruder (a)`, `DELETE FROM users`, `PRAGMA journal_mode = WAL`} {
		if _, err := src.Exec(stmt); err == nil {
			if stmt == `PRAGMA journal_mode = WAL` {
				var mode string
				_ = src.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
				if mode != "wal" {
					continue // refused quietly: the mode did not change
				}
			}
			t.Errorf("%s succeeded on the source", stmt)
		}
	}
	var n int
	_ = src.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n)
	if n != 4 {
		t.Errorf("users = %d after the refused writes, want 4", n)
	}
}

// BenchmarkImport copies a Flask database of 200 users, 10,000 questions
// and 50,000 answers into a fresh database per iteration.
func BenchmarkImport(b *testing.B) {
	path := testkit.FlaskDatabase(b, testkit.FlaskSchema, testkit.FlaskUsedColumns)
	src, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		b.Fatal(err)
	}
	tx, _ := src.Begin()
	for u := 1; u <= 200; u++ {
		_, _ = tx.Exec(`INSERT INTO users (id, username, password_hash) VALUES (?, ?, 'pbkdf2:sha256:600000$s$00')`, u, fmt.Sprintf("user%d", u))
	}
	_, _ = tx.Exec(`INSERT INTO subjects (id, name) VALUES (1, 'bench')`)
	for q := 1; q <= 10000; q++ {
		_, _ = tx.Exec(`INSERT INTO questions (id, subject_id, content, q_type, options, answer) VALUES (?, 1, ?, '选择题', '["A. x","B. y"]', 'A')`,
			q, fmt.Sprintf("question %d %s", q, strings.Repeat("题", 60)))
	}
	for a := 1; a <= 50000; a++ {
		_, _ = tx.Exec(`INSERT INTO user_answers (user_id, question_id, is_correct, created_at) VALUES (?, ?, 1, '2024-05-01 00:00:00')`,
			a%200+1, a/200+1)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	src.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		env := testkit.New(b)
		b.StartTimer()
		ctx := context.Background()
		s, err := flaskimport.OpenSource(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		report, err := flaskimport.Run(ctx, s, env.Deps.DB, env.Deps.SysConfig, flaskimport.Options{})
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
		if got := report.Tally("user_answers").Inserted; got != 50000 {
			b.Fatalf("copied %d answers", got)
		}
	}
	b.ReportMetric(float64(200+1+10000+50000), "rows/op")
}
