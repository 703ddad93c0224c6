package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

// TestColdStart measures the function's first invocation under the
// emulator (figures in the README's "Measured").
func TestColdStart(t *testing.T) { testkit.ColdStarts(t, "adminconfig", "/admin/api/subjects", 401) }

// TestBinaryUploadThroughGateway imports the Excel template: the
// workbook is binary, so the gateway sends it base64-encoded with
// isBase64Encoded, and it must arrive intact. Non-admins are refused.
func TestBinaryUploadThroughGateway(t *testing.T) {
	db := hranatest.New(t)
	admin := testkit.SeedAccount(t, db, "admin", true)
	student := testkit.SeedAccount(t, db, "student", false)
	base := testkit.StartLambda(t, "adminconfig", testkit.FunctionEnv(t, db))

	subject := testkit.Call(t, base, http.MethodPost, "/admin/api/subjects", map[string]string{"name": "Go语言基础"}, admin.Cookie)
	if subject.Status != 200 {
		t.Fatalf("create subject: %d %s", subject.Status, subject.Raw)
	}
	workbook, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "fixtures", "question_import_template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "question_import_template.xlsx")
	_, _ = fw.Write(workbook)
	_ = mw.Close()

	upload := func(acct testkit.Account) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, base+"/admin/api/questions/import/excel", bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.AddCookie(acct.Cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	if status, out := upload(student); status != 403 {
		t.Fatalf("student upload: %d %v, want 403", status, out)
	}
	status, out := upload(admin)
	if status != 200 || out["status"] != "success" {
		t.Fatalf("admin upload: %d %v", status, out)
	}
	if n, _ := out["imported_count"].(float64); n < 1 {
		t.Fatalf("imported_count = %v, want the template's questions", out["imported_count"])
	}
	// A large answer is gzip-compressed: binary, so it travels base64 in
	// the v2 response and must come out byte-exact.
	req, _ := http.NewRequest(http.MethodGet, base+"/admin/api/questions?page=1&per_page=50", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.AddCookie(admin.Cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("list questions: %d, Content-Encoding %q; want 200 gzip", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatalf("gzip body: %v", err)
	}
	var listed any
	if err := json.NewDecoder(zr).Decode(&listed); err != nil {
		t.Fatalf("decode the gunzipped list: %v", err)
	}
	if !bytes.Contains(mustJSON(t, listed), []byte("question")) && !bytes.Contains(mustJSON(t, listed), []byte("content")) {
		t.Fatalf("gunzipped list holds no questions: %s", mustJSON(t, listed))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
