package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// TestImportExportCommands imports the template with `local import`,
// exports it with `local export`, and imports the export into a second
// database: both hold the same six questions.
func TestImportExportCommands(t *testing.T) {
	tpl := filepath.Join(testkit.SharedDir(t), "fixtures", "question_import_template.xlsx")
	runIn := func(dir string, args ...string) (string, string, error) {
		vars := map[string]string{"SECRET_KEY": testkit.SecretKey, "DATABASE_URL": "file:" + filepath.Join(dir, "q.db"),
			"UPLOAD_DIR": filepath.Join(dir, "uploads"), "LOG_DIR": filepath.Join(dir, "logs")}
		var out, errb bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return vars[k] }, &out, &errb)
		return out.String(), errb.String(), err
	}
	one, two := t.TempDir(), t.TempDir()
	out, _, err := runIn(one, "import", "--dry-run", tpl)
	if err != nil || !strings.Contains(out, "would import (dry run, nothing written) 6 questions") {
		t.Fatalf("dry run: %q %v", out, err)
	}
	out, _, err = runIn(one, "import", tpl)
	if err != nil || !strings.Contains(out, "imported 6 questions") || !strings.Contains(out, "计算机网络") {
		t.Fatalf("import: %q %v", out, err)
	}
	out, errs, err := runIn(one, "import", tpl)
	if err != nil || !strings.Contains(out, "imported 0 questions; 6 rows skipped (6 duplicates)") || !strings.Contains(errs, "第2行") {
		t.Fatalf("re-import: %q %q %v", out, errs, err)
	}
	exported := filepath.Join(one, "out.xlsx")
	if out, _, err = runIn(one, "export", exported); err != nil || !strings.Contains(out, "exported 6 questions") {
		t.Fatalf("export: %q %v", out, err)
	}
	if out, _, err = runIn(two, "import", exported); err != nil || !strings.Contains(out, "imported 6 questions") {
		t.Fatalf("import export: %q %v", out, err)
	}
	if _, _, err := runIn(two, "import", "missing.xlsx"); err == nil {
		t.Error("missing file accepted")
	}
	txt := filepath.Join(two, "fake.xlsx")
	_ = os.WriteFile(txt, []byte("hello"), 0o600)
	if _, _, err := runIn(two, "import", txt); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("text file: %v", err)
	}
	if _, _, err := runIn(two, "import"); err != errUsage {
		t.Errorf("no file: %v", err)
	}
}
