package adminconfig_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"quizbank/functions/adminconfig"
	"quizbank/shared/testkit"
)

// TestSecretsStayOutOfLogs saves and tests mail settings and API keys
// with the log captured, then looks for the secrets in it.
func TestSecretsStayOutOfLogs(t *testing.T) {
	env := testkit.New(t)
	var logs testkit.SyncBuffer
	env.Deps.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	admin := env.CreateUser("admin", "AdminPass123", true)
	srv := env.Serve(adminconfig.Register)
	c := env.Cookie(admin)
	call := func(method, path string, body any) testkit.Response {
		return testkit.Call(t, srv.URL, method, path, body, c)
	}
	call("POST", "/admin/api/settings/mail", map[string]any{"mail_server": "127.0.0.1", "mail_port": 1,
		"mail_username": "u", "mail_password": "pw-Zebra-4411"})
	call("PUT", "/admin/api/system_config/resend_api_key", map[string]any{"config_value": "re_Secret_9876"})
	r := call("POST", "/admin/api/settings/mail/test", map[string]any{"email": "x@example.test", "mail_password": "pw-Other-2299"})
	if r.Status != http.StatusBadRequest {
		t.Errorf("test mail to a closed port: %d %s", r.Status, r.Raw)
	}
	for _, secret := range []string{"pw-Zebra-4411", "re_Secret_9876", "pw-Other-2299"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("log contains %q", secret)
		}
		for _, p := range []string{"/admin/api/system_config", "/admin/api/settings/mail", "/admin/api/system_config/resend_api_key"} {
			if r := call("GET", p, nil); bytes.Contains(r.Raw, []byte(secret)) {
				t.Errorf("%s shows %q", p, secret)
			}
		}
	}
	if !strings.Contains(logs.String(), "test mail failed") {
		t.Errorf("the failed send was not logged at all: %s", logs.String())
	}
}

// TestMailTestRateLimit: the test-mail button allows 5 calls a minute.
func TestMailTestRateLimit(t *testing.T) {
	s := newSite(t)
	for i := 1; i <= 6; i++ {
		r := s.call(t, "POST", "/admin/api/settings/mail/test", map[string]any{})
		want := http.StatusBadRequest
		if i == 6 {
			want = http.StatusTooManyRequests
		}
		if r.Status != want {
			t.Fatalf("call %d: %d %s", i, r.Status, r.Raw)
		}
	}
}
