package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quizbank/shared/config"
	"quizbank/shared/mail"
	"quizbank/shared/testkit"
)

func smtpSettings(mp *testkit.Mailpit, user, pass string) mail.Settings {
	return mail.Settings{Provider: mail.ProviderSMTP, Enabled: true, Server: mp.SMTPHost, Port: mp.SMTPPort,
		Username: user, Password: pass, Sender: "noreply@quiz.test", SenderName: "题库 系统"}
}

func codeMessage(t *testing.T, to string) mail.Message {
	t.Helper()
	m, err := mail.RenderCode("login", "482913", to)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSMTPDeliversToMailpitWithLogin(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{Username: "mailer", Password: "123456"})
	s := smtpSettings(mp, "mailer", "123456")
	if err := mail.SendWith(context.Background(), s, codeMessage(t, "alice@example.test")); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 1 {
		t.Fatalf("mailpit has %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "【题库系统】登录验证码" {
		t.Errorf("subject = %q", m.Subject)
	}
	if m.From.Name != "题库 系统" || m.From.Address != "noreply@quiz.test" {
		t.Errorf("from = %q <%s>", m.From.Name, m.From.Address)
	}
	if len(m.To) != 1 || m.To[0].Address != "alice@example.test" {
		t.Errorf("to = %+v", m.To)
	}
	body := mp.Body(t, m.ID)
	if !strings.Contains(body.Text, "482913") || !strings.Contains(body.HTML, "482913") {
		t.Errorf("code missing from body: text=%q", body.Text)
	}
}

func TestSMTPWrongPasswordFails(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{Username: "mailer", Password: "right-pass"})
	err := mail.SendWith(context.Background(), smtpSettings(mp, "mailer", "wrong-pass"), codeMessage(t, "a@example.test"))
	if err == nil {
		t.Fatal("send with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("error reveals the password: %v", err)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("mailpit received %d messages", n)
	}
}

func TestSMTPStartTLS(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{TLS: true, RequireSTARTTLS: true})
	mail.SetTLSRoots(mp.Roots)
	t.Cleanup(func() { mail.SetTLSRoots(nil) })
	s := smtpSettings(mp, "u", "p")
	s.UseTLS = true
	if err := mail.SendWith(context.Background(), s, codeMessage(t, "b@example.test")); err != nil {
		t.Fatalf("STARTTLS send: %v", err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("got %d messages, want 1", n)
	}
	// Without the upgrade the server refuses the login.
	s.UseTLS = false
	if err := mail.SendWith(context.Background(), s, codeMessage(t, "b@example.test")); err == nil {
		t.Error("plain-text send to a STARTTLS-only server succeeded")
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{TLS: true, ImplicitTLS: true})
	mail.SetTLSRoots(mp.Roots)
	t.Cleanup(func() { mail.SetTLSRoots(nil) })
	s := smtpSettings(mp, "u", "p")
	s.UseSSL, s.UseTLS = true, true // use_ssl wins: no STARTTLS inside TLS
	if err := mail.SendWith(context.Background(), s, codeMessage(t, "c@example.test")); err != nil {
		t.Fatalf("SMTPS send: %v", err)
	}
	if n := len(mp.Messages(t)); n != 1 {
		t.Fatalf("got %d messages, want 1", n)
	}
}

func TestSMTPUntrustedCertificateRefused(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{TLS: true, ImplicitTLS: true})
	s := smtpSettings(mp, "u", "p")
	s.UseSSL = true
	if err := mail.SendWith(context.Background(), s, codeMessage(t, "c@example.test")); err == nil {
		t.Fatal("send over TLS with an untrusted self-signed certificate succeeded")
	}
}

func TestSMTPStartTLSMissingOnServer(t *testing.T) {
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{})
	s := smtpSettings(mp, "u", "p")
	s.UseTLS = true
	err := mail.SendWith(context.Background(), s, codeMessage(t, "d@example.test"))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v, want a STARTTLS refusal", err)
	}
}

func TestSMTPIncompleteSettings(t *testing.T) {
	for _, s := range []mail.Settings{
		{Provider: mail.ProviderSMTP, Enabled: true, Username: "u", Password: "p", Port: 25},
		{Provider: mail.ProviderSMTP, Enabled: true, Server: "127.0.0.1", Password: "p", Port: 25},
		{Provider: mail.ProviderSMTP, Enabled: true, Server: "127.0.0.1", Username: "u", Port: 25},
	} {
		if err := mail.SendWith(context.Background(), s, mail.Message{To: "x@example.test"}); !errors.Is(err, mail.ErrIncomplete) {
			t.Errorf("%+v: err = %v, want ErrIncomplete", s, err)
		}
	}
}

func TestDisabledRefusesEverySend(t *testing.T) {
	s := mail.Settings{Provider: mail.ProviderConsole, Enabled: false}
	if err := mail.SendWith(context.Background(), s, mail.Message{To: "x@example.test"}); !errors.Is(err, mail.ErrDisabled) {
		t.Fatalf("err = %v, want ErrDisabled", err)
	}
}

func TestResendProvider(t *testing.T) {
	var got struct {
		From    string   `json:"from"`
		To      []string `json:"to"`
		Subject string   `json:"subject"`
		HTML    string   `json:"html"`
		Text    string   `json:"text"`
	}
	var auth, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}`)
	}))
	defer srv.Close()
	env := config.Mail{Provider: "resend", Enabled: true, ResendAPIKey: "re_test_key",
		ResendBaseURL: srv.URL, DefaultSender: "noreply@quiz.test", DefaultSenderName: "题库"}
	sender := mail.New(env, nil, srv.Client(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := sender.Send(context.Background(), codeMessage(t, "e@example.test")); err != nil {
		t.Fatalf("send: %v", err)
	}
	if path != "/emails" || auth != "Bearer re_test_key" {
		t.Errorf("request %s with %q", path, auth)
	}
	if len(got.To) != 1 || got.To[0] != "e@example.test" || got.Subject != "【题库系统】登录验证码" {
		t.Errorf("body = %+v", got)
	}
	if !strings.Contains(got.From, "noreply@quiz.test") || !strings.Contains(got.HTML, "482913") {
		t.Errorf("from %q / html lacks the code", got.From)
	}
}

func TestResendErrorReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"statusCode":422,"name":"validation_error","message":"Invalid from field"}`)
	}))
	defer srv.Close()
	s := mail.Settings{Provider: mail.ProviderResend, Enabled: true, ResendAPIKey: "k", ResendBaseURL: srv.URL}
	if err := mail.SendWith(context.Background(), s, mail.Message{To: "x@example.test", Subject: "s"}); err == nil {
		t.Fatal("a 422 from Resend was reported as success")
	}
}

func TestConsoleProviderLogsOneLine(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	sender := mail.New(config.Mail{Provider: "console", Enabled: true}, nil, nil, logger)
	if err := sender.Send(context.Background(), codeMessage(t, "f@example.test")); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "482913") || !strings.Contains(lines[0], "f@example.test") {
		t.Fatalf("log = %q", buf.String())
	}
}

func TestResolveOverrides(t *testing.T) {
	env := testkit.New(t)
	sys := env.Deps.SysConfig
	ctx := context.Background()
	base := config.Mail{Provider: "console", Server: "smtp.env.test", Port: 2525, UseTLS: true,
		Username: "envuser", Password: "envpass", DefaultSender: "env@quiz.test",
		DefaultSenderName: "环境", Enabled: true, ConsoleOutput: true}

	s := mail.Resolve(ctx, base, sys)
	if s.Server != "smtp.env.test" || s.Port != 2525 || !s.Console || s.Provider != "console" {
		t.Fatalf("no rows: %+v", s)
	}

	// A row without mail_server does not switch the SMTP source.
	set := func(k, v string) {
		t.Helper()
		if err := sys.Set(ctx, k, v, "", 0); err != nil {
			t.Fatal(err)
		}
		sys.Invalidate()
	}
	set("mail_username", "1")
	if s = mail.Resolve(ctx, base, sys); s.Username != "envuser" {
		t.Fatalf("username came from the DB without mail_server: %+v", s)
	}

	set("mail_server", "smtp.db.test")
	set("mail_password", "000123")
	set("mail_port", "not-a-port")
	set("mail_console_output", "false")
	s = mail.Resolve(ctx, base, sys)
	want := mail.Settings{Provider: "smtp", Enabled: true, Console: false, Server: "smtp.db.test", Port: 587,
		UseTLS: true, UseSSL: false, Username: "1", Password: "000123", Sender: "",
		SenderName: "系统通知"}
	if s != want {
		t.Fatalf("DB settings:\n got %+v\nwant %+v", s, want)
	}

	set("mail_enabled", "false")
	set("mail_use_ssl", "true")
	set("mail_port", "465")
	s = mail.Resolve(ctx, base, sys)
	if s.Enabled || !s.UseSSL || s.Port != 465 {
		t.Fatalf("switches: %+v", s)
	}
	if err := mail.New(base, sys, nil, nil).Send(ctx, mail.Message{To: "x@example.test"}); !errors.Is(err, mail.ErrDisabled) {
		t.Fatalf("send with mail_enabled=false: %v", err)
	}
}

func TestRenderCodeTemplates(t *testing.T) {
	for _, kind := range []string{"bind", "bind_code", "login", "login_code", "reset_password"} {
		m, err := mail.RenderCode(kind, "123456", "<b>x</b>@example.test")
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if !strings.Contains(m.HTML, "123456") || !strings.Contains(m.Text, "123456") || m.Subject == "" {
			t.Errorf("%s: code or subject missing", kind)
		}
		if strings.Contains(m.HTML, "<b>x</b>") || !strings.Contains(m.HTML, "&lt;b&gt;") {
			t.Errorf("%s: e-mail not escaped in HTML", kind)
		}
	}
	a, _ := mail.RenderCode("bind", "1", "a@b.cd")
	b, _ := mail.RenderCode("reset_password", "1", "a@b.cd")
	if a.Subject == b.Subject {
		t.Error("bind and reset share a subject")
	}
	if _, err := mail.RenderCode("welcome", "1", "a@b.cd"); err == nil {
		t.Error("unknown template accepted")
	}
}
