package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUserCreate(t *testing.T) {
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	create := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"user", "create"}, args...), getenv, &out, &out)
		return out.String(), err
	}
	out, err := create("--email", "Admin@Example.com", "--password", "AdminPass123")
	if err != nil || !strings.Contains(out, `created admin "Admin"`) {
		t.Fatalf("first account: %v\n%s", err, out)
	}
	out, err = create("--email", "student@example.com", "--username", "student1", "--password", "Student123")
	if err != nil || !strings.Contains(out, `created user "student1"`) {
		t.Fatalf("second account: %v\n%s", err, out)
	}
	for _, bad := range [][]string{
		{"--email", "admin@example.com", "--username", "other"},       // same address, other case
		{"--email", "x@example.com", "--username", "x@y.z"},           // '@' makes login look up e-mails
		{"--email", "y@example.com", "--username", "tab\there"},       // control character
		{"--email", "z@example.com", "--username", "zero\u200bwidth"}, // invisible character
		{"--email", "not-an-address"},                                 // e-mail format
		{"--email", "w@example.com", "--password", "short"},           // password rule
		{"--email", "v@example.com", "--username", "student1"},        // taken username
	} {
		if out, err := create(bad...); err == nil {
			t.Errorf("user create %q succeeded:\n%s", bad, out)
		}
	}
}

func TestMigrateTakesNoArguments(t *testing.T) {
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	for _, args := range [][]string{{"--help"}, {"--dry-run"}, {"extra"}} {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"migrate"}, args...), getenv, &out, &out)
		if !strings.Contains(out.String(), "usage: local migrate") || strings.Contains(out.String(), "up to date") {
			t.Errorf("migrate %q: %v\n%s", args, err, out.String())
		}
		if wantErr := args[0] != "--help"; errors.Is(err, errUsage) != wantErr {
			t.Errorf("migrate %q: err %v (asking for help exits 0, anything else is a usage error)", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "instance", "submissions.db")); !os.IsNotExist(err) {
		t.Errorf("migrate with arguments created or touched the database: %v", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, getenv, &out, &out); err != nil || !strings.Contains(out.String(), "up to date") {
		t.Errorf("plain migrate: %v\n%s", err, out.String())
	}
}
