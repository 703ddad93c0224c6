package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

func TestFiftyConcurrentSignUpsMakeOneAdmin(t *testing.T) {
	s := newSite(t, testkit.WithEnv("TRUSTED_PROXIES", "127.0.0.1"))
	const n = 50
	addr := func(i int) string { return fmt.Sprintf("racer%02d@example.test", i) }
	ip := func(i int) string { return fmt.Sprintf("203.0.113.%d", i+1) }
	for i := range n {
		r := s.call("POST", "/api/email/send-login-code", map[string]string{"email": addr(i)}, nil,
			"X-Forwarded-For", ip(i))
		wantStatus(t, r, 200, "success")
	}
	codes := make([]string, n)
	for i := range n {
		codes[i] = s.lastCode(addr(i))
	}
	var wg sync.WaitGroup
	errs := make(chan string, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := testkit.Call(t, s.srv.URL, "POST", "/api/email/login",
				map[string]string{"email": addr(i), "code": codes[i]}, nil, "X-Forwarded-For", ip(i))
			if r.Status != 200 {
				errs <- fmt.Sprintf("%s: %d %s", addr(i), r.Status, r.Raw)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var users, admins int
	if err := s.env.Deps.DB.QueryRow(`SELECT COUNT(*), COALESCE(SUM(is_admin), 0) FROM users`).
		Scan(&users, &admins); err != nil {
		t.Fatal(err)
	}
	if users != n || admins != 1 {
		t.Fatalf("%d users with %d admins, want %d with exactly 1", users, admins, n)
	}
}

func TestCodeBruteForceKillsCode(t *testing.T) {
	s := newSite(t)
	const email = "victim@example.test"
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	code := s.lastCode(email)
	bad := wrongCode(code)
	for i := 1; i <= 5; i++ {
		r := s.call("POST", "/api/email/login", map[string]string{"email": email, "code": bad}, nil)
		wantStatus(t, r, 400, "error")
		want := "验证码错误或已过期"
		if i == 5 {
			want = "验证码错误次数过多，请重新发送验证码"
		}
		if r.JSON["message"] != want {
			t.Fatalf("guess %d: message %v, want %s", i, r.JSON["message"], want)
		}
	}
	r := s.call("POST", "/api/email/login", map[string]string{"email": email, "code": code}, nil)
	wantStatus(t, r, 400, "error")
	if sessionCookie(r) != nil {
		t.Fatal("the right code after 5 failures opened a session")
	}
	if _, err := s.env.Deps.Users.ByEmail(context.Background(), email); err == nil {
		t.Fatal("the dead code registered an account")
	}
}

func TestResendWithin60Seconds(t *testing.T) {
	s := newSite(t, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	c := s.useClock(time.Now())
	const email = "again@example.test"
	// Web: always the same success, but no second mail.
	for range 2 {
		wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	}
	if n := s.mailsTo(email); n != 1 {
		t.Fatalf("web resend within 60 s sent %d mails, want 1", n)
	}
	// Mini-program: the refusal is reported.
	r := s.call("POST", "/api/mini/email/send-login-code", map[string]string{"email": email}, nil)
	wantStatus(t, r, 400, "error")
	if r.JSON["message"] != "发送验证码过于频繁，请稍后再试" {
		t.Fatalf("mini resend message %v", r.JSON["message"])
	}
	c.add(61 * time.Second)
	wantStatus(t, s.call("POST", "/api/mini/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	if n := s.mailsTo(email); n != 2 {
		t.Fatalf("after 61 s: %d mails, want 2", n)
	}
}

func TestMiniEmailLoginRegistersAndLogsIn(t *testing.T) {
	s := newSite(t)
	const email = "Mini.User@Example.test"
	wantStatus(t, s.call("POST", "/api/mini/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	code := s.lastCode(email)
	r := s.call("POST", "/api/mini/email/login", map[string]string{"email": email, "code": wrongCode(code)}, nil)
	wantStatus(t, r, 403, "error")
	r = s.call("POST", "/api/mini/email/login", map[string]string{"email": email, "code": code}, nil)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	info := d["user_info"].(map[string]any)
	if info["is_new_user"] != true || info["username"] != "mini.user" || info["is_admin"] != true {
		t.Fatalf("user_info %v", info)
	}
	if sessionCookie(r) != nil {
		t.Error("JWT login wrote a session cookie")
	}
	tok := d["token"].(string)
	me := s.call("GET", "/api/mini/me", nil, testkit.Bearer(tok))
	wantStatus(t, me, 200, "success")
	wantStatus(t, s.call("POST", "/api/mini/email/login", map[string]string{"email": "", "code": ""}, nil), 400, "error")
}

func TestUsernameCollisionGetsNumber(t *testing.T) {
	s := newSite(t)
	s.env.CreateUser("sam", "", false)
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": "sam@example.test"}, nil), 200, "success")
	r := s.call("POST", "/api/email/login", map[string]string{"email": "sam@example.test",
		"code": s.lastCode("sam@example.test")}, nil)
	wantStatus(t, r, 200, "success")
	u, err := s.env.Deps.Users.ByEmail(context.Background(), "sam@example.test")
	if err != nil || u.Username != "sam1" || u.IsAdmin || u.PasswordHash != "" || u.HasPasswordSet() {
		t.Fatalf("account %+v, %v", u, err)
	}
}

func TestForgotPasswordResetRevokesAndMarksSet(t *testing.T) {
	s := newSite(t, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	ctx := context.Background()
	// An e-mail account without a password, logged in on the web and the mini-program.
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": "r@example.test"}, nil), 200, "success")
	login := s.call("POST", "/api/email/login", map[string]string{"email": "r@example.test",
		"code": s.lastCode("r@example.test")}, nil)
	wantStatus(t, login, 200, "success")
	cookie := sessionCookie(login)
	u, _ := s.env.Deps.Users.ByEmail(ctx, "r@example.test")
	tok := s.env.Token(u)
	wantStatus(t, s.call("GET", "/api/profile", nil, cookie), 200, "success")

	// Unknown address: same success, no mail.
	wantStatus(t, s.call("POST", "/api/forgot-password/send-code", map[string]string{"email": "nobody@example.test"}, nil), 200, "success")
	if s.mailsTo("nobody@example.test") != 0 {
		t.Fatal("mail sent to an unknown address")
	}
	r := s.call("POST", "/api/forgot-password/send-code", map[string]string{"email": "r@example.test"}, nil)
	wantStatus(t, r, 200, "success")
	code := s.lastCode("r@example.test")
	bad := s.call("POST", "/api/forgot-password/reset", map[string]string{"email": "r@example.test",
		"code": wrongCode(code), "new_password": "NewPass123"}, nil)
	wantStatus(t, bad, 400, "error")
	if bad.JSON["message"] != "验证码错误或已过期" {
		t.Errorf("message %v", bad.JSON["message"])
	}
	unknown := s.call("POST", "/api/forgot-password/reset", map[string]string{"email": "nobody@example.test",
		"code": code, "new_password": "NewPass123"}, nil)
	if unknown.Status != 400 || unknown.JSON["message"] != bad.JSON["message"] {
		t.Errorf("unknown address answered differently: %s", unknown.Raw)
	}
	wantStatus(t, s.call("POST", "/api/forgot-password/reset", map[string]string{"email": "r@example.test",
		"code": code, "new_password": "short"}, nil), 400, "error")
	ok := s.call("POST", "/api/forgot-password/reset", map[string]string{"email": "r@example.test",
		"code": code, "new_password": "NewPass123"}, nil)
	wantStatus(t, ok, 200, "success")

	after, _ := s.env.Deps.Users.ByID(ctx, u.ID)
	if after.SessionVersion != u.SessionVersion+1 || !after.HasPasswordSetFlag || !after.HasPasswordSet() {
		t.Fatalf("after reset: version %d→%d, flag %v", u.SessionVersion, after.SessionVersion, after.HasPasswordSetFlag)
	}
	wantStatus(t, s.call("GET", "/api/profile", nil, cookie), 401, "unauthorized")
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(tok)), 401, "error")
	wantStatus(t, s.call("POST", "/api/mini/login", map[string]string{"username": "r@example.test",
		"password": "NewPass123"}, nil), 200, "success")
}

func TestProfilePasswordRules(t *testing.T) {
	s := newSite(t)
	u := s.env.CreateUser("pat", "OldPass123", false)
	ck := s.env.Cookie(u)
	// A password is set: is_set_password does not skip the check.
	r := s.call("POST", "/api/profile/password", map[string]any{"new_password": "Hijack1234", "is_set_password": true}, ck)
	wantStatus(t, r, 400, "error")
	r = s.call("POST", "/api/profile/password", map[string]any{"new_password": "NewPass123", "current_password": "wrong"}, ck)
	wantStatus(t, r, 400, "error")
	r = s.call("POST", "/api/profile/password", map[string]any{"new_password": "NewPass123", "current_password": "OldPass123"}, ck)
	wantStatus(t, r, 200, "success")
	if r.JSON["message"] != "密码修改成功" {
		t.Errorf("message %v", r.JSON["message"])
	}
	// Changing does not end the session.
	wantStatus(t, s.call("GET", "/api/profile", nil, ck), 200, "success")
	wantStatus(t, s.call("POST", "/api/login", map[string]string{"username": "pat", "password": "NewPass123"}, nil), 200, "success")
	// A JWT alone cannot change it.
	wantStatus(t, s.call("POST", "/api/profile/password", map[string]any{"new_password": "x"}, testkit.Bearer(s.env.Token(u))), 401, "unauthorized")
}

func TestBindEmailFlow(t *testing.T) {
	s := newSite(t, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	s.env.CreateUser("first", "", false)
	u := s.env.CreateUser("binder", "Binder123", false)
	other := s.env.CreateUser("owner", "", false)
	ctx := context.Background()
	if err := s.env.Deps.Users.BindEmail(ctx, other.ID, "taken@example.test", time.Now()); err != nil {
		t.Fatal(err)
	}
	ck := s.env.Cookie(u)
	// Bearer only: the handler's own check answers {"status":"error"}.
	wantStatus(t, s.call("POST", "/api/email/send-bind-code", map[string]string{"email": "b@example.test"},
		testkit.Bearer(s.env.Token(u))), 401, "error")
	wantStatus(t, s.call("POST", "/api/email/send-bind-code", map[string]string{"email": "b@example.test"}, nil), 401, "unauthorized")
	wantStatus(t, s.call("POST", "/api/email/send-bind-code", "email=b@example.test", ck,
		"Content-Type", "application/x-www-form-urlencoded"), 400, "error")
	wantStatus(t, s.call("POST", "/api/email/send-bind-code", map[string]string{"email": "not-an-email"}, ck), 400, "error")
	r := s.call("POST", "/api/email/send-bind-code", map[string]string{"email": "taken@example.test"}, ck)
	if r.Status != 400 || r.JSON["message"] != "邮箱已被其他用户使用" {
		t.Fatalf("taken address: %s", r.Raw)
	}
	wantStatus(t, s.call("POST", "/api/email/send-bind-code", map[string]string{"email": "B@Example.test"}, ck), 200, "success")
	code := s.lastCode("B@Example.test")
	wantStatus(t, s.call("POST", "/api/email/bind", map[string]string{"email": "b@example.test", "code": wrongCode(code)}, ck), 400, "error")
	r = s.call("POST", "/api/email/bind", map[string]string{"email": "b@example.test", "code": code}, ck)
	wantStatus(t, r, 200, "success")
	if d := data(t, r); d["email"] != "b@example.test" || d["email_verified"] != true {
		t.Fatalf("data %v", d)
	}
	p := s.call("GET", "/api/profile", nil, ck)
	pd := data(t, p)
	if pd["email"] != "b@example.test" || pd["email_verified"] != true || pd["has_password_set"] != true {
		t.Fatalf("profile %v", pd)
	}
}

func TestLockedAccountRefused(t *testing.T) {
	s := newSite(t)
	u := s.env.CreateUser("locky", "Locked123", false)
	ctx := context.Background()
	if _, err := s.env.Deps.DB.ExecContext(ctx, `UPDATE users SET is_locked = 1, email = 'l@example.test' WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	r := s.call("POST", "/api/login", map[string]string{"username": "locky", "password": "Locked123"}, nil)
	wantStatus(t, r, 403, "error")
	if sessionCookie(r) != nil {
		t.Error("locked login set a cookie")
	}
	wantStatus(t, s.call("POST", "/api/mini/login", map[string]string{"username": "locky", "password": "Locked123"}, nil), 403, "error")
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": "l@example.test"}, nil), 200, "success")
	code := s.lastCode("l@example.test")
	r = s.call("POST", "/api/email/login", map[string]string{"email": "l@example.test", "code": code}, nil)
	wantStatus(t, r, 400, "error")
	if r.JSON["message"] != "账户已被锁定，请联系管理员" {
		t.Errorf("message %v", r.JSON["message"])
	}
	// Existing credentials stop working too.
	wantStatus(t, s.call("GET", "/api/profile", nil, s.env.Cookie(u)), 401, "unauthorized")
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(s.env.Token(u))), 401, "error")
}

func TestBadInputNever5xx(t *testing.T) {
	s := newSite(t, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	huge := make([]byte, 1<<20)
	for i := range huge {
		huge[i] = 'a'
	}
	bodies := []string{`{`, `[]`, `"str"`, `{"username":123,"password":true}`, `{"email":{"a":1}}`,
		`{"username":"` + string(huge) + `","password":"x"}`, `{"code":["1"]}`, `null`, ``,
		`{"email":"a@b.cd","code":"１２３４５６"}`, `{"allow_create":"maybe","code":"x"}`}
	paths := []string{"/api/login", "/api/mini/login", "/api/email/send-login-code", "/api/email/login",
		"/api/forgot-password/send-code", "/api/forgot-password/reset", "/api/mini/email/send-login-code",
		"/api/mini/email/login", "/api/wechat/login", "/api/wechat/create", "/api/wechat/bind/send_code",
		"/api/wechat/bind", "/api/web_login/exchange", "/api/wechat/bind_confirm"}
	for _, p := range paths {
		for _, b := range bodies {
			r := s.call("POST", p, b, nil, "Content-Type", "application/json")
			valid := strings.HasPrefix(b, `{"email":"a@b.cd"`) // well-formed: may succeed
			if (!valid && r.Status < 400) || r.Status >= 500 || r.JSON == nil || r.JSON["status"] == nil {
				t.Errorf("%s %.40q: %d %.120s", p, b, r.Status, r.Raw)
			}
		}
		r := s.call("POST", p, "a=b", nil, "Content-Type", "application/x-www-form-urlencoded")
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s form body: %d", p, r.Status)
		}
	}
	if r := s.call("GET", "/api/web_login/sessions/"+string(huge[:300]), nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown sid: %d", r.Status)
	}
}
