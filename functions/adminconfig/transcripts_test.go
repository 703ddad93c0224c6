package adminconfig_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// TestTranscripts replays the original's admin exchanges in order and
// compares status, envelope status and the body's shape.
func TestTranscripts(t *testing.T) {
	s := newSite(t)
	for _, n := range []int{16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 94, 98, 99, 100, 101} {
		tr := testkit.LoadTranscript(t, n)
		t.Run(tr.Name, func(t *testing.T) {
			auth := any(s.env.Cookie(s.admin))
			if strings.Contains(tr.Request.Headers["Cookie"], "student") {
				auth = s.env.Cookie(s.student)
			}
			var r testkit.Response
			switch n {
			case 27:
				r = s.upload(t, tr.Request.Path, "question_import_template.xlsx", fixture(t), auth)
			case 28:
				r = s.upload(t, tr.Request.Path, "questions.csv", []byte("a,b\n1,2\n"), auth)
			default:
				var body any
				if b := tr.BodyString(); b != "" {
					body = json.RawMessage(b)
				}
				r = testkit.Call(t, s.srv.URL, tr.Request.Method, tr.Request.Path, body, auth)
			}
			if r.Status != tr.Response.Status {
				t.Fatalf("status %d, want %d: %s", r.Status, tr.Response.Status, r.Raw)
			}
			var got any
			if err := json.Unmarshal(r.Raw, &got); err != nil {
				t.Fatalf("body is not JSON: %s", r.Raw)
			}
			if want, ok := tr.Response.Body.(map[string]any); ok {
				if r.JSON["status"] != want["status"] {
					t.Errorf("envelope status %v, want %v", r.JSON["status"], want["status"])
				}
				if want["status"] == "error" || want["status"] == "forbidden" {
					if r.JSON["message"] != want["message"] {
						t.Errorf("message %q, want %q", r.JSON["message"], want["message"])
					}
				}
			}
			if diff := testkit.ShapeDiff(got, tr.Response.Body); len(diff) > 0 {
				t.Errorf("shape differs: %v\n%s", diff, r.Raw)
			}
		})
	}
	// The three questions the transcripts added are readable as admin rows.
	r := s.call(t, "GET", "/admin/api/questions/2", nil)
	if r.JSON["answer"] != "ABC" || r.JSON["q_type"] != "多选题" || r.JSON["image_path"] != "[]" {
		t.Errorf("question 2: %s", r.Raw)
	}
}

// TestUnauthenticatedAdminAPI: the original answered 302 to /login
// (transcripts 91–93); per the compatibility note we answer 401 JSON,
// and an admin's Bearer token is accepted.
func TestUnauthenticatedAdminAPI(t *testing.T) {
	s := newSite(t)
	for _, n := range []int{91, 92, 93} {
		tr := testkit.LoadTranscript(t, n)
		if tr.Response.Status != http.StatusFound {
			t.Fatalf("%s: the original answered %d", tr.Name, tr.Response.Status)
		}
		r := testkit.Call(t, s.srv.URL, tr.Request.Method, tr.Request.Path, nil, nil,
			"Accept", tr.Request.Headers["Accept"])
		if r.Status != http.StatusUnauthorized || r.JSON["status"] != "unauthorized" ||
			!strings.Contains(r.JSON["message"].(string), "登录") {
			t.Errorf("%s: %d %s", tr.Name, r.Status, r.Raw)
		}
	}
	r := testkit.Call(t, s.srv.URL, "GET", "/admin/api/subjects", nil, testkit.Bearer(s.env.Token(s.admin)))
	if r.Status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(string(r.Raw)), "[") {
		t.Errorf("admin bearer: %d %s", r.Status, r.Raw)
	}
}
