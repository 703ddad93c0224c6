package hranatest_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"

	"quizbank/shared/store/hranatest"
)

func openClient(t *testing.T, url string, opts ...libsql.Option) *sql.DB {
	t.Helper()
	c, err := libsql.NewConnector(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDriverRoundTrip(t *testing.T) {
	srv := hranatest.NewServer(t)
	db := openClient(t, srv.URL)
	ctx := ctxT(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, score REAL, data BLOB, n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	blob := []byte{0, 1, 2, 250, 251, 255, 7} // 7 bytes: base64 needs padding, which must be absent
	res, err := db.ExecContext(ctx, `INSERT INTO t (name, score, data, n) VALUES (?, ?, ?, ?)`, "题目一", 1.5, blob, int64(1)<<53+1)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := res.LastInsertId(); id != 1 {
		t.Fatalf("LastInsertId = %d, want 1", id)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("RowsAffected = %d, want 1", n)
	}
	var (
		name  string
		score float64
		data  []byte
		n     int64
	)
	if err := db.QueryRowContext(ctx, `SELECT name, score, data, n FROM t WHERE id = ?`, 1).Scan(&name, &score, &data, &n); err != nil {
		t.Fatal(err)
	}
	if name != "题目一" || score != 1.5 || !bytes.Equal(data, blob) || n != int64(1)<<53+1 {
		t.Fatalf("round trip = %q %v %v %d", name, score, data, n)
	}
	// A SELECT after an INSERT changes nothing.
	res, err = db.ExecContext(ctx, `UPDATE t SET n = n + 1 WHERE id > 100`)
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := res.RowsAffected(); k != 0 {
		t.Fatalf("RowsAffected of an UPDATE matching nothing = %d, want 0", k)
	}
	// Named arguments arrive without their prefix.
	var got string
	if err := db.QueryRowContext(ctx, `SELECT name FROM t WHERE id = :id`, sql.Named("id", 1)).Scan(&got); err != nil || got != "题目一" {
		t.Fatalf("named arg: %q, %v", got, err)
	}
	// A unique violation comes back as the error text.
	_, err = db.ExecContext(ctx, `INSERT INTO t (name) VALUES (?)`, "题目一")
	if err == nil || !strings.Contains(err.Error(), "UNIQUE constraint failed: t.name") {
		t.Fatalf("duplicate insert error = %v", err)
	}
	// Several statements in one Exec travel as a batch with conditions.
	if _, err := db.ExecContext(ctx, `INSERT INTO t (name) VALUES ('a'); INSERT INTO t (name) VALUES ('b')`); err != nil {
		t.Fatal(err)
	}
	// A failing step stops the steps after it. The driver's closing
	// ROLLBACK step has no BEGIN to undo (it sends none), so the steps
	// before the failure stay, as they would on a real libSQL server.
	_, err = db.ExecContext(ctx, `INSERT INTO t (name) VALUES ('c'); INSERT INTO t (name) VALUES ('a'); INSERT INTO t (name) VALUES ('d')`)
	if err == nil {
		t.Fatal("batch with a duplicate succeeded")
	}
	var names string
	if err := db.QueryRowContext(ctx, `SELECT group_concat(name, ',') FROM (SELECT name FROM t ORDER BY id)`).Scan(&names); err != nil ||
		names != "题目一,a,b,c" {
		t.Fatalf("rows after batches = %q (%v), want 题目一,a,b,c", names, err)
	}
}

func TestTransactions(t *testing.T) {
	srv := hranatest.NewServer(t)
	db := openClient(t, srv.URL)
	ctx := ctxT(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	// Uncommitted rows are visible inside the stream, not outside it.
	var inside, outside int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&inside); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB().QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if inside != 1 || outside != 0 {
		t.Fatalf("inside %d outside %d, want 1 and 0", inside, outside)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var sum int
	if err := db.QueryRowContext(ctx, `SELECT sum(v) FROM t`).Scan(&sum); err != nil || sum != 2 {
		t.Fatalf("sum = %d (%v), want 2", sum, err)
	}
	var fk int
	if err := db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d (%v), want 1", fk, err)
	}
}

func TestAuthToken(t *testing.T) {
	srv := hranatest.NewServer(t, hranatest.WithAuthToken("s3cret"))
	ctx := ctxT(t)
	// The driver's Ping never reaches the server (its PingContext does not
	// match driver.Pinger), so ask a real question.
	one := func(db *sql.DB) error { var n int; return db.QueryRowContext(ctx, "SELECT 1").Scan(&n) }
	if err := one(openClient(t, srv.URL)); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("query without token: %v, want a 401 error", err)
	}
	if err := one(openClient(t, srv.URL, libsql.WithAuthToken("wrong"))); err == nil {
		t.Fatal("query with a wrong token succeeded")
	}
	if err := one(openClient(t, srv.URL, libsql.WithAuthToken("s3cret"))); err != nil {
		t.Fatalf("query with the token: %v", err)
	}
}

func TestStreamExpiry(t *testing.T) {
	srv := hranatest.NewServer(t, hranatest.WithStreamTTL(150*time.Millisecond))
	db := openClient(t, srv.URL)
	ctx := ctxT(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Expired() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if srv.Expired() == 0 {
		t.Fatal("idle stream never expired")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (2)`); err == nil {
		t.Fatal("statement on an expired stream succeeded")
	}
	_ = tx.Rollback()
	// The dropped stream's transaction is gone with it; the pool recovers.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after expiry = %d (%v), want 0", n, err)
	}
}

// post sends a raw pipeline and decodes the answer.
func post(t *testing.T, url string, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/v2/pipeline", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func TestWireFormat(t *testing.T) {
	url := hranatest.New(t)
	status, out := post(t, url, `{"requests":[
		{"type":"execute","stmt":{"sql":"CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB, z)"}},
		{"type":"execute","stmt":{"sql":"INSERT INTO t VALUES (?, ?, ?, ?, ?)","args":[
			{"type":"integer","value":"9007199254740993"},{"type":"float","value":2.25},
			{"type":"text","value":"x"},{"type":"blob","base64":"AAH/"},{"type":"null"}]}},
		{"type":"execute","stmt":{"sql":"SELECT i, f, s, b, z, 1+1 FROM t","want_rows":true}},
		{"type":"execute","stmt":{"sql":"SELEC nonsense"}}]}`)
	if status != 200 {
		t.Fatalf("status %d: %v", status, out)
	}
	baton, _ := out["baton"].(string)
	if baton == "" {
		t.Fatalf("no baton in %v", out)
	}
	results := out["results"].([]any)
	insert := results[1].(map[string]any)["response"].(map[string]any)["result"].(map[string]any)
	if insert["affected_row_count"] != 1.0 || insert["last_insert_rowid"] != "1" {
		t.Fatalf("insert result = %v", insert)
	}
	sel := results[2].(map[string]any)["response"].(map[string]any)["result"].(map[string]any)
	row, _ := json.Marshal(sel["rows"].([]any)[0])
	want := `[{"type":"integer","value":"9007199254740993"},{"type":"float","value":2.25},{"type":"text","value":"x"},` +
		`{"base64":"AAH/","type":"blob"},{"type":"null"},{"type":"integer","value":"2"}]`
	if string(row) != want {
		t.Fatalf("row = %s\nwant  %s", row, want)
	}
	cols, _ := json.Marshal(sel["cols"])
	if string(cols) != `[{"decltype":"INTEGER","name":"i"},{"decltype":"REAL","name":"f"},{"decltype":"TEXT","name":"s"},`+
		`{"decltype":"BLOB","name":"b"},{"decltype":null,"name":"z"},{"decltype":null,"name":"1+1"}]` {
		t.Fatalf("cols = %s", cols)
	}
	if sel["affected_row_count"] != 0.0 {
		t.Fatalf("SELECT affected_row_count = %v, want 0", sel["affected_row_count"])
	}
	bad := results[3].(map[string]any)
	if bad["type"] != "error" || !strings.Contains(bad["error"].(map[string]any)["message"].(string), "syntax error") {
		t.Fatalf("bad statement result = %v", bad)
	}

	// Conditions: ok, error, not, and, or over earlier steps.
	status, out = post(t, url, `{"baton":"`+baton+`","requests":[{"type":"batch","batch":{"steps":[
		{"stmt":{"sql":"SELECT 1"}},
		{"stmt":{"sql":"SELECT nope FROM nowhere"}},
		{"stmt":{"sql":"SELECT 3"},"condition":{"type":"ok","step":0}},
		{"stmt":{"sql":"SELECT 4"},"condition":{"type":"ok","step":1}},
		{"stmt":{"sql":"SELECT 5"},"condition":{"type":"error","step":1}},
		{"stmt":{"sql":"SELECT 6"},"condition":{"type":"not","cond":{"type":"error","step":0}}},
		{"stmt":{"sql":"SELECT 7"},"condition":{"type":"and","conds":[{"type":"ok","step":0},{"type":"ok","step":1}]}},
		{"stmt":{"sql":"SELECT 8"},"condition":{"type":"or","conds":[{"type":"ok","step":1},{"type":"ok","step":3},{"type":"ok","step":0}]}},
		{"stmt":{"sql":"SELECT 9"},"condition":{"type":"ok","step":3}}]}},
		{"type":"close"}]}`)
	if status != 200 {
		t.Fatalf("batch status %d: %v", status, out)
	}
	if out["baton"] != nil {
		t.Fatalf("baton after close = %v, want null", out["baton"])
	}
	br := out["results"].([]any)[0].(map[string]any)["response"].(map[string]any)["result"].(map[string]any)
	ran := ""
	for i, r := range br["step_results"].([]any) {
		if r != nil {
			ran += string(rune('0' + i))
		}
	}
	errs := br["step_errors"].([]any)
	if ran != "02457" || errs[1] == nil || errs[3] != nil {
		t.Fatalf("steps that ran = %q (want 02457), errors = %v", ran, errs)
	}

	// The closed stream's baton, and any made-up one, are refused.
	status, out = post(t, url, `{"baton":"`+baton+`","requests":[{"type":"execute","stmt":{"sql":"SELECT 1"}}]}`)
	if status != 400 || out["code"] != "STREAM_EXPIRED" {
		t.Fatalf("reused baton: %d %v, want 400 STREAM_EXPIRED", status, out)
	}
	status, out = post(t, url, `{"requests":[{"type":"execute","stmt":{"sql":"SELECT ?","args":[{"type":"integer","value":12}]}}]}`)
	if status != 200 || out["results"].([]any)[0].(map[string]any)["type"] != "error" {
		t.Fatalf("integer sent as a number: %d %v, want an error result", status, out)
	}
	status, _ = post(t, url, `{"requests":[`)
	if status != 400 {
		t.Fatalf("malformed body: status %d, want 400", status)
	}
}
