package adminconfig

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/mail"
	"quizbank/shared/password"
	"quizbank/shared/sysconfig"
)

// mailKeys are the ten keys the mail settings page edits.
var mailKeys = []string{"mail_server", "mail_port", "mail_use_tls", "mail_use_ssl", "mail_username",
	"mail_password", "mail_default_sender", "mail_default_sender_name", "mail_enabled", "mail_console_output"}

var mailBoolKeys = map[string]bool{"mail_use_tls": true, "mail_use_ssl": true,
	"mail_enabled": true, "mail_console_output": true}

func (a *api) getMail(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.d.SysConfig.All(r.Context())
	if err != nil {
		return err
	}
	out := httpx.M{}
	for _, row := range rows {
		if !strings.HasPrefix(row.Key, "mail_") {
			continue
		}
		out[row.Key] = row.Value
		if sysconfig.IsSecret(row.Key) {
			out[row.Key] = ""
			if row.Value != "" {
				out[row.Key] = sysconfig.Mask
			}
		}
	}
	httpx.Data(w, out)
	return nil
}

// mailValue turns a submitted JSON value into the stored text of key.
func mailValue(key string, v any) (string, error) {
	switch {
	case mailBoolKeys[key]:
		switch x := v.(type) {
		case bool:
			return strconv.FormatBool(x), nil
		case json.Number:
			return strconv.FormatBool(x.String() == "1"), nil
		case string:
			s := strings.ToLower(strings.TrimSpace(x))
			return strconv.FormatBool(s == "true" || s == "1" || s == "yes" || s == "on"), nil
		case nil:
			return "false", nil
		}
		return "", fmt.Errorf("%s 必须是布尔值", key)
	case key == "mail_port":
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
		}
		if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= 65535 {
			return strconv.Itoa(n), nil
		}
		return "587", nil
	}
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x), nil
	case json.Number:
		return x.String(), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("%s 必须是字符串", key)
}

func (a *api) saveMail(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	values := map[string]string{}
	for _, k := range mailKeys {
		v, sent := body[k]
		if !sent {
			continue // missing keys stay unchanged
		}
		s, err := mailValue(k, v)
		if err != nil {
			return httpx.BadRequest(err.Error())
		}
		if k == "mail_password" {
			if s == "" || s == sysconfig.Mask {
				continue
			}
			if len([]rune(s)) < 6 {
				return httpx.BadRequest("邮箱密码长度不能少于6位")
			}
		}
		if err := sysconfig.Validate(k, s); err != nil {
			return httpx.BadRequest(err.Error())
		}
		values[k] = s
	}
	for _, k := range mailKeys {
		if v, ok := values[k]; ok {
			desc := ""
			if kn, ok := sysconfig.LookupKnown(k); ok {
				desc = kn.Description
			}
			if err := a.d.SysConfig.Set(r.Context(), k, v, desc, callerID(r)); err != nil {
				return err
			}
		}
	}
	a.d.Logger.InfoContext(r.Context(), "mail settings saved", "keys", len(values), "by", callerID(r))
	httpx.Message(w, "邮件配置保存成功")
	return nil
}

func randomCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return "000000"
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// testMail sends one code e-mail with the submitted settings, layered over
// the saved ones, and saves nothing.
func (a *api) testMail(w http.ResponseWriter, r *http.Request) error {
	var body map[string]any
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	to, _ := body["email"].(string)
	to = strings.TrimSpace(to)
	if to == "" {
		return httpx.BadRequest("请输入测试收件邮箱")
	}
	if !password.ValidEmail(to) {
		return httpx.BadRequest("邮箱格式不正确")
	}
	s := mail.Resolve(r.Context(), a.d.Config.Mail, a.d.SysConfig)
	text := func(k string, dst *string) error {
		if v, ok := body[k]; ok {
			t, err := mailValue(k, v)
			if err != nil {
				return httpx.BadRequest(err.Error())
			}
			*dst = t
		}
		return nil
	}
	for k, dst := range map[string]*string{"mail_server": &s.Server, "mail_username": &s.Username,
		"mail_default_sender": &s.Sender, "mail_default_sender_name": &s.SenderName} {
		if err := text(k, dst); err != nil {
			return err
		}
	}
	var pw string
	if err := text("mail_password", &pw); err != nil {
		return err
	}
	if pw != "" && pw != sysconfig.Mask {
		s.Password = pw
	}
	if v, ok := body["mail_port"]; ok {
		p, _ := mailValue("mail_port", v)
		s.Port, _ = strconv.Atoi(p)
	}
	for k, dst := range map[string]*bool{"mail_use_tls": &s.UseTLS, "mail_use_ssl": &s.UseSSL} {
		if v, ok := body[k]; ok {
			b, err := mailValue(k, v)
			if err != nil {
				return httpx.BadRequest(err.Error())
			}
			*dst = b == "true"
		}
	}
	if s.Server == "" || s.Username == "" || s.Password == "" || (s.Sender == "" && s.Username == "") {
		return httpx.BadRequest("SMTP 服务器、用户名、密码和发件人不能为空")
	}
	s.Provider, s.Enabled, s.Console = mail.ProviderSMTP, true, false
	code := randomCode()
	msg, err := mail.RenderCode("bind", code, to)
	if err != nil {
		return err
	}
	msg.To = to
	if err := mail.SendWith(r.Context(), s, msg); err != nil {
		a.d.Logger.WarnContext(r.Context(), "test mail failed", "server", s.Server, "err", err)
		return httpx.BadRequest("测试邮件发送失败: " + err.Error())
	}
	httpx.Message(w, fmt.Sprintf("测试邮件已发送到 %s，验证码：%s", to, code))
	return nil
}

type previewBody struct {
	TemplateType string `json:"template_type"`
	Email        string `json:"email"`
}

func (a *api) previewMail(w http.ResponseWriter, r *http.Request) error {
	var b previewBody
	if err := httpx.DecodeJSONLenient(r, &b); err != nil {
		return err
	}
	if b.TemplateType == "" {
		b.TemplateType = "bind_code"
	}
	switch b.TemplateType {
	case "bind_code", "login_code", "reset_password":
	default:
		return httpx.BadRequest("无效的模板类型")
	}
	if strings.TrimSpace(b.Email) == "" {
		b.Email = "user@example.com"
	}
	msg, err := mail.RenderCode(b.TemplateType, randomCode(), b.Email)
	if err != nil {
		return httpx.BadRequest("无效的模板类型")
	}
	httpx.Success(w, httpx.M{"html": msg.HTML, "template_type": b.TemplateType})
	return nil
}
