package sysconfig

import (
	"context"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/config"
)

// AI is the effective configuration of the explanation provider and its
// per-user and site-wide limits.
type AI struct {
	APIKey        string
	BaseURL       string
	Model         string
	Timeout       time.Duration
	UserPerMinute int
	UserPerDay    int
	TotalPerDay   int
}

// AISettings reads the AI settings: each non-empty, well-formed row wins
// over its environment value. A limit of 0 switches that limit off.
func (s *Store) AISettings(ctx context.Context, env config.AI) AI {
	a := AI{APIKey: env.APIKey, BaseURL: env.BaseURL, Model: env.Model, Timeout: env.Timeout,
		UserPerMinute: env.UserPerMinute, UserPerDay: env.UserPerDay, TotalPerDay: env.TotalPerDay}
	rows, err := s.load(ctx)
	if err != nil {
		return a
	}
	text := func(k string, dst *string) {
		if r, ok := rows[k]; ok && strings.TrimSpace(r.Value) != "" && Validate(k, r.Value) == nil {
			*dst = strings.TrimRight(strings.TrimSpace(r.Value), "/")
		}
	}
	num := func(k string, dst *int) {
		if r, ok := rows[k]; ok && Validate(k, r.Value) == nil {
			if n, err := strconv.Atoi(strings.TrimSpace(r.Value)); err == nil {
				*dst = n
			}
		}
	}
	text("dashscope_api_key", &a.APIKey)
	text("dashscope_base_url", &a.BaseURL)
	text("dashscope_model", &a.Model)
	if r, ok := rows["dashscope_timeout"]; ok {
		if d, ok := ParseSeconds(r.Value); ok {
			a.Timeout = d
		}
	}
	num("ai_user_per_minute", &a.UserPerMinute)
	num("ai_user_per_day", &a.UserPerDay)
	num("ai_total_per_day", &a.TotalPerDay)
	return a
}

// QuizLimit is the answer-count limit of record_result.
type QuizLimit struct {
	Enabled bool
	Count   int
}

// QuizLimitSettings reads quiz_limit_enabled ('1' enables) and
// quiz_limit_count (non-numeric → 100).
func (s *Store) QuizLimitSettings(ctx context.Context) QuizLimit {
	return QuizLimit{
		Enabled: strings.TrimSpace(s.String(ctx, "quiz_limit_enabled", "0")) == "1",
		Count:   s.Int(ctx, "quiz_limit_count", 100),
	}
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

func boolOr(s string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}
