// Package auth is the auth route group (api.md §1): e-mail codes, web
// password login and sessions, mini-program JWT login, WeChat login and
// binding, and the web scan-login flow.
package auth

import (
	"net/http"
	"time"

	"quizbank/shared/emailcode"
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/ratelimit"
	"quizbank/shared/wechat"
)

// handlers holds what the group's handlers share.
type handlers struct {
	d     *platform.Deps
	codes *emailcode.Store
	wx    *wechat.Client
	eph   *ephemeral
}

func (h *handlers) now() time.Time { return h.d.Now() }

// Register adds the group's routes to r. Each route carries the rate
// limit of its "RL:" line in api.md (ratelimit.Default when it has none;
// none at all for the polled, exempt ones).
func Register(r *httpx.Router, d *platform.Deps) {
	now := func() time.Time { return d.Now() }
	h := &handlers{
		d:     d,
		codes: emailcode.New(d.DB, d.Config.SecretKey, now),
		wx:    wechat.New(d.Config.WeChat, d.HTTPClient, now),
		eph:   &ephemeral{db: d.DB, now: now},
	}
	g := d.Guard
	route := func(pattern, limit string, handler http.Handler) {
		if limit != "" {
			handler = d.Limiter.Limit(pattern, limit)(handler)
		}
		r.Handle(pattern, handler)
	}
	fn := func(f httpx.HandlerFunc) http.Handler { return f }

	// Web account (§1.2).
	route("POST /api/login", "5 per minute", fn(h.login))
	route("POST /api/logout", ratelimit.Default, fn(h.logout))
	route("GET /api/profile", ratelimit.Default, g.Session(fn(h.profile)))
	route("POST /api/profile/password", ratelimit.Default, g.Session(fn(h.changePassword)))
	route("POST /api/email/send-bind-code", "1 per minute; 5 per hour", h.webSession(fn(h.sendBindCode)))
	route("POST /api/email/bind", "10 per minute", h.webSession(fn(h.bindEmail)))
	route("POST /api/email/send-login-code", "1 per minute; 10 per hour", fn(h.sendLoginCode))
	route("POST /api/email/login", "10 per minute", fn(h.emailLogin))
	route("POST /api/forgot-password/send-code", "1 per minute; 5 per hour", fn(h.sendResetCode))
	route("POST /api/forgot-password/reset", "10 per minute", fn(h.resetPassword))

	// Mini-program JWT login (§1.3).
	route("POST /api/mini/login", "60 per minute", fn(h.miniLogin))
	route("POST /api/mini/email/send-login-code", "1 per minute; 10 per hour", fn(h.miniSendLoginCode))
	route("POST /api/mini/email/login", "60 per minute", fn(h.miniEmailLogin))
	route("GET /api/mini/me", ratelimit.Default, g.JWT(fn(h.miniMe)))

	// WeChat login, create, bind (§1.4).
	route("POST /api/wechat/login", "100 per minute", fn(h.wechatLogin))
	route("POST /api/wechat/create", "60 per minute", fn(h.wechatCreate))
	route("POST /api/wechat/bind/send_code", "1 per minute; 10 per hour", fn(h.wechatBindSendCode))
	route("POST /api/wechat/bind", "60 per minute", fn(h.wechatBind))
	route("POST /api/mini/wechat/bind", "60 per minute", g.JWT(fn(h.miniWechatBind)))
	route("POST /api/wechat/unbind", "30 per minute", g.Session(fn(h.wechatUnbind)))

	// Web login by scanning (§1.5).
	route("POST /api/web_login/qrcode", "60 per minute", fn(h.webLoginQRCode))
	route("GET /api/web_login/sessions/{sid}", "", fn(h.webLoginPoll))
	route("POST /api/web_login/confirm", "60 per minute", g.JWT(fn(h.webLoginConfirm)))
	route("POST /api/web_login/exchange", "120 per minute", fn(h.webLoginExchange))
	route("POST /api/wechat/bind_qrcode", "30 per minute", g.Session(fn(h.bindQRCode)))
	route("GET /api/wechat/bind_sessions/{sid}", "", g.Session(fn(h.bindPoll)))
	route("POST /api/wechat/bind_confirm", "60 per minute", fn(h.bindConfirm))
}
