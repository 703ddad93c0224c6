package sysconfig_test

import (
	"strings"
	"testing"
	"time"

	"quizbank/shared/config"
	"quizbank/shared/sysconfig"
	"quizbank/shared/testkit"
)

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		key, value string
		ok         bool
	}{
		{"quiz_limit_enabled", "1", true}, {"quiz_limit_enabled", "true", false},
		{"mail_use_tls", "false", true}, {"mail_use_tls", "0", false},
		{"mail_port", "465", true}, {"mail_port", "0", false}, {"mail_port", "x", false},
		{"quiz_limit_count", "0", true}, {"quiz_limit_count", "-1", false},
		{"ai_user_per_day", "0", true}, {"ai_user_per_day", "-1", false}, {"ai_user_per_day", "x", false},
		{"dashscope_timeout", "30", true}, {"dashscope_timeout", "2.5", true}, {"dashscope_timeout", "1500ms", true},
		{"dashscope_timeout", "0", false}, {"dashscope_timeout", "-3", false}, {"dashscope_timeout", "soon", false},
		{"mail_default_sender", "", true}, {"mail_default_sender", "a@b.co", true}, {"mail_default_sender", "Bob <a@b.co>", false},
		{"mail_server", "smtp.qq.com", true}, {"mail_server", "smtp://x", false},
		{"dashscope_base_url", "https://x.test/v1", true}, {"dashscope_base_url", "x.test", false},
		{"mail_provider", "resend", true}, {"mail_provider", "sendgrid", false},
		{"anything_else", "free text", true}, {"anything_else", strings.Repeat("x", 5000), false},
	} {
		if err := sysconfig.Validate(c.key, c.value); (err == nil) != c.ok {
			t.Errorf("Validate(%s, %.20q) = %v", c.key, c.value, err)
		}
	}
	for key, ok := range map[string]bool{"mail_port": true, "a.b-c_1": true, "": false, "bad key": false, "x/y": false} {
		if sysconfig.ValidKey(key) != ok {
			t.Errorf("ValidKey(%q) wrong", key)
		}
	}
}

func TestAISettingsPreferDatabase(t *testing.T) {
	env := testkit.New(t)
	s := env.Deps.SysConfig
	base := config.AI{APIKey: "env-key", BaseURL: "https://env.test/v1", Model: "m", Timeout: 25 * time.Second,
		UserPerMinute: 10, UserPerDay: 200, TotalPerDay: 5000}
	if got := s.AISettings(t.Context(), base); got.APIKey != "env-key" || got.UserPerDay != 200 {
		t.Errorf("no rows: %+v", got)
	}
	for k, v := range map[string]string{"dashscope_api_key": "db-key", "dashscope_timeout": "40",
		"ai_user_per_day": "50", "dashscope_model": "", "ai_total_per_day": "oops"} {
		if err := s.Set(t.Context(), k, v, "", 0); err != nil {
			t.Fatal(err)
		}
	}
	got := s.AISettings(t.Context(), base)
	if got.APIKey != "db-key" || got.Timeout != 40*time.Second || got.UserPerDay != 50 ||
		got.Model != "m" || got.TotalPerDay != 5000 {
		t.Errorf("with rows: %+v", got)
	}
	if l := s.QuizLimitSettings(t.Context()); l.Enabled || l.Count != 100 {
		t.Errorf("quiz limit: %+v", l)
	}
}
