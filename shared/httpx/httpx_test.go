package httpx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quizbank/shared/httpx"
)

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body.String(), err)
	}
	return m
}

func TestRouterFrameworkErrors(t *testing.T) {
	rt := httpx.NewRouter()
	rt.HandleFunc("GET /api/quiz/subjects", func(w http.ResponseWriter, r *http.Request) error {
		httpx.Success(w, httpx.M{"subjects": []string{"网络"}})
		return nil
	})
	cases := []struct {
		method, path string
		status       int
		message      string
		allow        string
	}{
		{"GET", "/api/quiz/subjects", 200, "", ""},
		{"GET", "/api/quiz/nope", 404, httpx.MsgNotFound, ""},
		{"DELETE", "/api/quiz/subjects", 405, httpx.MsgMethodNotAllowed, "GET, HEAD"},
		{"GET", "/api/quiz//subjects", 404, httpx.MsgNotFound, ""},
		{"GET", "/api/quiz/./subjects", 404, httpx.MsgNotFound, ""},
		{"GET", "//api/quiz/subjects", 404, httpx.MsgNotFound, ""},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != c.status {
			t.Fatalf("%s %s: status %d, want %d", c.method, c.path, rec.Code, c.status)
		}
		body := decode(t, rec)
		if c.status == 200 {
			if body["status"] != "success" || body["subjects"].([]any)[0] != "网络" {
				t.Fatalf("success body = %v", body)
			}
			if !strings.Contains(rec.Body.String(), "网络") {
				t.Fatalf("non-ASCII was escaped: %s", rec.Body.String())
			}
			continue
		}
		if body["status"] != "error" || body["message"] != c.message ||
			body["status_code"] != float64(c.status) || body["payload"] != nil {
			t.Fatalf("%s %s: body %v", c.method, c.path, body)
		}
		if got := rec.Header().Get("Allow"); got != c.allow {
			t.Fatalf("Allow = %q, want %q", got, c.allow)
		}
	}
	if got := rt.Patterns(); len(got) != 1 || got[0] != "GET /api/quiz/subjects" {
		t.Fatalf("Patterns() = %v", got)
	}
}

func TestRouterHTMLForBrowsers(t *testing.T) {
	rt := httpx.NewRouter()
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %q; want 404 HTML", rec.Code, rec.Header().Get("Content-Type"))
	}
}

type loginBody struct {
	Username string `json:"username" validate:"required"`
	Password string `json:"password" validate:"required,min=1"`
}

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		name, ctype, body string
		status            int
		framework         bool
		contains          string
	}{
		{"form body", "application/x-www-form-urlencoded", "username=a", 415, true, "Content-Type"},
		{"broken json", "application/json", "{", 400, true, "JSON"},
		{"empty body", "application/json", "", 400, true, "JSON"},
		{"trailing garbage", "application/json", `{"username":"a","password":"x"}garbage`, 400, true, "JSON"},
		{"two values", "application/json", `{"username":"a","password":"x"} {"x":1}`, 400, true, "JSON"},
		{"byte-order mark", "application/json", "\xef\xbb\xbf{\"username\":\"a\",\"password\":\"x\"}", 200, false, ""},
		{"trailing space", "application/json", "{\"username\":\"a\",\"password\":\"x\"}\n ", 200, false, ""},
		{"missing field", "application/json", `{"username":"a"}`, 400, false, "password"},
		{"wrong type", "application/json", `{"username":1,"password":"x"}`, 400, false, "username"},
		{"ok", "application/json; charset=utf-8", `{"username":"a","password":"x"}`, 200, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				var b loginBody
				if err := httpx.DecodeJSON(r, &b); err != nil {
					return err
				}
				httpx.Message(w, b.Username)
				return nil
			})
			req := httptest.NewRequest("POST", "/api/login", strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.ctype)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, c.status, rec.Body.String())
			}
			body := decode(t, rec)
			_, hasCode := body["status_code"]
			if c.status != 200 && hasCode != c.framework {
				t.Fatalf("framework shape = %v, want %v: %v", hasCode, c.framework, body)
			}
			if c.contains != "" && !strings.Contains(body["message"].(string), c.contains) {
				t.Fatalf("message %q does not mention %q", body["message"], c.contains)
			}
		})
	}
}

func TestFlexTypes(t *testing.T) {
	var v struct {
		ID  httpx.FlexInt  `json:"id"`
		Yes httpx.FlexBool `json:"yes"`
	}
	for in, want := range map[string][2]any{
		`{"id":"42","yes":"false"}`: {int64(42), false},
		`{"id":7,"yes":1}`:          {int64(7), true},
		`{"id":7,"yes":"on"}`:       {int64(7), true},
	} {
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if v.ID.Value != want[0] || v.Yes.Value != want[1] || !v.ID.Set || !v.Yes.Set {
			t.Fatalf("%s → %+v", in, v)
		}
	}
	for _, bad := range []string{`{"id":"x1"}`, `{"id":1.5}`, `{"yes":"maybe"}`, `{"yes":[]}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Fatalf("%s decoded without error", bad)
		}
	}
}

func TestErrorExtraAndRetryAfter(t *testing.T) {
	rec := httptest.NewRecorder()
	e := httpx.Errorf(403, "limit").With("code", "QUIZ_LIMIT_REACHED")
	e.RetryAfter = 12
	httpx.WriteError(rec, httptest.NewRequest("GET", "/api/x", nil), e)
	body := decode(t, rec)
	if rec.Code != 403 || body["code"] != "QUIZ_LIMIT_REACHED" || body["status"] != "error" ||
		rec.Header().Get("Retry-After") != "12" {
		t.Fatalf("status %d body %v headers %v", rec.Code, body, rec.Header())
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	rec := httptest.NewRecorder()
	h := httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return errSecret
	})
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/x", nil))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "s3cret") {
		t.Fatalf("status %d body %s", rec.Code, rec.Body.String())
	}
}

var errSecret = &secretErr{}

type secretErr struct{}

func (*secretErr) Error() string { return "dial db with password s3cret" }
