package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command answers --help with its usage and exit status 0, and
// does nothing else: no database appears.
func TestEveryCommandHasHelp(t *testing.T) {
	dir := t.TempDir()
	getenv := testEnv(dir, nil)
	for _, name := range commandOrder {
		var out bytes.Buffer
		err := run(context.Background(), []string{name, "--help"}, getenv, &out, &out)
		if err != nil || !strings.Contains(strings.ToLower(out.String()), "usage") {
			t.Errorf("%s --help: %v\n%s", name, err, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "instance")); !os.IsNotExist(err) {
		t.Errorf("a --help created the instance folder (%v)", err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import"}, getenv, &out, &out); err == nil {
		t.Errorf("import without a file succeeded:\n%s", out.String())
	}
}
