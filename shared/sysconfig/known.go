package sysconfig

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Format names how a known key's value must look.
type Format int

// The value formats of the known keys.
const (
	FormatText     Format = iota // any string
	FormatBit                    // '0' or '1' (quiz and e-mail binding switches)
	FormatBool                   // 'true' or 'false' (mail switches)
	FormatPort                   // 1…65535
	FormatCount                  // integer ≥ 0
	FormatPositive               // integer ≥ 1
	FormatEmail                  // an address, or empty
	FormatHost                   // a host name without scheme or spaces, or empty
	FormatURL                    // an http(s) URL, or empty
	FormatProvider               // console, smtp or resend
	FormatSeconds                // seconds > 0, fractions allowed ("25", "2.5"), or a Go duration ("1500ms")
)

// Known describes one setting the system reads.
type Known struct {
	Key         string
	Format      Format
	Description string
}

// KnownKeys are the settings the system reads from system_config; other
// keys are still stored (the original accepts any key) but not checked.
var KnownKeys = []Known{
	{"quiz_limit_enabled", FormatBit, "是否启用答题次数限制"},
	{"quiz_limit_count", FormatCount, "答题次数上限"},
	{"email_bind_required", FormatBit, "是否要求绑定邮箱"},
	{"mail_provider", FormatProvider, "邮件发送方式 (console/smtp/resend)"},
	{"mail_server", FormatHost, "SMTP 服务器"},
	{"mail_port", FormatPort, "SMTP 端口"},
	{"mail_use_tls", FormatBool, "是否使用 STARTTLS"},
	{"mail_use_ssl", FormatBool, "是否使用 SSL"},
	{"mail_username", FormatText, "SMTP 用户名"},
	{"mail_password", FormatText, "SMTP 密码"},
	{"mail_default_sender", FormatEmail, "发件人地址"},
	{"mail_default_sender_name", FormatText, "发件人名称"},
	{"mail_enabled", FormatBool, "是否启用邮件发送"},
	{"mail_console_output", FormatBool, "是否仅在日志输出邮件"},
	{"resend_api_key", FormatText, "Resend API Key"},
	{"dashscope_api_key", FormatText, "AI 解析 API Key"},
	{"dashscope_base_url", FormatURL, "AI 解析服务地址"},
	{"dashscope_model", FormatText, "AI 解析模型"},
	{"dashscope_timeout", FormatSeconds, "AI 解析超时（秒）"},
	{"ai_user_per_minute", FormatCount, "每用户每分钟 AI 解析次数（0 表示不限）"},
	{"ai_user_per_day", FormatCount, "每用户每天 AI 解析次数（0 表示不限）"},
	{"ai_total_per_day", FormatCount, "全站每天 AI 解析次数（0 表示不限）"},
}

var knownByKey = func() map[string]Known {
	m := make(map[string]Known, len(KnownKeys))
	for _, k := range KnownKeys {
		m[k.Key] = k
	}
	return m
}()

// LookupKnown returns the description of a known key.
func LookupKnown(key string) (Known, bool) {
	k, ok := knownByKey[key]
	return k, ok
}

// ValidKey reports whether key can name a setting: 1–64 characters of
// letters, digits, '_', '-' and '.'.
func ValidKey(key string) bool {
	if key == "" || len(key) > 64 {
		return false
	}
	for _, r := range key {
		ok := r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') ||
			(r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// MaxValueLen bounds any stored value, known key or not.
const MaxValueLen = 4096

// Validate checks value against key's format. Unknown keys only get the
// length bound, so admins can still store ad-hoc flags.
func Validate(key, value string) error {
	if len(value) > MaxValueLen {
		return fmt.Errorf("配置值过长（最多 %d 字节）", MaxValueLen)
	}
	k, ok := knownByKey[key]
	if !ok {
		return nil
	}
	v := strings.TrimSpace(value)
	switch k.Format {
	case FormatBit:
		if v != "0" && v != "1" {
			return fmt.Errorf("%s 只能是 0 或 1", key)
		}
	case FormatBool:
		if v != "true" && v != "false" {
			return fmt.Errorf("%s 只能是 true 或 false", key)
		}
	case FormatPort:
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%s 必须是 1-65535 之间的整数", key)
		}
	case FormatCount:
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return fmt.Errorf("%s 必须是非负整数", key)
		}
	case FormatPositive:
		if n, err := strconv.Atoi(v); err != nil || n < 1 {
			return fmt.Errorf("%s 必须是正整数", key)
		}
	case FormatSeconds:
		if _, ok := ParseSeconds(v); !ok {
			return fmt.Errorf("%s 必须是正的秒数（如 25 或 2.5）或时长（如 1500ms）", key)
		}
	case FormatEmail:
		if v != "" {
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				return fmt.Errorf("%s 不是有效的邮箱地址", key)
			}
		}
	case FormatHost:
		if strings.ContainsAny(v, " /\t\r\n") || strings.Contains(v, "://") {
			return fmt.Errorf("%s 应为主机名（不含协议和路径）", key)
		}
	case FormatURL:
		if v != "" {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("%s 必须是 http(s) 地址", key)
			}
		}
	case FormatProvider:
		if v != "console" && v != "smtp" && v != "resend" {
			return fmt.Errorf("%s 只能是 console、smtp 或 resend", key)
		}
	}
	return nil
}

// ParseSeconds reads a positive number of seconds ("25", "2.5") or a Go
// duration ("1500ms").
func ParseSeconds(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(secs * float64(time.Second)), secs > 0 && secs < 1e6
	}
	d, err := time.ParseDuration(v)
	return d, err == nil && d > 0
}
