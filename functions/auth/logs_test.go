package auth_test

import (
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"quizbank/functions/auth"
	"quizbank/shared/mail"
	"quizbank/shared/testkit"
)

// TestLogsCarryNoSecrets runs the login flows with real SMTP delivery
// (the console provider off) and checks that no code, password, token or
// secret reaches the log.
func TestLogsCarryNoSecrets(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{Username: "smtp-user", Password: "smtp-pass-9876"})
	wx := testkit.StartWeChat(t)
	opts := append(wx.Env(),
		testkit.WithEnv("MAIL_PROVIDER", "smtp"), testkit.WithEnv("MAIL_SERVER", mp.SMTPHost),
		testkit.WithEnv("MAIL_PORT", strconv.Itoa(mp.SMTPPort)), testkit.WithEnv("MAIL_USE_TLS", "false"),
		testkit.WithEnv("MAIL_USERNAME", "smtp-user"), testkit.WithEnv("MAIL_PASSWORD", "smtp-pass-9876"),
		testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	env := testkit.New(t, opts...)
	logs := &testkit.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prev := slog.Default()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(prev) })
	env.Deps.Logger = logger
	env.Deps.Mailer = mail.New(env.Deps.Config.Mail, env.Deps.SysConfig, env.Deps.HTTPClient, logger)
	s := &site{env: env, srv: env.Serve(auth.Register), t: t}

	const email, pw = "secretive@example.test", "Sup3rSecretPw!"
	wantStatus(t, s.call("POST", "/api/email/send-login-code", map[string]string{"email": email}, nil), 200, "success")
	msgs := mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("mailpit got %d messages", len(msgs))
	}
	code := codeRE.FindString(mp.Body(t, msgs[0].ID).Text)
	if code == "" {
		t.Fatal("no code in the delivered mail")
	}
	wantStatus(t, s.call("POST", "/api/email/login", map[string]string{"email": email, "code": wrongCode(code)}, nil), 400, "error")
	login := s.call("POST", "/api/email/login", map[string]string{"email": email, "code": code}, nil)
	wantStatus(t, login, 200, "success")
	ck := sessionCookie(login)
	wantStatus(t, s.call("POST", "/api/profile/password", map[string]any{"new_password": pw}, ck), 200, "success")
	wantStatus(t, s.call("POST", "/api/login", map[string]string{"username": email, "password": pw}, nil), 200, "success")
	wantStatus(t, s.call("POST", "/api/login", map[string]string{"username": email, "password": pw + "x"}, nil), 400, "error")
	mini := s.call("POST", "/api/mini/login", map[string]string{"username": email, "password": pw}, nil)
	tok := data(t, mini)["token"].(string)
	wx.AddCode("wx-login-code-123", "oSECRETOPENID")
	wantStatus(t, s.call("POST", "/api/mini/wechat/bind", map[string]string{"code": "wx-login-code-123"}, testkit.Bearer(tok)), 200, "success")
	qr := data(t, s.call("POST", "/api/web_login/qrcode", nil, nil))
	sid := qr["sid"].(string)
	scene := wx.QRCalls()[0]["scene"].(string)
	nonce := strings.TrimPrefix(scene, "sid="+sid+"&n=")
	wantStatus(t, s.call("POST", "/api/web_login/confirm", map[string]string{"sid": sid, "nonce": nonce}, testkit.Bearer(tok)), 200, "success")
	exchange := data(t, s.call("GET", "/api/web_login/sessions/"+sid, nil, nil))["token"].(string)
	wantStatus(t, s.call("POST", "/api/web_login/exchange", map[string]string{"token": exchange}, nil), 200, "success")
	wantStatus(t, s.call("POST", "/api/forgot-password/send-code", map[string]string{"email": email}, nil), 200, "success")

	out := logs.String()
	all := mp.Messages(t)
	if len(all) != 2 {
		t.Fatalf("mailpit got %d messages, want login + reset", len(all))
	}
	for _, m := range all {
		if c := codeRE.FindString(mp.Body(t, m.ID).Text); c == "" || regexp.MustCompile(`\b`+c+`\b`).MatchString(out) {
			t.Errorf("code of %q missing from the mail or present in the log", m.Subject)
		}
	}
	if !strings.Contains(out, "route=\"POST /api/login\"") || !strings.Contains(out, "mail sent") {
		t.Fatalf("the log did not capture the flow:\n%s", out)
	}
	if regexp.MustCompile(`\b` + code + `\b`).MatchString(out) {
		t.Error("log contains the login code")
	}
	for name, secret := range map[string]string{
		"password": pw, "jwt": tok, "exchange token": exchange, "wx code": "wx-login-code-123",
		"smtp password": "smtp-pass-9876", "wechat secret": wx.Secret, "access token": "ACCESS_TOKEN_1",
		"session cookie": ck.Value, "secret key": testkit.SecretKey, "nonce": "n=" + nonce,
	} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains the %s", name)
		}
	}
}
