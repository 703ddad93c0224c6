// Package mail sends the system's e-mail (verification codes, test
// mails) through the provider the configuration chooses: console (the
// message goes to the log), SMTP, or Resend. Settings saved by an
// administrator in system_config override the environment on every send.
package mail

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"quizbank/shared/config"
	"quizbank/shared/sysconfig"
)

// Message is one e-mail.
type Message struct {
	To      string
	Subject string
	HTML    string
	Text    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrDisabled means mail_enabled (or MAIL_ENABLED) is off.
var ErrDisabled = errors.New("mail delivery is disabled (mail_enabled=false)")

// Console writes each message to the log as one structured line. It is
// the development default: nothing leaves the machine, and the operator
// reads codes from the log.
type Console struct{ Logger *slog.Logger }

// Send logs m.
func (c Console) Send(ctx context.Context, m Message) error {
	l := c.Logger
	if l == nil {
		l = slog.Default()
	}
	l.InfoContext(ctx, "mail (console provider)", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// Configured resolves the settings on each send, so a change saved by an
// administrator applies without a restart.
type Configured struct {
	env    config.Mail
	sys    *sysconfig.Store
	client *http.Client
	logger *slog.Logger
}

// New chooses the sender from the configuration: env is the environment
// fallback, sys the system_config overrides (nil: environment only),
// client the HTTP client for Resend.
func New(env config.Mail, sys *sysconfig.Store, client *http.Client, logger *slog.Logger) Sender {
	if logger == nil {
		logger = slog.Default()
	}
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	return &Configured{env: env, sys: sys, client: client, logger: logger}
}

// Send resolves the current settings and delivers m.
func (c *Configured) Send(ctx context.Context, m Message) error {
	s := Resolve(ctx, c.env, c.sys)
	return deliver(ctx, s, m, c.client, c.logger)
}

// SendWith delivers one message with explicit settings, without saving
// them anywhere (the admin "send a test mail" button). Enabled and Console
// are honoured as given.
func SendWith(ctx context.Context, s Settings, m Message) error {
	return deliver(ctx, s, m, &http.Client{Timeout: Timeout}, slog.Default())
}

func deliver(ctx context.Context, s Settings, m Message, client *http.Client, logger *slog.Logger) error {
	if !s.Enabled {
		return ErrDisabled
	}
	switch s.effectiveProvider() {
	case ProviderSMTP:
		err := sendSMTP(ctx, s, m)
		if err == nil {
			logger.InfoContext(ctx, "mail sent", "provider", "smtp", "to", m.To)
		}
		return err
	case ProviderResend:
		err := sendResend(ctx, s, m, client)
		if err == nil {
			logger.InfoContext(ctx, "mail sent", "provider", "resend", "to", m.To)
		}
		return err
	default:
		return Console{Logger: logger}.Send(ctx, m)
	}
}
