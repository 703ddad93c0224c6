package adminconfig_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"quizbank/functions/adminconfig"
	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

// site is a test server with an admin (id 1) and a student (id 2).
type site struct {
	env     *testkit.Env
	srv     *httptest.Server
	admin   *users.User
	student *users.User
}

func newSite(t *testing.T) *site {
	t.Helper()
	env := testkit.New(t)
	s := &site{env: env}
	s.admin = env.CreateUser("admin", "AdminPass123", true)
	s.student = env.CreateUser("learner", "Learner123", false)
	s.srv = env.Serve(adminconfig.Register)
	return s
}

func (s *site) call(t *testing.T, method, path string, body any) testkit.Response {
	t.Helper()
	return testkit.Call(t, s.srv.URL, method, path, body, s.env.Cookie(s.admin))
}

// upload posts one file as the multipart "file" field, with extra fields.
func (s *site) upload(t *testing.T, path, name string, data []byte, auth any, fields ...string) testkit.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		_ = mw.WriteField(fields[i], fields[i+1])
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	if auth == nil {
		auth = s.env.Cookie(s.admin)
	}
	return testkit.Call(t, s.srv.URL, http.MethodPost, path, buf.Bytes(), auth, "Content-Type", mw.FormDataContentType())
}

func fixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "fixtures", "question_import_template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (s *site) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.env.Deps.DB.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// callRaw sends body as a JSON-typed request without encoding it.
func (s *site) callRaw(t *testing.T, method, path, body string) testkit.Response {
	t.Helper()
	return testkit.Call(t, s.srv.URL, method, path, body, s.env.Cookie(s.admin), "Content-Type", "application/json")
}
