package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"
)

// ErrIncomplete means the SMTP settings lack the server, the login or
// the sender, so nothing was attempted.
var ErrIncomplete = errors.New("SMTP settings incomplete: server, username and password are required")

func sendSMTP(ctx context.Context, s Settings, m Message) error {
	if strings.TrimSpace(s.Server) == "" || s.Username == "" || s.Password == "" {
		return ErrIncomplete
	}
	raw, from, err := buildMIME(s, m, time.Now())
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(s.Server, strconv.Itoa(s.Port))
	deadline := time.Now().Add(Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := &net.Dialer{Deadline: deadline}
	tlsConf := s.tlsConfig()
	var conn net.Conn
	if s.UseSSL {
		conn, err = tls.DialWithDialer(dialer, "tcp", addr, tlsConf)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect to SMTP server %s: %w", addr, err)
	}
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Server)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("SMTP greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("SMTP EHLO: %w", err)
	}
	if s.UseTLS && !s.UseSSL {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("SMTP server %s does not offer STARTTLS (set mail_use_tls=false or use SSL)", addr)
		}
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	}
	if ok, _ := c.Extension("AUTH"); !ok {
		return fmt.Errorf("SMTP server %s does not offer AUTH", addr)
	}
	if err := c.Auth(plainAuth{user: s.Username, pass: s.Password}); err != nil {
		return fmt.Errorf("SMTP login as %s: %w", s.Username, err)
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("SMTP RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("SMTP write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP end of message: %w", err)
	}
	return c.Quit()
}

// tlsConfig verifies the server's certificate against the system roots,
// or against the pool given to SetTLSRoots.
func (s Settings) tlsConfig() *tls.Config {
	conf := &tls.Config{ServerName: s.Server, MinVersion: tls.VersionTLS12}
	if tlsRoots != nil {
		conf.RootCAs = tlsRoots
	}
	return conf
}

// plainAuth is AUTH PLAIN. Unlike smtp.PlainAuth it does not refuse a
// plain-text connection to a non-local host: the operator chose
// mail_use_tls=false and mail_use_ssl=false deliberately, as the original
// allowed.
type plainAuth struct{ user, pass string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.user + "\x00" + a.pass), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected SMTP AUTH challenge")
	}
	return nil, nil
}

// buildMIME renders m as a multipart/alternative message (text and HTML,
// quoted-printable UTF-8) and returns it with the envelope sender.
func buildMIME(s Settings, m Message, now time.Time) ([]byte, string, error) {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return nil, "", errors.New("mail header contains a line break")
	}
	from := s.Sender
	if from == "" {
		from = s.Username
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	parts := []struct{ ctype, content string }{{"text/plain", m.Text}, {"text/html", m.HTML}}
	for _, p := range parts {
		if p.content == "" {
			continue
		}
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {p.ctype + "; charset=UTF-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, "", err
		}
		qw := quotedprintable.NewWriter(pw)
		if _, err := qw.Write([]byte(p.content)); err != nil {
			return nil, "", err
		}
		if err := qw.Close(); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "localhost"
	if at := strings.LastIndex(from, "@"); at >= 0 {
		domain = from[at+1:]
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "From: %s\r\n", s.From())
	fmt.Fprintf(&out, "To: %s\r\n", m.To)
	fmt.Fprintf(&out, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", m.Subject))
	fmt.Fprintf(&out, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&out, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	out.WriteString("MIME-Version: 1.0\r\n")
	fmt.Fprintf(&out, "Content-Type: multipart/alternative; boundary=%q\r\n\r\n", mw.Boundary())
	out.Write(body.Bytes())
	return out.Bytes(), from, nil
}
