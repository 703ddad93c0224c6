package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// TestMigrateFromFlaskThenLogIn runs the command on a database of the
// original system, runs it again, and then logs the migrated users in
// through the real server: their Werkzeug hashes verify and are replaced
// by argon2id on the first success.
func TestMigrateFromFlaskThenLogIn(t *testing.T) {
	source := testkit.FlaskDatabase(t)
	dir := t.TempDir()
	getenv := testEnv(dir, map[string]string{"SECRET_KEY": testkit.SecretKey, "TIMEZONE": "Asia/Shanghai"})
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"migrate-from-flask", source}, getenv, &out, &out); err != nil {
		t.Fatalf("migrate-from-flask: %v\n%s", err, out.String())
	}
	for _, want := range []string{"copied from " + source + " (read-only)", "users                     4        4",
		"questions                 6        6", "done: 36 rows written"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"migrate-from-flask", source}, getenv, &out, &out); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "nothing to do: every row is already here") {
		t.Errorf("second run output:\n%s", out.String())
	}

	base, logs, stop := startServe(t, getenv)
	login := func(user, pw string) (int, map[string]any) {
		body, _ := json.Marshal(map[string]any{"username": user, "password": pw})
		resp, err := http.Post(base+"/api/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if status, body := login("admin", "wrong-password-1"); status != http.StatusBadRequest {
		t.Errorf("wrong password: %d %v, want 400", status, body)
	}
	if status, body := login("admin", "OldFlask123"); status != http.StatusOK || body["status"] != "success" {
		t.Fatalf("pbkdf2 account login: %d %v\n%s", status, body, logs.String())
	}
	if status, body := login("scrypt_user", "Scrypt-pass-9"); status != http.StatusOK {
		t.Errorf("scrypt account login: %d %v", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}

	db, err := sql.Open("sqlite", getenv("DATABASE_URL")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range []string{"admin", "scrypt_user"} {
		var hash string
		if err := db.QueryRow(`SELECT password_hash FROM users WHERE username = ?`, name).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Errorf("%s's hash after login is %.20q…, want it re-hashed to argon2id", name, hash)
		}
	}
}

func TestMigrateFromFlaskRefusals(t *testing.T) {
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate"}, getenv, &out, &out); err != nil {
		t.Fatal(err)
	}
	own := strings.TrimPrefix(getenv("DATABASE_URL"), "file:")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"migrate-from-flask"}, "usage: local migrate-from-flask"},
		{"own database", []string{"migrate-from-flask", own}, "is this system's own database"},
		{"bad zone", []string{"migrate-from-flask", "--source-tz", "Mars/Olympus", testkit.FlaskDatabase(t)}, "is not a time zone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out.Reset()
			err := run(ctx, c.args, getenv, &out, &out)
			if err == nil {
				t.Fatalf("succeeded:\n%s", out.String())
			}
			if msg := err.Error() + out.String(); !strings.Contains(msg, c.want) {
				t.Errorf("got %q / %q, want %q", err, out.String(), c.want)
			}
		})
	}
}
