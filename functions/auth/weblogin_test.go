package auth_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

func TestWebScanLoginFlow(t *testing.T) {
	s, wx := wechatSite(t)
	c := s.useClock(time.Now())
	u := s.env.CreateUser("scanner", "Scanner123", false)
	tok := s.env.Token(u)

	r := s.call("POST", "/api/web_login/qrcode", nil, nil)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	sid := d["sid"].(string)
	if len(sid) != 16 || d["qrcode_url"] != "/uploads/web_login/web_login_"+sid+".png" ||
		d["page_used"] != "pages/web-login/web-login" || d["page_fallback"] != false || d["env_version"] != "release" {
		t.Fatalf("qrcode data %v", d)
	}
	png, err := os.ReadFile(filepath.Join(s.env.Dir, "uploads", "web_login", "web_login_"+sid+".png"))
	if err != nil || !bytes.Equal(png, testkit.FakePNG) {
		t.Fatalf("saved QR %q, %v", png, err)
	}
	scene := wx.QRCalls()[0]["scene"].(string)
	nonce := strings.TrimPrefix(scene, "sid="+sid+"&n=")
	if len(nonce) != 8 || len(scene) > 32 {
		t.Fatalf("scene %q", scene)
	}

	poll := func() map[string]any {
		t.Helper()
		r := s.call("GET", "/api/web_login/sessions/"+sid, nil, nil)
		wantStatus(t, r, 200, "success")
		return data(t, r)
	}
	if p := poll(); p["state"] != "pending" || p["token"] != nil {
		t.Fatalf("pending poll %v", p)
	}
	confirm := func(n string, cred any) int {
		return s.call("POST", "/api/web_login/confirm", map[string]string{"sid": sid, "nonce": n}, cred).Status
	}
	if st := confirm(nonce, nil); st != 401 {
		t.Fatalf("anonymous confirm: %d", st)
	}
	if st := confirm("deadbeef", testkit.Bearer(tok)); st != 403 {
		t.Fatalf("wrong nonce: %d", st)
	}
	if st := s.call("POST", "/api/web_login/confirm", map[string]string{"sid": "0000000000000000", "nonce": nonce}, testkit.Bearer(tok)).Status; st != 404 {
		t.Fatalf("unknown sid: %d", st)
	}
	if st := confirm(nonce, testkit.Bearer(tok)); st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	p := poll()
	token, _ := p["token"].(string)
	if p["state"] != "confirmed" || len(token) != 32 || p["token_expires_at"] == nil {
		t.Fatalf("confirmed poll %v", p)
	}
	if again := poll(); again["token"] != token {
		t.Fatalf("second poll minted a new live token: %v", again)
	}
	// The token lapses after 30 s; the next poll mints a fresh one.
	c.add(31 * time.Second)
	wantStatus(t, s.call("POST", "/api/web_login/exchange", map[string]string{"token": token}, nil), 410, "error")
	fresh := poll()["token"].(string)
	if fresh == token {
		t.Fatal("lapsed token re-issued")
	}
	wantStatus(t, s.call("POST", "/api/web_login/exchange", map[string]string{}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/web_login/exchange", map[string]string{"token": "feedfacefeedfacefeedfacefeedface"}, nil), 404, "error")
	r = s.call("POST", "/api/web_login/exchange", map[string]string{"token": fresh}, nil)
	wantStatus(t, r, 200, "success")
	if d := data(t, r); d["user_id"] != float64(u.ID) || d["username"] != "scanner" {
		t.Fatalf("exchange data %v", d)
	}
	ck := sessionCookie(r)
	if ck == nil || ck.Expires.IsZero() {
		t.Fatalf("exchange cookie %+v, want permanent", ck)
	}
	wantStatus(t, s.call("GET", "/api/profile", nil, ck), 200, "success")
	// Single use, and the session is spent.
	wantStatus(t, s.call("POST", "/api/web_login/exchange", map[string]string{"token": fresh}, nil), 404, "error")
	if p := poll(); p["state"] != "exchanged" || p["token"] != nil {
		t.Fatalf("after exchange %v", p)
	}
	if st := confirm(nonce, testkit.Bearer(tok)); st != 409 {
		t.Fatalf("confirm after exchange: %d", st)
	}
	wantStatus(t, s.call("GET", "/api/web_login/sessions/ffffffffffffffff", nil, nil), 404, "error")
}

func TestWebScanLoginExpiryAndLockedUser(t *testing.T) {
	s, _ := wechatSite(t)
	c := s.useClock(time.Now())
	u := s.env.CreateUser("late", "", false)
	d := data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	sid := d["sid"].(string)
	c.add(21 * time.Minute)
	r := s.call("GET", "/api/web_login/sessions/"+sid, nil, nil)
	if data(t, r)["state"] != "expired" {
		t.Fatalf("poll after 21 min: %s", r.Raw)
	}
	wantStatus(t, s.call("POST", "/api/web_login/confirm", map[string]string{"sid": sid, "nonce": "x"},
		testkit.Bearer(s.env.Token(u))), 410, "error")

	// A user locked between confirm and exchange is refused at exchange.
	d = data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	sid = d["sid"].(string)
	var nonce string
	if err := s.env.Deps.DB.QueryRow(`SELECT json_extract(data, '$.nonce') FROM auth_ephemeral WHERE key = ?`,
		"web_login_session:"+sid).Scan(&nonce); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, s.call("POST", "/api/web_login/confirm", map[string]string{"sid": sid, "nonce": nonce},
		testkit.Bearer(s.env.Token(u))), 200, "success")
	token := data(t, s.call("GET", "/api/web_login/sessions/"+sid, nil, nil))["token"].(string)
	if _, err := s.env.Deps.DB.Exec(`UPDATE users SET is_locked = 1 WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	r = s.call("POST", "/api/web_login/exchange", map[string]string{"token": token}, nil)
	wantStatus(t, r, 403, "error")
	if sessionCookie(r) != nil {
		t.Fatal("locked user got a session")
	}
}

func TestQRCodeFailuresWithoutSecrets(t *testing.T) {
	bare := newSite(t)
	r := bare.call("POST", "/api/web_login/qrcode", nil, nil)
	wantStatus(t, r, 503, "error")
	if r.JSON["message"] != "小程序配置缺失" {
		t.Fatalf("message %v", r.JSON["message"])
	}
	s, wx := wechatSite(t, testkit.WithEnv("DEBUG", "true"))
	for _, p := range []string{"pages/web-login/web-login", "pages/index/index", ""} {
		wx.RejectPage(p)
	}
	r = s.call("POST", "/api/web_login/qrcode", nil, nil)
	wantStatus(t, r, 502, "error")
	if strings.Contains(string(r.Raw), "ACCESS_TOKEN") || strings.Contains(string(r.Raw), wx.Secret) {
		t.Fatalf("body leaks a credential: %s", r.Raw)
	}
	if calls := wx.QRCalls(); len(calls) != 3 || calls[0]["env_version"] != "develop" || calls[0]["check_path"] != false {
		t.Fatalf("calls %v", calls)
	}
}

func TestQRCodePageFallback(t *testing.T) {
	s, wx := wechatSite(t)
	wx.RejectPage("pages/web-login/web-login")
	d := data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	if d["page_used"] != "pages/index/index" || d["page_fallback"] != true {
		t.Fatalf("data %v", d)
	}
	wx.RejectPage("pages/index/index")
	d = data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	if d["page_used"] != nil || d["page_fallback"] != true {
		t.Fatalf("data %v", d)
	}
}

func TestWebWechatBindFlow(t *testing.T) {
	s, wx := wechatSite(t)
	u := s.env.CreateUser("webber", "Webber123", false)
	other := s.env.CreateUser("other", "", false)
	ck := s.env.Cookie(u)
	wantStatus(t, s.call("POST", "/api/wechat/bind_qrcode", nil, testkit.Bearer(s.env.Token(u))), 401, "unauthorized")
	r := s.call("POST", "/api/wechat/bind_qrcode", nil, ck)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	sid := d["sid"].(string)
	if d["qrcode_url"] != "/uploads/wechat_bind/wechat_bind_"+sid+".png" || d["page_used"] != "pages/web-bind/web-bind" {
		t.Fatalf("data %v", d)
	}
	if _, err := os.Stat(filepath.Join(s.env.Dir, "uploads", "wechat_bind", "wechat_bind_"+sid+".png")); err != nil {
		t.Fatal(err)
	}
	scene := wx.QRCalls()[0]["scene"].(string)
	if len(scene) != 25 || !strings.HasPrefix(scene, "B"+sid) {
		t.Fatalf("scene %q", scene)
	}
	nonce := scene[17:]

	poll := s.call("GET", "/api/wechat/bind_sessions/"+sid, nil, ck)
	if pd := data(t, poll); pd["state"] != "pending" || pd["bound_at"] != nil {
		t.Fatalf("poll %v", pd)
	}
	wantStatus(t, s.call("GET", "/api/wechat/bind_sessions/"+sid, nil, s.env.Cookie(other)), 403, "error")
	wantStatus(t, s.call("GET", "/api/wechat/bind_sessions/"+sid, nil, nil), 401, "unauthorized")

	wx.AddCode("phone", "oPHONE")
	body := func(n, code string) map[string]string { return map[string]string{"sid": sid, "nonce": n, "code": code} }
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", map[string]string{"sid": sid}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", body("00000000", "phone"), nil), 403, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", body(nonce, "bogus"), nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", body(nonce, "phone"), nil), 200, "success")
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", body(nonce, "phone"), nil), 200, "success")
	if bound, _ := s.env.Deps.Users.ByID(context.Background(), u.ID); bound.OpenID != "oPHONE" {
		t.Fatalf("openid %q", bound.OpenID)
	}
	if pd := data(t, s.call("GET", "/api/wechat/bind_sessions/"+sid, nil, ck)); pd["state"] != "bound" || pd["bound_at"] == nil {
		t.Fatalf("poll %v", pd)
	}

	// Another web user cannot take the same WeChat.
	ck2 := s.env.Cookie(other)
	sid2 := data(t, s.call("POST", "/api/wechat/bind_qrcode", nil, ck2))["sid"].(string)
	scene2 := wx.QRCalls()[1]["scene"].(string)
	wantStatus(t, s.call("POST", "/api/wechat/bind_confirm", map[string]string{"sid": sid2, "nonce": scene2[17:],
		"code": "phone"}, nil), 409, "error")
}
