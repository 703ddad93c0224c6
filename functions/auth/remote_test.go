package auth_test

import (
	"strings"
	"testing"

	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

// TestFlowsOnRemoteDatabase runs sign-up, code brute force, password
// login, WeChat temp-token creation and the scan-login transactions
// against a remote libSQL (Hrana) database, so the SQL stays portable.
func TestFlowsOnRemoteDatabase(t *testing.T) {
	wx := testkit.StartWeChat(t)
	opts := append(wx.Env(), testkit.WithEnv("DATABASE_URL", hranatest.New(t)),
		testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	s := newSite(t, opts...)
	if !s.env.Deps.DB.Remote {
		t.Fatal("the test database is not remote")
	}
	const email = "remote@example.test"
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	code := s.lastCode(email)
	wantStatus(t, s.call("POST", "/api/email/login", map[string]string{"email": email, "code": wrongCode(code)}, nil), 400, "error")
	login := s.call("POST", "/api/email/login", map[string]string{"email": email, "code": code}, nil)
	wantStatus(t, login, 200, "success")
	ck := sessionCookie(login)
	wantStatus(t, s.call("POST", "/api/profile/password", map[string]any{"new_password": "Remote1234"}, ck), 200, "success")
	if d := data(t, s.call("GET", "/api/profile", nil, ck)); d["is_admin"] != true || d["has_password_set"] != true {
		t.Fatalf("profile %v", d)
	}
	mini := s.call("POST", "/api/mini/login", map[string]string{"username": email, "password": "Remote1234"}, nil)
	tok := data(t, mini)["token"].(string)

	wx.AddCode("rc", "oREMOTE")
	temp := data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "rc", "allow_create": false}, nil))["wechat_temp_token"]
	wantStatus(t, s.call("POST", "/api/wechat/create", map[string]any{"wechat_temp_token": temp}, nil), 200, "success")

	qr := data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	sid := qr["sid"].(string)
	nonce := strings.TrimPrefix(wx.QRCalls()[0]["scene"].(string), "sid="+sid+"&n=")
	wantStatus(t, s.call("POST", "/api/web_login/confirm", map[string]string{"sid": sid, "nonce": nonce}, testkit.Bearer(tok)), 200, "success")
	exchange := data(t, s.call("GET", "/api/web_login/sessions/"+sid, nil, nil))["token"].(string)
	r := s.call("POST", "/api/web_login/exchange", map[string]string{"token": exchange}, nil)
	wantStatus(t, r, 200, "success")
	wantStatus(t, s.call("GET", "/api/profile", nil, sessionCookie(r)), 200, "success")
	if p := data(t, s.call("GET", "/api/web_login/sessions/"+sid, nil, nil)); p["state"] != "exchanged" {
		t.Fatalf("state %v", p["state"])
	}
}
