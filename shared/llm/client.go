// Package llm talks to an OpenAI-compatible chat-completions API (DashScope
// by default, any compatible endpoint by its base URL) and writes the
// prompts that explain a question. Its errors say what kind of failure
// happened without ever carrying the API key or the provider's wording.
package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// The sampling settings of every explanation (api.md §3).
const (
	Temperature = 0.2
	TopP        = 0.8
	MaxTokens   = 900
)

// Settings select the provider of one call.
type Settings struct {
	APIKey  string
	BaseURL string // e.g. https://dashscope.aliyuncs.com/compatible-mode/v1
	Model   string
	// Timeout bounds the whole call, retry included.
	Timeout time.Duration
	// MaxRetries is how many times a 429, 5xx or dropped connection is
	// tried again. The SDK would otherwise retry twice, tripling the cost
	// of an outage.
	MaxRetries int
}

// Reply is the model's answer.
type Reply struct {
	Text        string
	Model       string // the model the provider says answered
	TotalTokens int64
}

// Client calls the chat-completions endpoint.
type Client struct {
	http *http.Client
}

// NewClient returns a Client sending through transport (nil: the default
// transport). The deadline comes from Settings, not from an HTTP client
// timeout, so an administrator's longer timeout is honoured.
func NewClient(transport http.RoundTripper) *Client {
	return &Client{http: &http.Client{Transport: transport}}
}

// Complete sends p and returns the trimmed text of the first choice. Any
// failure is an *Error.
func (c *Client) Complete(ctx context.Context, s Settings, p Prompt) (Reply, error) {
	ctx, cancel := withTimeout(ctx, s)
	defer cancel()
	client := c.sdk(s)
	resp, err := client.Chat.Completions.New(ctx, params(s, p))
	if err != nil {
		return Reply{}, classify(ctx, err)
	}
	if len(resp.Choices) == 0 {
		return Reply{}, &Error{Kind: Empty}
	}
	text := strings.TrimSpace(resp.Choices[0].Message.Content)
	if text == "" {
		return Reply{}, &Error{Kind: Empty}
	}
	model := resp.Model
	if model == "" {
		model = s.Model
	}
	return Reply{Text: text, Model: model, TotalTokens: resp.Usage.TotalTokens}, nil
}

func withTimeout(ctx context.Context, s Settings) (context.Context, context.CancelFunc) {
	if s.Timeout <= 0 {
		s.Timeout = 25 * time.Second
	}
	return context.WithTimeout(ctx, s.Timeout)
}

// sdk builds the SDK client of one call. Every option is explicit:
// openai.NewClient would otherwise pick up OPENAI_API_KEY and
// OPENAI_BASE_URL from the process environment.
func (c *Client) sdk(s Settings) openai.Client {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 25 * time.Second
	}
	return openai.NewClient(
		option.WithBaseURL(strings.TrimRight(s.BaseURL, "/")+"/"),
		option.WithAPIKey(s.APIKey),
		option.WithHTTPClient(c.http),
		option.WithRequestTimeout(timeout),
		option.WithMaxRetries(max(s.MaxRetries, 0)),
	)
}

func params(s Settings, p Prompt) openai.ChatCompletionNewParams {
	return openai.ChatCompletionNewParams{
		Model: s.Model,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(p.System),
			openai.UserMessage(p.User),
		},
		Temperature: openai.Float(Temperature),
		TopP:        openai.Float(TopP),
		MaxTokens:   openai.Int(MaxTokens),
	}
}

// Kind is a class of provider failure.
type Kind string

// The failures Complete reports.
const (
	Unauthorized Kind = "unauthorized" // 401/403: key wrong, revoked or without access
	RateLimited  Kind = "rate_limited" // 429: quota or billing
	Rejected     Kind = "rejected"     // other 4xx: model name, region or request refused
	Upstream     Kind = "upstream"     // 5xx
	Timeout      Kind = "timeout"      // the deadline passed
	Network      Kind = "network"      // no connection, DNS, TLS
	Malformed    Kind = "malformed"    // a 2xx whose body is not a chat completion
	Empty        Kind = "empty"        // a completion without text
	Canceled     Kind = "canceled"     // the caller went away first
)

// Error is a provider failure. Its text names the kind and HTTP status
// only: provider messages can quote the key back, so they are dropped.
type Error struct {
	Kind   Kind
	Status int // HTTP status from the provider, 0 when none came
	cause  error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("llm provider: %s (HTTP %d)", e.Kind, e.Status)
	}
	return "llm provider: " + string(e.Kind)
}

// Unwrap gives errors.Is access to context errors; callers must not log
// the cause's text.
func (e *Error) Unwrap() error { return e.cause }

func classify(ctx context.Context, err error) *Error {
	var apiErr *openai.Error
	switch {
	case errors.As(err, &apiErr):
		e := &Error{Status: apiErr.StatusCode, cause: err}
		switch {
		case apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden:
			e.Kind = Unauthorized
		case apiErr.StatusCode == http.StatusTooManyRequests:
			e.Kind = RateLimited
		case apiErr.StatusCode >= 500:
			e.Kind = Upstream
		default:
			e.Kind = Rejected
		}
		return e
	case errors.Is(err, context.Canceled):
		return &Error{Kind: Canceled, cause: err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Kind: Timeout, cause: err}
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return &Error{Kind: Timeout, cause: err}
	}
	var urlErr *url.Error
	var opErr *net.OpError
	if errors.As(err, &urlErr) || errors.As(err, &opErr) {
		return &Error{Kind: Network, cause: err}
	}
	return &Error{Kind: Malformed, cause: err}
}
