package logging

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	var buf bytes.Buffer
	file := filepath.Join(t.TempDir(), "logs", "app.log")
	logger, closer, err := New(Options{Stdout: &buf, File: file, Secrets: []string{"sk-live-abcdef"}})
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("login", "username", "admin", "password", "AdminPass123", "code", "123456",
		"auth_token", "xyz", "detail", "calling with key sk-live-abcdef now")
	closer.Close()
	out := buf.String()
	for _, leaked := range []string{"AdminPass123", "123456", "xyz", "sk-live-abcdef"} {
		if strings.Contains(out, leaked) {
			t.Errorf("log line leaked %q: %s", leaked, out)
		}
	}
	if !strings.Contains(out, "username=admin") {
		t.Errorf("ordinary attribute lost: %s", out)
	}
	onDisk, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(onDisk, buf.Bytes()) {
		t.Fatalf("app.log = %q (%v), want the same line as stdout", onDisk, err)
	}
}
