// Package config reads the process configuration from environment
// variables (and a .env file in the working directory), with defaults that
// run on a laptop, and refuses unsafe production settings.
package config

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // TIMEZONE is checked here and used everywhere, also where the OS has no zoneinfo (Lambda)

	"github.com/joho/godotenv"

	"quizbank/shared/httpx"
)

// DefaultSecretKey is the development secret. Production refuses it.
const DefaultSecretKey = "dev-secret-key-change-me"

// Config is every setting the route groups and the local server read.
// Names follow the original's environment variables.
type Config struct {
	Environment string // "production" or "development" (ENVIRONMENT, FLASK_ENV)
	SecretKey   string // SECRET_KEY: signs sessions and JWTs, derives the config encryption key

	DatabaseURL       string // DATABASE_URL: file:… (default) or libsql:// / https://
	DatabaseAuthToken string // DATABASE_AUTH_TOKEN for remote databases

	Addr        string // HOST and PORT: where `local serve` listens (default 127.0.0.1:8000)
	InstanceDir string // INSTANCE_DIR: where the default database file lives
	UploadDir   string // UPLOAD_DIR: question images and generated QR codes
	LogDir      string // LOG_DIR: logs/app.log in production

	SessionCookieSecure bool           // SESSION_COOKIE_SECURE
	TrustedProxies      []netip.Prefix // TRUSTED_PROXIES: addresses whose X-Forwarded-For is believed
	RateLimitStorageURL string         // RATELIMIT_STORAGE_URL: memory:// or redis://…
	RateLimitEnabled    bool           // RATELIMIT_ENABLED (default true)
	TimeZone            string         // TIMEZONE for displayed exam times (default Asia/Shanghai)
	EnableGzip          bool           // ENABLE_GZIP (default true)
	GzipMinimumSize     int            // GZIP_MINIMUM_SIZE (default 500)
	EmailBindEnforce    bool           // EMAIL_BIND_ENFORCE: honour system_config.email_bind_required
	ShutdownTimeout     time.Duration  // SHUTDOWN_TIMEOUT (default 10s)
	// UserCacheTTL (USER_CACHE_TTL, default 1s; 0 turns it off) bounds how
	// long a user's row, favourites, mistakes and blacklist may be answered
	// from memory after another process changed them. Changes made through
	// the same process are seen at once. Lambda entry points default to 0.
	UserCacheTTL time.Duration

	Mail   Mail
	WeChat WeChat
	AI     AI
	Debug  bool // DEBUG: WeChat env_version "develop" instead of "release"
}

// Mail holds the environment fallback of the mail settings; rows in
// system_config override them (api.md §4.2).
type Mail struct {
	Provider          string // MAIL_PROVIDER: console (default), smtp, resend
	Server            string // MAIL_SERVER
	Port              int    // MAIL_PORT
	UseTLS            bool   // MAIL_USE_TLS (STARTTLS)
	UseSSL            bool   // MAIL_USE_SSL (implicit TLS)
	Username          string // MAIL_USERNAME
	Password          string // MAIL_PASSWORD
	DefaultSender     string // MAIL_DEFAULT_SENDER
	DefaultSenderName string // MAIL_DEFAULT_SENDER_NAME
	Enabled           bool   // MAIL_ENABLED
	ConsoleOutput     bool   // MAIL_CONSOLE_OUTPUT
	ResendAPIKey      string // RESEND_API_KEY
	ResendBaseURL     string // RESEND_BASE_URL (tests point it at a local server)
}

// WeChat holds the mini-program credentials and the API base URL.
type WeChat struct {
	AppID   string // WECHAT_APPID or WX_APPID
	Secret  string // WECHAT_SECRET or WX_SECRET
	BaseURL string // WECHAT_API_BASE (default https://api.weixin.qq.com)
}

// AI holds the environment fallback of the explanation provider settings.
type AI struct {
	APIKey        string        // DASHSCOPE_API_KEY
	BaseURL       string        // DASHSCOPE_BASE_URL
	Model         string        // DASHSCOPE_MODEL
	Timeout       time.Duration // DASHSCOPE_TIMEOUT (seconds)
	UserPerMinute int           // AI_USER_PER_MINUTE (default 10)
	UserPerDay    int           // AI_USER_PER_DAY (default 200)
	TotalPerDay   int           // AI_TOTAL_PER_DAY (default 5000)
}

// Location is TIMEZONE as a zone. Load refuses unknown names; a Config
// built by hand with an empty or unknown one gets UTC+8, the original's.
func (c Config) Location() *time.Location {
	if loc, err := time.LoadLocation(c.TimeZone); err == nil && c.TimeZone != "" {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// Production reports whether the process runs with production settings.
func (c Config) Production() bool { return c.Environment == "production" }

// Load reads the configuration. Values already in the environment win
// over the .env file, which is read from the working directory when
// present. getenv is os.Getenv in main and a map lookup in tests.
func Load(getenv func(string) string) (Config, error) {
	return load(lookupWithDotenv(getenv))
}

// FromEnv reads the configuration from getenv only, without a .env file.
func FromEnv(getenv func(string) string) (Config, error) { return load(getenv) }

func lookupWithDotenv(getenv func(string) string) func(string) string {
	file, err := godotenv.Read(".env")
	if err != nil {
		return getenv
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}
}

func load(getenv func(string) string) (Config, error) {
	e := env{get: getenv}
	c := Config{
		Environment:         strings.ToLower(e.first("development", "ENVIRONMENT", "FLASK_ENV")),
		SecretKey:           e.str("SECRET_KEY", ""),
		Addr:                net.JoinHostPort(e.str("HOST", "127.0.0.1"), e.str("PORT", "8000")),
		InstanceDir:         e.str("INSTANCE_DIR", "instance"),
		UploadDir:           e.str("UPLOAD_DIR", "uploads"),
		LogDir:              e.str("LOG_DIR", "logs"),
		DatabaseAuthToken:   e.str("DATABASE_AUTH_TOKEN", ""),
		SessionCookieSecure: e.bool("SESSION_COOKIE_SECURE", false),
		RateLimitStorageURL: e.str("RATELIMIT_STORAGE_URL", "memory://"),
		RateLimitEnabled:    e.bool("RATELIMIT_ENABLED", true),
		TimeZone:            e.str("TIMEZONE", "Asia/Shanghai"),
		EnableGzip:          e.bool("ENABLE_GZIP", true),
		GzipMinimumSize:     e.int("GZIP_MINIMUM_SIZE", 500),
		EmailBindEnforce:    e.bool("EMAIL_BIND_ENFORCE", false),
		ShutdownTimeout:     e.duration("SHUTDOWN_TIMEOUT", 10*time.Second),
		UserCacheTTL:        e.duration("USER_CACHE_TTL", time.Second),
		Debug:               e.bool("DEBUG", false),
		Mail: Mail{
			Provider:          strings.ToLower(e.str("MAIL_PROVIDER", "console")),
			Server:            e.str("MAIL_SERVER", "smtp.example.com"),
			Port:              e.int("MAIL_PORT", 587),
			UseTLS:            e.bool("MAIL_USE_TLS", true),
			UseSSL:            e.bool("MAIL_USE_SSL", false),
			Username:          e.str("MAIL_USERNAME", ""),
			Password:          e.str("MAIL_PASSWORD", ""),
			DefaultSender:     e.str("MAIL_DEFAULT_SENDER", "noreply@example.com"),
			DefaultSenderName: e.str("MAIL_DEFAULT_SENDER_NAME", "系统通知"),
			Enabled:           e.bool("MAIL_ENABLED", true),
			ConsoleOutput:     e.bool("MAIL_CONSOLE_OUTPUT", false),
			ResendAPIKey:      e.str("RESEND_API_KEY", ""),
			ResendBaseURL:     e.str("RESEND_BASE_URL", ""),
		},
		WeChat: WeChat{
			AppID:   e.first("", "WECHAT_APPID", "WX_APPID"),
			Secret:  e.first("", "WECHAT_SECRET", "WX_SECRET"),
			BaseURL: strings.TrimRight(e.str("WECHAT_API_BASE", "https://api.weixin.qq.com"), "/"),
		},
		AI: AI{
			APIKey:        e.str("DASHSCOPE_API_KEY", ""),
			BaseURL:       strings.TrimRight(e.str("DASHSCOPE_BASE_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1"), "/"),
			Model:         e.str("DASHSCOPE_MODEL", "qwen-plus"),
			Timeout:       time.Duration(e.int("DASHSCOPE_TIMEOUT", 25)) * time.Second,
			UserPerMinute: e.int("AI_USER_PER_MINUTE", 10),
			UserPerDay:    e.int("AI_USER_PER_DAY", 200),
			TotalPerDay:   e.int("AI_TOTAL_PER_DAY", 5000),
		},
	}
	c.DatabaseURL = e.str("DATABASE_URL", "file:"+strings.TrimRight(c.InstanceDir, "/")+"/submissions.db")
	if c.Environment == "prod" {
		c.Environment = "production"
	}
	if e.err != nil {
		return Config{}, e.err
	}
	trusted, err := httpx.ParsePrefixes(getenv("TRUSTED_PROXIES"))
	if err != nil {
		return Config{}, fmt.Errorf("TRUSTED_PROXIES=%q is not a comma-separated list of addresses or CIDRs: %w",
			getenv("TRUSTED_PROXIES"), err)
	}
	c.TrustedProxies = trusted
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return Config{}, fmt.Errorf("TIMEZONE=%q is not a time zone name (for example Asia/Shanghai or UTC)", c.TimeZone)
	}
	if c.UserCacheTTL < 0 || c.UserCacheTTL > time.Minute {
		return Config{}, fmt.Errorf("USER_CACHE_TTL=%q is outside 0s…1m", getenv("USER_CACHE_TTL"))
	}
	if c.SecretKey == "" || c.SecretKey == DefaultSecretKey {
		if c.Production() {
			return Config{}, errors.New("SECRET_KEY is missing or left at its default; " +
				"production needs a long random value (for example: openssl rand -hex 32)")
		}
		c.SecretKey = DefaultSecretKey
	}
	if c.Production() && len(c.SecretKey) < 16 {
		return Config{}, errors.New("SECRET_KEY is shorter than 16 characters; production needs a long random value")
	}
	switch c.Mail.Provider {
	case "console", "smtp", "resend":
	default:
		return Config{}, fmt.Errorf("MAIL_PROVIDER %q is not one of console, smtp, resend", c.Mail.Provider)
	}
	return c, nil
}

// Secrets lists the configured secret values, so that logging can be
// checked never to contain them.
func (c Config) Secrets() []string {
	var out []string
	for _, s := range []string{c.SecretKey, c.DatabaseAuthToken, c.Mail.Password,
		c.Mail.ResendAPIKey, c.WeChat.Secret, c.AI.APIKey} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

type env struct {
	get func(string) string
	err error
}

func (e *env) str(key, def string) string {
	if v := strings.TrimSpace(e.get(key)); v != "" {
		return v
	}
	return def
}

func (e *env) first(def string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(e.get(k)); v != "" {
			return v
		}
	}
	return def
}

func (e *env) bool(key string, def bool) bool {
	v := strings.ToLower(strings.TrimSpace(e.get(key)))
	switch v {
	case "":
		return def
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	e.fail(fmt.Errorf("%s=%q is not a boolean (use true or false)", key, v))
	return def
}

func (e *env) int(key string, def int) int {
	v := strings.TrimSpace(e.get(key))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.fail(fmt.Errorf("%s=%q is not an integer", key, v))
		return def
	}
	return n
}

func (e *env) duration(key string, def time.Duration) time.Duration {
	v := strings.TrimSpace(e.get(key))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		// A bare number is seconds, as the original's settings were;
		// one too large for a Duration is refused, not wrapped around.
		if n, nerr := strconv.ParseInt(v, 10, 64); nerr == nil && n <= math.MaxInt64/int64(time.Second) &&
			n >= math.MinInt64/int64(time.Second) {
			return time.Duration(n) * time.Second
		}
		e.fail(fmt.Errorf("%s=%q is not a duration (e.g. 10s)", key, v))
		return def
	}
	return d
}

func (e *env) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// Getenv is os.Getenv, for callers that want the real environment.
var Getenv = os.Getenv
