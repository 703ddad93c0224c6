package authn_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/session"
	"quizbank/shared/testkit"
)

func whoami(w http.ResponseWriter, r *http.Request) {
	id := authn.FromContext(r.Context())
	httpx.Success(w, httpx.M{"user": id.User.Username, "via": string(id.Via)})
}

func TestGuards(t *testing.T) {
	env := testkit.New(t)
	admin := env.CreateUser("admin", "AdminPass123", false)
	student := env.CreateUser("student1", "Student123", false)
	if !admin.IsAdmin || student.IsAdmin {
		t.Fatalf("first account should be admin only: admin=%v student=%v", admin.IsAdmin, student.IsAdmin)
	}
	g := env.Deps.Guard
	rt := httpx.NewRouter()
	rt.Handle("GET /api/user", g.User(http.HandlerFunc(whoami)))
	rt.Handle("GET /api/jwt", g.JWT(http.HandlerFunc(whoami)))
	rt.Handle("GET /api/session", g.Session(http.HandlerFunc(whoami)))
	rt.Handle("GET /admin/api/x", g.Admin(http.HandlerFunc(whoami)))
	rt.Handle("GET /admin/api/staff", g.Staff(http.HandlerFunc(whoami)))
	s := httptest.NewServer(env.Deps.Middleware(rt))
	defer s.Close()

	adminTok, studentTok := env.Token(admin), env.Token(student)
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{
		"user_id": admin.ID, "openid": "", "session_version": 0,
		"exp": time.Now().Add(time.Hour).Unix()}).SignedString([]byte(testkit.SecretKey))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"user_id": admin.ID, "exp": time.Now().Add(time.Hour).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
	expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"user_id": admin.ID, "openid": "", "session_version": 0,
		"exp": time.Now().Add(-time.Hour).Unix()}).SignedString([]byte(testkit.SecretKey))

	cases := []struct {
		name, path string
		auth       any
		status     int
		kind       string // envelope status
		msg        string
	}{
		{"user: no credential", "/api/user", nil, 401, "unauthorized", authn.MsgLogin},
		{"user: jwt", "/api/user", testkit.Bearer(studentTok), 200, "success", ""},
		{"user: session", "/api/user", env.Cookie(student), 200, "success", ""},
		{"user: garbage bearer", "/api/user", "Bearer not-a-jwt", 401, "unauthorized", authn.MsgLogin},
		{"user: HS512 refused", "/api/user", testkit.Bearer(hs512), 401, "unauthorized", authn.MsgLogin},
		{"user: alg none refused", "/api/user", testkit.Bearer(none), 401, "unauthorized", authn.MsgLogin},
		{"user: expired refused", "/api/user", testkit.Bearer(expired), 401, "unauthorized", authn.MsgLogin},
		{"jwt: none", "/api/jwt", nil, 401, "unauthorized", authn.MsgLogin},
		{"jwt: session only", "/api/jwt", env.Cookie(student), 401, "error", authn.MsgMissingToken},
		{"jwt: garbage", "/api/jwt", "Bearer not-a-jwt", 401, "error", authn.MsgBadToken},
		{"jwt: ok", "/api/jwt", testkit.Bearer(studentTok), 200, "success", ""},
		{"session: jwt only", "/api/session", testkit.Bearer(studentTok), 401, "unauthorized", authn.MsgLogin},
		{"session: ok", "/api/session", env.Cookie(student), 200, "success", ""},
		{"admin: anonymous", "/admin/api/x", nil, 401, "unauthorized", authn.MsgLogin},
		{"admin: student", "/admin/api/x", env.Cookie(student), 403, "forbidden", authn.MsgAdmin},
		{"admin: student jwt", "/admin/api/x", testkit.Bearer(studentTok), 403, "forbidden", authn.MsgAdmin},
		{"admin: admin jwt", "/admin/api/x", testkit.Bearer(adminTok), 200, "success", ""},
		{"admin: admin session", "/admin/api/x", env.Cookie(admin), 200, "success", ""},
		{"staff: student", "/admin/api/staff", env.Cookie(student), 403, "forbidden", authn.MsgStaff},
	}
	for _, c := range cases {
		res := testkit.Call(t, s.URL, "GET", c.path, nil, c.auth)
		if res.Status != c.status || res.JSON["status"] != c.kind {
			t.Errorf("%s: %d %v, want %d %s", c.name, res.Status, res.JSON, c.status, c.kind)
			continue
		}
		if c.msg != "" && res.JSON["message"] != c.msg {
			t.Errorf("%s: message %q, want %q", c.name, res.JSON["message"], c.msg)
		}
	}

	// Revocation: bumping session_version kills both the token and the cookie.
	cookie := env.Cookie(student)
	if err := env.Deps.Users.Revoke(t.Context(), student.ID); err != nil {
		t.Fatal(err)
	}
	for _, auth := range []any{testkit.Bearer(studentTok), cookie} {
		res := testkit.Call(t, s.URL, "GET", "/api/user", nil, auth)
		if res.Status != 401 || res.JSON["message"] != authn.MsgSessionEnded {
			t.Errorf("after revoke (%T): %d %v", auth, res.Status, res.JSON)
		}
	}
	// Locking refuses the user even with a fresh token.
	if _, err := env.Deps.DB.Exec(`UPDATE users SET is_locked = 1 WHERE id = ?`, admin.ID); err != nil {
		t.Fatal(err)
	}
	res := testkit.Call(t, s.URL, "GET", "/api/jwt", nil, testkit.Bearer(adminTok))
	if res.Status != 401 || res.JSON["message"] != authn.MsgLocked {
		t.Errorf("locked: %d %v", res.Status, res.JSON)
	}
}

func TestTokenClaims(t *testing.T) {
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	tokens := authn.NewTokens("k", func() time.Time { return now })
	tok, err := tokens.Issue(7, "oABC", 2)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", tok, len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"user_id": 7.0, "openid": "oABC", "session_version": 2.0,
		"iat": float64(now.Unix()), "exp": float64(now.Add(authn.TokenLifetime).Unix())}
	if len(claims) != len(want) {
		t.Fatalf("claims %v, want exactly %v", claims, want)
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	c, err := tokens.Parse(tok)
	if err != nil || c.UserID != 7 || c.OpenID != "oABC" || c.SessionVersion != 2 {
		t.Fatalf("Parse = %+v, %v", c, err)
	}
	later := authn.NewTokens("k", func() time.Time { return now.Add(authn.TokenLifetime + time.Minute) })
	if _, err := later.Parse(tok); err == nil {
		t.Fatal("expired token accepted")
	}
}

func TestTokenWithCriticalHeaderRefused(t *testing.T) {
	tokens := authn.NewTokens("k", time.Now)
	tk := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"user_id": 1, "openid": "", "session_version": 0, "exp": time.Now().Add(time.Hour).Unix()})
	tk.Header["crit"] = []string{"x-unknown"}
	s, err := tk.SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.Parse(s); err == nil {
		t.Fatal("token with an unknown critical header accepted")
	}
}

func TestRememberedSessionSlides(t *testing.T) {
	env := testkit.New(t)
	u := env.CreateUser("admin", "AdminPass123", false)
	start := time.Now()
	clock := start
	env.Deps.SetClock(func() time.Time { return clock })
	rt := httpx.NewRouter()
	rt.Handle("GET /api/user", env.Deps.Guard.User(http.HandlerFunc(whoami)))
	s := httptest.NewServer(env.Deps.Middleware(rt))
	defer s.Close()

	rec := httptest.NewRecorder()
	env.Deps.Sessions.Write(rec, session.Data{UserID: u.ID, Permanent: true}, start)
	cookie := rec.Result().Cookies()[0]

	res := testkit.Call(t, s.URL, "GET", "/api/user", nil, cookie)
	if res.Status != 200 || len(res.Header.Values("Set-Cookie")) != 0 {
		t.Fatalf("fresh session: %d, Set-Cookie %v (want none)", res.Status, res.Header.Values("Set-Cookie"))
	}
	clock = start.Add(6 * 24 * time.Hour)
	res = testkit.Call(t, s.URL, "GET", "/api/user", nil, cookie)
	if res.Status != 200 || len(res.Header.Values("Set-Cookie")) != 1 {
		t.Fatalf("six days in: %d, Set-Cookie %v (want a refreshed cookie)", res.Status, res.Header.Values("Set-Cookie"))
	}
	var refreshed *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		refreshed = c
	}
	clock = start.Add(10 * 24 * time.Hour)
	if res := testkit.Call(t, s.URL, "GET", "/api/user", nil, cookie); res.Status != 401 {
		t.Fatalf("old cookie after 10 days: %d, want 401", res.Status)
	}
	if res := testkit.Call(t, s.URL, "GET", "/api/user", nil, refreshed); res.Status != 200 {
		t.Fatalf("refreshed cookie after 10 days: %d, want 200", res.Status)
	}
}

// A token seen before is served from the verified cache; its expiry must
// still be enforced.
func TestCachedTokenStillExpires(t *testing.T) {
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	clock := now
	tokens := authn.NewTokens("k", func() time.Time { return clock })
	tok, err := tokens.Issue(3, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if c, err := tokens.Parse(tok); err != nil || c.UserID != 3 {
			t.Fatalf("parse %d: %+v, %v", i, c, err)
		}
	}
	clock = now.Add(authn.TokenLifetime + time.Minute)
	if _, err := tokens.Parse(tok); err == nil {
		t.Fatal("expired token accepted from the cache")
	}
	forged := tok[:len(tok)-2] + "xx"
	clock = now
	if _, err := tokens.Parse(forged); err == nil {
		t.Fatal("token with a broken signature accepted")
	}
}
