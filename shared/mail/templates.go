package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// codeTemplate is one verification-code e-mail.
type codeTemplate struct {
	subject string
	purpose string // the sentence that says what the code is for
}

// The three code e-mails of api.md §1.1. Keys are the code kinds; the
// admin preview's names (bind_code, login_code) are accepted too.
var codeTemplates = map[string]codeTemplate{
	"bind":           {"【题库系统】邮箱绑定验证码", "您正在为账号绑定此邮箱。"},
	"login":          {"【题库系统】登录验证码", "您正在使用此邮箱登录（首次登录将自动创建账号）。"},
	"reset_password": {"【题库系统】重置密码验证码", "您正在重置与此邮箱关联账号的密码。"},
}

// CodeKinds are the names RenderCode accepts.
func CodeKinds() []string { return []string{"bind", "login", "reset_password"} }

// CanonicalKind maps the admin preview's template names to code kinds
// ("bind_code" → "bind", "login_code" → "login") and reports whether the
// name is known.
func CanonicalKind(name string) (string, bool) {
	k := strings.TrimSuffix(strings.TrimSpace(name), "_code")
	_, ok := codeTemplates[k]
	return k, ok
}

var codeHTML = template.Must(template.New("code").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="margin:0;padding:24px;background:#f4f6fa;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;color:#1f2937">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:10px;padding:28px">
<h2 style="margin:0 0 16px;font-size:18px">{{.Subject}}</h2>
<p style="margin:0 0 8px">您好，{{.Email}}：</p>
<p style="margin:0 0 16px">{{.Purpose}}本次验证码为：</p>
<p style="margin:0 0 16px;font-size:30px;font-weight:700;letter-spacing:8px;color:#2563eb">{{.Code}}</p>
<p style="margin:0 0 4px;color:#6b7280;font-size:13px">验证码 {{.Minutes}} 分钟内有效，仅可使用一次。</p>
<p style="margin:0;color:#6b7280;font-size:13px">如非本人操作，请忽略本邮件，您的账号不会受到影响。</p>
</div></body></html>
`))

// RenderCode builds the e-mail carrying code for kind (bind, login,
// reset_password, or the preview names bind_code / login_code) addressed
// to email. The HTML escapes both variables.
func RenderCode(kind, code, email string) (Message, error) {
	k, ok := CanonicalKind(kind)
	if !ok {
		return Message{}, fmt.Errorf("unknown code e-mail template %q", kind)
	}
	t := codeTemplates[k]
	var buf bytes.Buffer
	err := codeHTML.Execute(&buf, map[string]any{
		"Subject": t.subject, "Email": email, "Purpose": t.purpose, "Code": code, "Minutes": 10,
	})
	if err != nil {
		return Message{}, fmt.Errorf("render %s e-mail: %w", k, err)
	}
	text := fmt.Sprintf("%s\n\n您好，%s：\n%s本次验证码为：%s\n验证码 10 分钟内有效，仅可使用一次。\n如非本人操作，请忽略本邮件。\n",
		t.subject, email, t.purpose, code)
	return Message{To: email, Subject: t.subject, HTML: buf.String(), Text: text}, nil
}
