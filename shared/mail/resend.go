package mail

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/resend/resend-go/v2"
)

func sendResend(ctx context.Context, s Settings, m Message, client *http.Client) error {
	if s.ResendAPIKey == "" {
		return fmt.Errorf("resend: RESEND_API_KEY is not set")
	}
	c := resend.NewCustomClient(client, s.ResendAPIKey)
	if s.ResendBaseURL != "" {
		base := s.ResendBaseURL
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		u, err := url.Parse(base)
		if err != nil {
			return fmt.Errorf("resend: RESEND_BASE_URL: %w", err)
		}
		c.BaseURL = u
	}
	_, err := c.Emails.SendWithContext(ctx, &resend.SendEmailRequest{
		From: s.From(), To: []string{m.To}, Subject: m.Subject, Html: m.HTML, Text: m.Text,
	})
	if err != nil {
		return fmt.Errorf("resend: send to %s: %w", m.To, err)
	}
	return nil
}
