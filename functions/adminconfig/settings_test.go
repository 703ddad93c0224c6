package adminconfig_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

func TestSystemConfig(t *testing.T) {
	s := newSite(t)
	for _, c := range []struct {
		key, value string
		status     int
	}{
		{"quiz_limit_enabled", "yes", 400},
		{"quiz_limit_count", "-3", 400},
		{"mail_port", "70000", 400},
		{"mail_use_tls", "1", 400},
		{"mail_default_sender", "not-an-address", 400},
		{"dashscope_base_url", "ftp://x", 400},
		{"quiz_limit_count", "250", 200},
		{"custom_flag", "anything", 200},
		{"bad key!", "x", 400},
	} {
		r := s.call(t, "PUT", "/admin/api/system_config/"+strings.ReplaceAll(c.key, " ", "%20"), map[string]any{"config_value": c.value})
		if r.Status != c.status {
			t.Errorf("%s=%s: %d %s", c.key, c.value, r.Status, r.Raw)
		}
	}
	if r := s.call(t, "PUT", "/admin/api/system_config/quiz_limit_count", map[string]any{}); r.Status != 400 {
		t.Errorf("missing value: %d", r.Status)
	}
	r := s.call(t, "GET", "/admin/api/system_config/quiz_limit_count", nil)
	if r.JSON["data"].(map[string]any)["config_value"] != "250" {
		t.Errorf("get: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/system_config/email_bind_required", nil)
	if r.JSON["data"].(map[string]any)["config_value"] != "1" {
		t.Errorf("missing email_bind_required: %s", r.Raw)
	}
	// Secrets are stored encrypted and masked everywhere.
	s.call(t, "PUT", "/admin/api/system_config/dashscope_api_key", map[string]any{"config_value": "sk-supersecret"})
	r = s.call(t, "GET", "/admin/api/system_config", nil)
	if bytes.Contains(r.Raw, []byte("supersecret")) || !bytes.Contains(r.Raw, []byte(`"***"`)) {
		t.Errorf("list leaks or does not mask: %s", r.Raw)
	}
	var stored string
	_ = s.env.Deps.DB.QueryRow(`SELECT config_value FROM system_config WHERE config_key = 'dashscope_api_key'`).Scan(&stored)
	if strings.Contains(stored, "supersecret") {
		t.Errorf("secret stored in clear: %q", stored)
	}
	s.call(t, "PUT", "/admin/api/system_config/dashscope_api_key", map[string]any{"config_value": "***", "description": "k"})
	ai := s.env.Deps.SysConfig.AISettings(t.Context(), s.env.Deps.Config.AI)
	if ai.APIKey != "sk-supersecret" {
		t.Errorf("AI settings read %q", ai.APIKey)
	}
}

func TestMailSettings(t *testing.T) {
	s := newSite(t)
	if r := s.call(t, "POST", "/admin/api/settings/mail", map[string]any{"mail_password": "12345"}); r.Status != 400 {
		t.Errorf("short password: %d", r.Status)
	}
	r := s.call(t, "POST", "/admin/api/settings/mail", map[string]any{"mail_server": "smtp.quiz.test",
		"mail_port": 465, "mail_use_ssl": 1, "mail_username": "123456", "mail_password": "s3cret-pass"})
	if r.Status != 200 {
		t.Fatalf("save: %s", r.Raw)
	}
	// A second save without the password keeps it (missing = unchanged, *** = keep).
	s.call(t, "POST", "/admin/api/settings/mail", map[string]any{"mail_default_sender_name": "题库", "mail_password": "***"})
	r = s.call(t, "GET", "/admin/api/settings/mail", nil)
	d := r.JSON["data"].(map[string]any)
	if d["mail_password"] != "***" || d["mail_server"] != "smtp.quiz.test" || d["mail_port"] != "465" ||
		d["mail_use_ssl"] != "true" || d["mail_username"] != "123456" || d["mail_default_sender_name"] != "题库" {
		t.Errorf("mail settings: %s", r.Raw)
	}
	if _, has := d["mail_enabled"]; has {
		t.Errorf("unsent key was written: %v", d)
	}
	if bytes.Contains(r.Raw, []byte("s3cret")) {
		t.Errorf("password leaked")
	}
	pw := s.env.Deps.SysConfig.String(t.Context(), "mail_password", "")
	if pw != "s3cret-pass" {
		t.Errorf("stored password %q", pw)
	}
	r = s.call(t, "POST", "/admin/api/settings/mail/template-preview", map[string]any{"template_type": "login_code"})
	if r.JSON["template_type"] != "login_code" || !strings.Contains(r.JSON["html"].(string), "user@example.com") {
		t.Errorf("preview: %s", r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/settings/mail/template-preview", map[string]any{"template_type": "x"}); r.Status != 400 {
		t.Errorf("bad template: %d", r.Status)
	}
}

// TestMailTest sends through a real mailpit with the submitted settings
// and checks that nothing was saved.
func TestMailTest(t *testing.T) {
	s := newSite(t)
	mp := testkit.StartMailpit(t, testkit.MailpitOptions{Username: "mailer", Password: "mp-pass-1"})
	s.call(t, "POST", "/admin/api/settings/mail", map[string]any{"mail_server": "saved.example", "mail_console_output": true})
	before := s.count(t, `SELECT COUNT(*) FROM system_config`)
	r := s.call(t, "POST", "/admin/api/settings/mail/test", map[string]any{"email": "to@example.test",
		"mail_server": mp.SMTPHost, "mail_port": strconv.Itoa(mp.SMTPPort), "mail_use_tls": false, "mail_use_ssl": false,
		"mail_username": "mailer", "mail_password": "mp-pass-1", "mail_default_sender": "noreply@quiz.test"})
	if r.Status != 200 {
		t.Fatalf("test mail: %d %s", r.Status, r.Raw)
	}
	msgs := mp.Messages(t)
	if len(msgs) != 1 || msgs[0].To[0].Address != "to@example.test" {
		t.Fatalf("mailpit got %+v", msgs)
	}
	code := r.JSON["message"].(string)
	code = code[len(code)-6:]
	if body := mp.Body(t, msgs[0].ID); !strings.Contains(body.HTML, code) {
		t.Errorf("code %s not in the mail", code)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM system_config`); n != before {
		t.Errorf("test mail saved settings: %d rows, was %d", n, before)
	}
	if got := s.env.Deps.SysConfig.String(t.Context(), "mail_server", ""); got != "saved.example" {
		t.Errorf("saved server changed to %q", got)
	}
	if got := s.env.Deps.SysConfig.String(t.Context(), "mail_console_output", ""); got != "true" {
		t.Errorf("console switch changed to %q", got)
	}
	r = s.call(t, "POST", "/admin/api/settings/mail/test", map[string]any{"email": "to@example.test",
		"mail_server": mp.SMTPHost, "mail_port": mp.SMTPPort, "mail_username": "mailer", "mail_password": "wrong-pass"})
	if r.Status != 400 || bytes.Contains(r.Raw, []byte("wrong-pass")) {
		t.Errorf("failed send: %d %s", r.Status, r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/settings/mail/test", map[string]any{}); r.Status != 400 {
		t.Errorf("no recipient: %d", r.Status)
	}
}
