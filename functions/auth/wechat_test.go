package auth_test

import (
	"context"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

func wechatSite(t *testing.T, opts ...testkit.Option) (*site, *testkit.WeChat) {
	wx := testkit.StartWeChat(t)
	opts = append(opts, wx.Env()...)
	opts = append(opts, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	return newSite(t, opts...), wx
}

func TestWechatLoginAutoCreatesFirstAdmin(t *testing.T) {
	s, wx := wechatSite(t)
	wx.AddCode("code-1", "oUSER0000abcdef")
	r := s.call("POST", "/api/wechat/login", map[string]any{"code": "code-1"}, nil)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	info := d["user_info"].(map[string]any)
	if info["is_new_user"] != true || info["username"] != "微信用户_abcdef" || info["wechat_bound"] != true ||
		info["is_admin"] != true {
		t.Fatalf("user_info %v", info)
	}
	if c := decodeClaims(t, d["token"].(string)); c["openid"] != "oUSER0000abcdef" {
		t.Fatalf("claims %v", c)
	}
	// Second login: same account, not new.
	r = s.call("POST", "/api/wechat/login", map[string]any{"code": "code-1",
		"user_info": map[string]string{"nickName": "Ignored"}}, nil)
	info = data(t, r)["user_info"].(map[string]any)
	if info["is_new_user"] != false || info["username"] != "微信用户_abcdef" {
		t.Fatalf("second login %v", info)
	}
	// Nickname collisions get _1.
	wx.AddCode("code-2", "oSECOND")
	wx.AddCode("code-3", "oTHIRD")
	for _, c := range []string{"code-2", "code-3"} {
		s.call("POST", "/api/wechat/login", map[string]any{"code": c,
			"user_info": map[string]string{"nickName": "小明", "avatarUrl": "https://thirdwx.example/a.png"}}, nil)
	}
	u, err := s.env.Deps.Users.ByOpenID(context.Background(), "oTHIRD")
	if err != nil || u.Username != "小明_1" || u.Avatar != "https://thirdwx.example/a.png" || u.IsAdmin {
		t.Fatalf("third account %+v %v", u, err)
	}
	// WeChat's own error text comes back as a 400.
	r = s.call("POST", "/api/wechat/login", map[string]any{"code": "unknown"}, nil)
	wantStatus(t, r, 400, "error")
	if r.JSON["message"] != "invalid code, rid: 6f1a2b3c" {
		t.Errorf("message %v", r.JSON["message"])
	}
	wantStatus(t, s.call("POST", "/api/wechat/login", map[string]any{}, nil), 400, "error")
}

func TestWechatErrcodeZeroAndMissingConfig(t *testing.T) {
	s, wx := wechatSite(t)
	wx.ZeroErrcode()
	wx.AddCode("z", "oZERO")
	wantStatus(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "z"}, nil), 200, "success")

	bare := newSite(t)
	r := bare.call("POST", "/api/wechat/login", map[string]any{"code": "z"}, nil)
	wantStatus(t, r, 400, "error")
	if r.JSON["message"] != "小程序配置缺失" {
		t.Errorf("message %v", r.JSON["message"])
	}
}

func TestWechatNeedBindThenCreate(t *testing.T) {
	s, wx := wechatSite(t)
	s.env.CreateUser("someone", "", false)
	wx.AddCode("c", "oNEW")
	r := s.call("POST", "/api/wechat/login", map[string]any{"code": "c", "allow_create": false,
		"user_info": map[string]string{"nickName": "阿花"}}, nil)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	temp, _ := d["wechat_temp_token"].(string)
	if d["need_bind"] != true || len(temp) != 32 || d["expires_at"] == nil {
		t.Fatalf("need_bind payload %v", d)
	}
	wantStatus(t, s.call("POST", "/api/wechat/create", map[string]any{}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/create", map[string]any{"wechat_temp_token": "f00"}, nil), 401, "error")
	r = s.call("POST", "/api/wechat/create", map[string]any{"wechat_temp_token": temp}, nil)
	wantStatus(t, r, 200, "success")
	info := data(t, r)["user_info"].(map[string]any)
	if info["username"] != "阿花" || info["is_new_user"] != true || info["is_admin"] != false {
		t.Fatalf("created %v", info)
	}
	// The temp token is gone after use.
	wantStatus(t, s.call("POST", "/api/wechat/create", map[string]any{"wechat_temp_token": temp}, nil), 401, "error")
}

func TestWechatTempTokenExpires(t *testing.T) {
	s, wx := wechatSite(t)
	c := s.useClock(timeNow())
	wx.AddCode("c", "oLATE")
	d := data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "c", "allow_create": "false"}, nil))
	c.add(5*time.Minute + time.Second)
	wantStatus(t, s.call("POST", "/api/wechat/create", map[string]any{"wechat_temp_token": d["wechat_temp_token"]}, nil), 401, "error")
}

func TestWechatBindByPasswordAndByCode(t *testing.T) {
	s, wx := wechatSite(t)
	owner := s.env.CreateUser("owner", "Owner1234", false)
	wx.AddCode("c1", "oBINDPW")
	temp := data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "c1", "allow_create": false}, nil))["wechat_temp_token"]

	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "sms"}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "password"}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": "nope", "bind_mode": "password",
		"account": "owner", "password": "Owner1234"}, nil), 401, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "password",
		"account": "owner", "password": "wrong"}, nil), 403, "error")
	r := s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "password",
		"account": "owner", "password": "Owner1234"}, nil)
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	info := d["user_info"].(map[string]any)
	if d["user_id"] != float64(owner.ID) || info["is_new_user"] != false || len(info) != 4 {
		t.Fatalf("bind payload %v", d)
	}
	if c := decodeClaims(t, d["token"].(string)); c["openid"] != "oBINDPW" {
		t.Fatalf("claims %v", c)
	}

	// The same openid again: 409.
	temp2 := data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "c1", "allow_create": false}, nil))
	if temp2["need_bind"] == true {
		t.Fatal("bound openid still asked to bind")
	}

	// By e-mail code, to an account with an address.
	other := s.env.CreateUser("mailer", "", false)
	if err := s.env.Deps.Users.BindEmail(context.Background(), other.ID, "mailer@example.test", timeNow()); err != nil {
		t.Fatal(err)
	}
	wx.AddCode("c2", "oBINDMAIL")
	temp = data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "c2", "allow_create": false}, nil))["wechat_temp_token"]
	r = s.call("POST", "/api/wechat/bind/send_code", map[string]any{"wechat_temp_token": temp, "email": "stranger@example.test"}, nil)
	wantStatus(t, r, 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind/send_code", map[string]any{"wechat_temp_token": temp}, nil), 400, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind/send_code", map[string]any{"wechat_temp_token": "x", "email": "mailer@example.test"}, nil), 401, "error")
	wantStatus(t, s.call("POST", "/api/wechat/bind/send_code", map[string]any{"wechat_temp_token": temp, "email": "mailer@example.test"}, nil), 200, "success")
	code := s.lastCode("mailer@example.test")
	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "email_code",
		"email": "mailer@example.test", "code": wrongCode(code)}, nil), 403, "error")
	r = s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "email_code",
		"email": "mailer@example.test", "code": code}, nil)
	wantStatus(t, r, 200, "success")
	if u, _ := s.env.Deps.Users.ByID(context.Background(), other.ID); u.OpenID != "oBINDMAIL" {
		t.Fatalf("openid %q", u.OpenID)
	}
}

func TestWechatBindConflict(t *testing.T) {
	s, wx := wechatSite(t)
	s.env.CreateUser("a", "APass1234", false)
	wx.AddCode("ca", "oTAKEN")
	temp := data(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "ca", "allow_create": false}, nil))["wechat_temp_token"]
	// Meanwhile the openid got its own account.
	wantStatus(t, s.call("POST", "/api/wechat/login", map[string]any{"code": "ca"}, nil), 200, "success")
	wantStatus(t, s.call("POST", "/api/wechat/bind", map[string]any{"wechat_temp_token": temp, "bind_mode": "password",
		"account": "a", "password": "APass1234"}, nil), 409, "error")
}

func TestMiniWechatBindAndWebUnbind(t *testing.T) {
	s, wx := wechatSite(t)
	u := s.env.CreateUser("mini", "MiniPass1", false)
	taken := s.env.CreateUser("taken", "", false)
	if err := s.env.Deps.Users.BindOpenID(context.Background(), taken.ID, "oOTHER"); err != nil {
		t.Fatal(err)
	}
	tok := s.env.Token(u)
	wx.AddCode("mine", "oMINE")
	wx.AddCode("theirs", "oOTHER")
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]any{}, testkit.Bearer(tok)), 400, "error")
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]any{"code": "mine"}, s.env.Cookie(u)), 401, "error")
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]any{"code": "theirs"}, testkit.Bearer(tok)), 409, "error")
	r := s.call("POST", "/api/mini/wechat/bind", map[string]any{"code": "mine"}, testkit.Bearer(tok))
	wantStatus(t, r, 200, "success")
	d := data(t, r)
	info := d["user_info"].(map[string]any)
	if _, has := d["user_id"]; has || info["wechat_bound"] != true {
		t.Fatalf("payload %v", d)
	}
	if _, has := info["is_new_user"]; has {
		t.Fatalf("user_info has is_new_user: %v", info)
	}
	wxTok := d["token"].(string)
	// Same openid again: success with a fresh token; a different one: 409.
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]any{"code": "mine"}, testkit.Bearer(wxTok)), 200, "success")
	wx.AddCode("third", "oTHIRD")
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]any{"code": "third"}, testkit.Bearer(wxTok)), 409, "error")

	// Web unbind: JWTs die, the web session lives on.
	login := s.call("POST", "/api/login", map[string]any{"username": "mini", "password": "MiniPass1"}, nil)
	ck := sessionCookie(login)
	r = s.call("POST", "/api/wechat/unbind", nil, ck)
	wantStatus(t, r, 200, "success")
	if fresh := sessionCookie(r); fresh != nil {
		ck = fresh
	} else {
		t.Fatal("unbind did not carry the session over")
	}
	wantStatus(t, s.call("GET", "/api/profile", nil, ck), 200, "success")
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(wxTok)), 401, "error")
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(tok)), 401, "error")
	if p := data(t, s.call("GET", "/api/profile", nil, ck)); p["wechat_bound"] != false {
		t.Fatalf("profile after unbind %v", p)
	}
	wantStatus(t, s.call("POST", "/api/wechat/unbind", nil, testkit.Bearer(tok)), 401, "unauthorized")
}
