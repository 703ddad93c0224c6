package explain

import (
	"context"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/llm"
	"quizbank/shared/platform"
)

// The system_config keys this group reads. A non-empty row wins over the
// environment variable of the same name in upper case; the admin back
// office edits them without a redeploy.
const (
	keyAPIKey        = "dashscope_api_key" // secret: encrypted at rest by sysconfig
	keyBaseURL       = "dashscope_base_url"
	keyModel         = "dashscope_model"
	keyTimeout       = "dashscope_timeout" // seconds ("25", "2.5") or a duration ("1500ms")
	keyUserPerMinute = "ai_user_per_minute"
	keyUserPerDay    = "ai_user_per_day"
	keyTotalPerDay   = "ai_total_per_day"
)

// providerRetries is how often a failed provider call is tried again.
const providerRetries = 1

// settingsReader resolves the provider settings of one request.
type settingsReader struct{ d *platform.Deps }

func (s settingsReader) text(ctx context.Context, key, fallback string) string {
	if v := strings.TrimSpace(s.d.SysConfig.String(ctx, key, "")); v != "" {
		return v
	}
	return fallback
}

func (s settingsReader) number(ctx context.Context, key string, fallback int) int {
	if n, err := strconv.Atoi(s.text(ctx, key, "")); err == nil {
		return n
	}
	return fallback
}

// provider returns the settings of the chat API; an empty APIKey means
// no provider is configured.
func (s settingsReader) provider(ctx context.Context) llm.Settings {
	env := s.d.Config.AI
	return llm.Settings{
		APIKey:     s.text(ctx, keyAPIKey, strings.TrimSpace(env.APIKey)),
		BaseURL:    strings.TrimRight(s.text(ctx, keyBaseURL, env.BaseURL), "/"),
		Model:      s.text(ctx, keyModel, env.Model),
		Timeout:    parseTimeout(s.text(ctx, keyTimeout, ""), env.Timeout),
		MaxRetries: providerRetries,
	}
}

func (s settingsReader) limits(ctx context.Context) limits {
	env := s.d.Config.AI
	return limits{
		UserPerMinute: s.number(ctx, keyUserPerMinute, env.UserPerMinute),
		UserPerDay:    s.number(ctx, keyUserPerDay, env.UserPerDay),
		TotalPerDay:   s.number(ctx, keyTotalPerDay, env.TotalPerDay),
	}
}

// parseTimeout reads seconds or a Go duration; anything else, zero or
// negative keeps fallback.
func parseTimeout(v string, fallback time.Duration) time.Duration {
	if v == "" {
		return fallback
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs > 0 {
			return time.Duration(secs * float64(time.Second))
		}
		return fallback
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	return fallback
}
