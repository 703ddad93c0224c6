package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"quizbank/shared/authn"
	"quizbank/shared/store"
	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

// TestAdminFunctionUnderEmulator runs the built bootstrap under the Lambda
// emulator and sends binary both ways: the template workbook up as
// multipart, an exported workbook back down.
func TestAdminFunctionUnderEmulator(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"SECRET_KEY":   testkit.SecretKey,
		"DATABASE_URL": "file:" + filepath.Join(dir, "quiz.db"),
		"UPLOAD_DIR":   filepath.Join(dir, "uploads"),
		"LOG_DIR":      filepath.Join(dir, "logs"),
		"INSTANCE_DIR": filepath.Join(dir, "instance"),
	}
	ctx := context.Background()
	db, err := store.Open(ctx, env["DATABASE_URL"], "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := users.New(db).Create(ctx, users.NewUser{Username: "admin", IsAdmin: true}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := authn.NewTokens(testkit.SecretKey, time.Now).Issue(admin.ID, "", admin.SessionVersion)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	base := testkit.StartLambda(t, "adminconfig", env)
	auth := testkit.Bearer(tok)

	if r := testkit.Call(t, base, http.MethodGet, "/admin/api/subjects", nil, nil); r.Status != 401 {
		t.Fatalf("anonymous: %d %s", r.Status, r.Raw)
	}
	xlsx, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "fixtures", "question_import_template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "question_import_template.xlsx")
	_, _ = fw.Write(xlsx)
	_ = mw.Close()
	r := testkit.Call(t, base, http.MethodPost, "/admin/api/questions/import/excel", body.Bytes(), auth,
		"Content-Type", mw.FormDataContentType())
	if r.Status != 200 || r.JSON["imported_count"] != float64(6) {
		t.Fatalf("import through Lambda: %d %s", r.Status, r.Raw)
	}
	exp := testkit.Call(t, base, http.MethodGet, "/admin/api/questions/export/excel", nil, auth)
	if exp.Status != 200 || !bytes.HasPrefix(exp.Raw, []byte("PK\x03\x04")) {
		t.Fatalf("export through Lambda: %d %.80q", exp.Status, exp.Raw)
	}
	list := testkit.Call(t, base, http.MethodGet, "/admin/api/subjects", nil, auth)
	if list.Status != 200 || !bytes.Contains(list.Raw, []byte("计算机网络")) {
		t.Fatalf("subjects: %d %s", list.Status, list.Raw)
	}
}
