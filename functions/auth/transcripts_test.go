package auth_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// replay sends a transcript's request (with body replaced when override
// is non-empty) and checks status, envelope status, body shape and the
// session cookie against the recorded response.
func replay(t *testing.T, s *site, n int, cookie *http.Cookie, override string) testkit.Response {
	t.Helper()
	tr := testkit.LoadTranscript(t, n)
	body := tr.BodyString()
	if override != "" {
		body = override
	}
	var headers []string
	for k, v := range tr.Request.Headers {
		if k == "Cookie" || k == "Authorization" {
			continue
		}
		headers = append(headers, k, v)
	}
	var cred any
	if cookie != nil {
		cred = cookie
	}
	var reqBody any
	if body != "" {
		reqBody = body
	}
	got := s.call(tr.Request.Method, tr.Request.Path, reqBody, cred, headers...)
	if got.Status != tr.Response.Status {
		t.Fatalf("%s: status %d (%s), want %d", tr.Name, got.Status, got.Raw, tr.Response.Status)
	}
	want, _ := tr.Response.Body.(map[string]any)
	if got.JSON["status"] != want["status"] {
		t.Errorf("%s: envelope status %v, want %v", tr.Name, got.JSON["status"], want["status"])
	}
	if d := testkit.ShapeDiff(got.JSON, want); len(d) > 0 {
		t.Errorf("%s: shape differs:\n  %s\n got %s", tr.Name, strings.Join(d, "\n  "), got.Raw)
	}
	wantCookie, _ := tr.Response.Headers["set-cookie"].([]any)
	setsCookie := false
	for _, c := range wantCookie {
		setsCookie = setsCookie || c == "session"
	}
	ck := sessionCookie(got)
	// 05/06: the original re-sends the unchanged session on every request;
	// only the endpoints that start or end a session must set it.
	if setsCookie && ck == nil && n != 5 && n != 6 {
		t.Errorf("%s: no session cookie set", tr.Name)
	}
	if !setsCookie && ck != nil {
		t.Errorf("%s: unexpected session cookie", tr.Name)
	}
	if ck != nil {
		attrs, _ := tr.Response.Headers["set-cookie-attributes"].([]any)
		if len(attrs) == 1 {
			a := attrs[0].(string)
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("%s: cookie attributes %+v", tr.Name, ck)
			}
			if strings.Contains(a, "Expires=") != (!ck.Expires.IsZero()) {
				t.Errorf("%s: cookie expiry %v, want like %q", tr.Name, ck.Expires, a)
			}
		}
	}
	return got
}

func TestTranscripts01to15(t *testing.T) {
	s := newSite(t)
	const email = "admin@example.com"

	replay(t, s, 1, nil, "")
	code := s.lastCode(email)
	replay(t, s, 2, nil, `{"email":"admin@example.com","code":"`+wrongCode(code)+`"}`)
	replay(t, s, 3, nil, "")
	r4 := replay(t, s, 4, nil, `{"email":"admin@example.com","code":"`+code+`"}`)
	if r4.JSON["needs_password_set"] != true {
		t.Errorf("04: needs_password_set = %v", r4.JSON["needs_password_set"])
	}
	admin, err := s.env.Deps.Users.ByEmail(t.Context(), email)
	if err != nil || admin.Username != "admin" || !admin.IsAdmin {
		t.Fatalf("04: account %+v, %v; want admin named admin", admin, err)
	}
	emailCookie := sessionCookie(r4)

	replay(t, s, 5, emailCookie, "")
	replay(t, s, 6, emailCookie, "")
	r7 := replay(t, s, 7, emailCookie, "")
	if ck := sessionCookie(r7); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("07: logout did not delete the cookie: %+v", ck)
	}

	r8 := replay(t, s, 8, nil, "")
	if r8.JSON["remember"] != true || r8.JSON["needs_password_set"] != false || r8.JSON["redirect"] != "/" {
		t.Errorf("08: body %s", r8.Raw)
	}
	r9 := replay(t, s, 9, nil, "")
	if r9.JSON["remember"] != false {
		t.Errorf("09: body %s", r9.Raw)
	}
	r10 := replay(t, s, 10, nil, "")
	if r10.JSON["message"] != "用户名或密码错误" {
		t.Errorf("10: message %v", r10.JSON["message"])
	}
	replay(t, s, 11, nil, "")
	replay(t, s, 12, nil, "")

	r13 := replay(t, s, 13, nil, "")
	tok := data(t, r13)["token"].(string)
	claims := decodeClaims(t, tok)
	if claims["user_id"] != float64(admin.ID) || claims["openid"] != "" || claims["session_version"] != float64(0) {
		t.Errorf("13: claims %v", claims)
	}
	info := data(t, r13)["user_info"].(map[string]any)
	if info["is_admin"] != true || info["wechat_bound"] != false || info["avatar"] != nil {
		t.Errorf("13: user_info %v", info)
	}
	r14 := replay(t, s, 14, nil, "")
	if r14.JSON["message"] != "账号或密码错误" {
		t.Errorf("14: message %v", r14.JSON["message"])
	}
	r15 := replay(t, s, 15, nil, "")
	if r15.JSON["message"] != "账号和密码不能为空" {
		t.Errorf("15: message %v", r15.JSON["message"])
	}

	// 107: /api/login has had five calls this minute (08–12).
	r107 := replay(t, s, 107, nil, "")
	if r107.JSON["message"] != "5 per 1 minute" || r107.Header.Get("Retry-After") == "" {
		t.Errorf("107: %s, Retry-After %q", r107.Raw, r107.Header.Get("Retry-After"))
	}
	// 108: the send-login-code call of 01 used the minute's only one.
	r108 := replay(t, s, 108, nil, "")
	if r108.JSON["message"] != "1 per 1 minute" || r108.Header.Get("Retry-After") == "" {
		t.Errorf("108: %s, Retry-After %q", r108.Raw, r108.Header.Get("Retry-After"))
	}
}

func decodeClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a JWT", tok)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
