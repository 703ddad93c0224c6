package explain

import (
	"context"
	"strings"

	"quizbank/shared/llm"
	"quizbank/shared/platform"
)

// providerRetries is how often a failed provider call is tried again.
const providerRetries = 1

// settingsReader resolves the provider settings of one request through
// the one typed accessor (system_config rows over DASHSCOPE_* / AI_*).
type settingsReader struct{ d *platform.Deps }

// provider returns the settings of the chat API; an empty APIKey means
// no provider is configured.
func (s settingsReader) provider(ctx context.Context) llm.Settings {
	a := s.d.SysConfig.AISettings(ctx, s.d.Config.AI)
	return llm.Settings{APIKey: strings.TrimSpace(a.APIKey), BaseURL: a.BaseURL, Model: a.Model,
		Timeout: a.Timeout, MaxRetries: providerRetries}
}

func (s settingsReader) limits(ctx context.Context) limits {
	a := s.d.SysConfig.AISettings(ctx, s.d.Config.AI)
	return limits{UserPerMinute: a.UserPerMinute, UserPerDay: a.UserPerDay, TotalPerDay: a.TotalPerDay}
}
