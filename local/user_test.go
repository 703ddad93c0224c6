package main

import (
	"bytes"
	"context"
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
