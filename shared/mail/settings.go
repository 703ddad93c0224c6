package mail

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/config"
	"quizbank/shared/sysconfig"
)

// The providers.
const (
	ProviderConsole = "console"
	ProviderSMTP    = "smtp"
	ProviderResend  = "resend"
)

// Timeout bounds one delivery (connect, TLS, dialogue).
const Timeout = 30 * time.Second

// DefaultSenderName is the display name when none is configured.
const DefaultSenderName = "系统通知"

// Settings are the resolved delivery settings of one send.
type Settings struct {
	Provider string // console, smtp or resend
	Enabled  bool   // mail_enabled: false refuses every send
	Console  bool   // mail_console_output: log instead of sending

	Server     string
	Port       int
	UseTLS     bool // STARTTLS (ignored when UseSSL)
	UseSSL     bool // implicit TLS
	Username   string
	Password   string
	Sender     string // From address; the username when empty
	SenderName string

	ResendAPIKey  string
	ResendBaseURL string // "" is Resend's own API
}

// From is the From header value: "name" <address>, the name encoded per
// RFC 2047 when it is not ASCII.
func (s Settings) From() string {
	addr := s.Sender
	if addr == "" {
		addr = s.Username
	}
	name := s.SenderName
	if name == "" {
		name = DefaultSenderName
	}
	return (&mail.Address{Name: name, Address: addr}).String()
}

func (s Settings) effectiveProvider() string {
	if s.Console {
		return ProviderConsole
	}
	return s.Provider
}

// smtpKeys are the system_config rows that make up the SMTP settings.
var smtpKeys = []string{"mail_server", "mail_port", "mail_use_tls", "mail_use_ssl", "mail_username",
	"mail_password", "mail_default_sender", "mail_default_sender_name"}

// Resolve applies api.md §4.2: when system_config has a non-empty
// mail_server, every SMTP field comes from the database (missing ones at
// their defaults) and an environment "console" provider becomes "smtp";
// otherwise the environment supplies them. mail_enabled and
// mail_console_output rows win, and fall back to the environment when
// missing. Only mail_port and the four switches are converted; every
// other value stays a string (a digits-only password is still a string).
func Resolve(ctx context.Context, env config.Mail, sys *sysconfig.Store) Settings {
	s := Settings{
		Provider: env.Provider, Enabled: env.Enabled, Console: env.ConsoleOutput,
		Server: env.Server, Port: env.Port, UseTLS: env.UseTLS, UseSSL: env.UseSSL,
		Username: env.Username, Password: env.Password, Sender: env.DefaultSender,
		SenderName: env.DefaultSenderName, ResendAPIKey: env.ResendAPIKey, ResendBaseURL: env.ResendBaseURL,
	}
	if s.Provider == "" {
		s.Provider = ProviderConsole
	}
	if sys == nil {
		return s
	}
	rows := map[string]string{}
	all, err := sys.All(ctx)
	if err != nil {
		return s
	}
	for _, r := range all {
		if strings.HasPrefix(r.Key, "mail_") || r.Key == "resend_api_key" {
			rows[r.Key] = r.Value
		}
	}
	if v, ok := rows["mail_enabled"]; ok {
		s.Enabled = parseBool(v, true)
	}
	if v, ok := rows["mail_console_output"]; ok {
		s.Console = parseBool(v, false)
	}
	if v := strings.TrimSpace(rows["resend_api_key"]); v != "" {
		s.ResendAPIKey = v
	}
	if strings.TrimSpace(rows["mail_server"]) == "" {
		return s
	}
	s.Server = strings.TrimSpace(rows["mail_server"])
	s.Port = parsePort(rows["mail_port"])
	s.UseTLS = parseBool(rows["mail_use_tls"], true)
	s.UseSSL = parseBool(rows["mail_use_ssl"], false)
	s.Username = rows["mail_username"]
	s.Password = rows["mail_password"]
	s.Sender = rows["mail_default_sender"]
	s.SenderName = rows["mail_default_sender_name"]
	if s.SenderName == "" {
		s.SenderName = DefaultSenderName
	}
	if s.Provider == ProviderConsole {
		s.Provider = ProviderSMTP
	}
	return s
}

// SMTPKeys lists the system_config keys of the SMTP settings.
func SMTPKeys() []string { return append([]string(nil), smtpKeys...) }

func parseBool(v string, fallback bool) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`)) {
	case "true", "1", "yes", "on":
		return true
	case "false", "0", "no", "off":
		return false
	}
	return fallback
}

func parsePort(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n <= 0 || n > 65535 {
		return 587
	}
	return n
}
