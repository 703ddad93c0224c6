package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func from(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := FromEnv(from(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "file:instance/submissions.db" || c.RateLimitStorageURL != "memory://" ||
		c.Mail.Provider != "console" || c.AI.Model != "qwen-plus" || c.AI.Timeout != 25*time.Second ||
		c.SecretKey != DefaultSecretKey || c.Production() || c.UserCacheTTL != time.Second ||
		c.Addr != "127.0.0.1:8000" || c.TimeZone != "Asia/Shanghai" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestProductionRefusesDefaultSecret(t *testing.T) {
	for _, env := range []map[string]string{
		{"ENVIRONMENT": "production"},
		{"FLASK_ENV": "production", "SECRET_KEY": DefaultSecretKey},
		{"ENVIRONMENT": "production", "SECRET_KEY": "short"},
	} {
		_, err := FromEnv(from(env))
		if err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
			t.Errorf("%v: err = %v, want a SECRET_KEY error", env, err)
		}
	}
	c, err := FromEnv(from(map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": strings.Repeat("x", 32)}))
	if err != nil || !c.Production() {
		t.Fatalf("good production config refused: %v", err)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	for key, val := range map[string]string{"MAIL_PORT": "abc", "SESSION_COOKIE_SECURE": "maybe",
		"MAIL_PROVIDER": "pigeon", "SHUTDOWN_TIMEOUT": "soon", "USER_CACHE_TTL": "-1s",
		"TRUSTED_PROXIES": "127.0.0.1, notanip", "TIMEZONE": "Mars/Base"} {
		_, err := FromEnv(from(map[string]string{key: val}))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: err = %v, want it named", key, val, err)
		}
	}
}

func TestListenAddress(t *testing.T) {
	for env, want := range map[[2]string]string{
		{"0.0.0.0", "9000"}: "0.0.0.0:9000",
		{"::1", ""}:         "[::1]:8000",
		{"", "8080"}:        "127.0.0.1:8080",
	} {
		c, err := FromEnv(from(map[string]string{"HOST": env[0], "PORT": env[1]}))
		if err != nil || c.Addr != want {
			t.Errorf("HOST=%q PORT=%q: %q %v, want %q", env[0], env[1], c.Addr, err, want)
		}
	}
}

func TestUserCacheTTL(t *testing.T) {
	for v, want := range map[string]time.Duration{"0": 0, "250ms": 250 * time.Millisecond, "2": 2 * time.Second} {
		c, err := FromEnv(from(map[string]string{"USER_CACHE_TTL": v}))
		if err != nil || c.UserCacheTTL != want {
			t.Errorf("USER_CACHE_TTL=%s: %v, %v; want %v", v, c.UserCacheTTL, err, want)
		}
	}
	// Too large for a Duration: refused with the operator's own value,
	// never wrapped around into something that fits.
	for _, v := range []string{"2m", "36028797018963968", "36028797018964027", "9223372036854775807", "99999999999999999999"} {
		_, err := FromEnv(from(map[string]string{"USER_CACHE_TTL": v}))
		if err == nil || !strings.Contains(err.Error(), "USER_CACHE_TTL") {
			t.Errorf("USER_CACHE_TTL=%s: err %v, want a refusal", v, err)
		}
		if err != nil && !strings.Contains(err.Error(), v) {
			t.Errorf("USER_CACHE_TTL=%s: %v does not quote the value given", v, err)
		}
	}
}

func TestDotenvFileUnderEnvironment(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("MAIL_PORT=2525\nDASHSCOPE_MODEL=qwen-max\nPORT=18630\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(from(map[string]string{"DASHSCOPE_MODEL": "from-env"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail.Port != 2525 || c.AI.Model != "from-env" || c.Addr != "127.0.0.1:18630" {
		t.Fatalf("mail port %d model %q addr %q: want 2525 and PORT from .env, the environment's model",
			c.Mail.Port, c.AI.Model, c.Addr)
	}
}

func TestLocation(t *testing.T) {
	c, err := FromEnv(from(map[string]string{"TIMEZONE": "America/New_York"}))
	if err != nil || c.Location().String() != "America/New_York" {
		t.Fatalf("TIMEZONE=America/New_York: %v %v", c.Location(), err)
	}
	for _, name := range []string{"", "Mars/Base"} { // hand-built configs only: Load refuses the second
		at := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC).In(Config{TimeZone: name}.Location())
		if _, off := at.Zone(); off != 8*3600 {
			t.Errorf("TimeZone %q: offset %d, want UTC+8", name, off)
		}
	}
}
