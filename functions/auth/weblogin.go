package auth

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/users"
)

// Lifetimes of the scan-login flow (api.md §1.5).
const (
	loginSessionLifetime  = 20 * time.Minute
	exchangeTokenLifetime = 30 * time.Second
	webLoginPage          = "pages/web-login/web-login"
)

// Login session states.
const (
	statePending   = "pending"
	stateConfirmed = "confirmed"
	stateExchanged = "exchanged"
	stateExpired   = "expired"
)

// Messages of the scan-login endpoints.
const (
	msgSessionUnknown = "登录会话不存在"
	msgSessionExpired = "登录会话已过期"
	msgNonceMismatch  = "二维码校验失败"
	msgAlreadyUsed    = "该登录会话已使用"
	msgConfirmed      = "已确认登录"
	msgTokenMissing   = "缺少token参数"
	msgTokenUnknown   = "登录凭证无效"
	msgTokenExpired   = "登录凭证已过期"
	msgSidMissing     = "缺少sid或nonce参数"
)

type clientMeta struct {
	IP string `json:"ip"`
	UA string `json:"ua"`
}

// loginSession is a web_login_session record (ms timestamps).
type loginSession struct {
	SID            string     `json:"sid"`
	Nonce          string     `json:"nonce"`
	State          string     `json:"state"`
	UserID         int64      `json:"user_id,omitempty"`
	CreatedAt      int64      `json:"created_at"`
	ExpiresAt      int64      `json:"expires_at"`
	ConfirmedAt    int64      `json:"confirmed_at,omitempty"`
	ExchangedAt    int64      `json:"exchanged_at,omitempty"`
	Token          string     `json:"token,omitempty"`
	TokenExpiresAt int64      `json:"token_expires_at,omitempty"`
	Meta           clientMeta `json:"meta"`
}

// exchangeToken is a web_login_token record.
type exchangeToken struct {
	Token     string `json:"token"`
	SID       string `json:"sid"`
	UserID    int64  `json:"user_id"`
	ExpiresAt int64  `json:"expires_at"`
}

func meta(r *http.Request) clientMeta {
	ua := r.UserAgent()
	if len(ua) > 256 {
		ua = ua[:256]
	}
	return clientMeta{IP: httpx.ClientIP(r), UA: ua}
}

func expiresTime(ms int64) time.Time { return time.UnixMilli(ms) }

// webLoginQRCode is POST /api/web_login/qrcode: a new pending session
// and the QR code the mini-program scans.
func (h *handlers) webLoginQRCode(w http.ResponseWriter, r *http.Request) error {
	now := h.now()
	s := loginSession{SID: randomHex(8), Nonce: randomHex(4), State: statePending,
		CreatedAt: millis(now), ExpiresAt: millis(now.Add(loginSessionLifetime)), Meta: meta(r)}
	url, qr, err := h.qrImage(r.Context(), "web_login", s.SID, "sid="+s.SID+"&n="+s.Nonce, webLoginPage)
	if err != nil {
		return qrFailure(err)
	}
	if err := h.eph.put(r.Context(), h.d.DB, kindLoginSession, s.SID, s, expiresTime(s.ExpiresAt)); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"sid": s.SID, "expires_at": s.ExpiresAt, "qrcode_url": url,
		"page_used": nullable(qr.PageUsed), "page_fallback": qr.Fallback, "env_version": h.envVersion()})
	return nil
}

// webLoginPoll is GET /api/web_login/sessions/{sid}: the browser polls
// it; once confirmed, each poll hands out a one-time exchange token
// (a new one when the previous one lapsed).
func (h *handlers) webLoginPoll(w http.ResponseWriter, r *http.Request) error {
	sid := r.PathValue("sid")
	var out httpx.M
	err := h.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ctx := r.Context()
		var s loginSession
		if err := h.eph.get(ctx, tx, kindLoginSession, sid, &s); err != nil {
			return err
		}
		now := h.now()
		state := s.State
		if state != stateExchanged && millis(now) >= s.ExpiresAt {
			out = httpx.M{"sid": s.SID, "state": stateExpired}
			return nil
		}
		out = httpx.M{"sid": s.SID, "state": state, "expires_at": s.ExpiresAt, "token": nil, "token_expires_at": nil}
		if state != stateConfirmed {
			return nil
		}
		if s.Token == "" || millis(now) >= s.TokenExpiresAt {
			if s.Token != "" {
				if err := h.eph.del(ctx, tx, kindLoginToken, s.Token); err != nil {
					return err
				}
			}
			exp := now.Add(exchangeTokenLifetime)
			if millis(exp) > s.ExpiresAt {
				exp = expiresTime(s.ExpiresAt)
			}
			t := exchangeToken{Token: randomHex(16), SID: s.SID, UserID: s.UserID, ExpiresAt: millis(exp)}
			if err := h.eph.put(ctx, tx, kindLoginToken, t.Token, t, exp); err != nil {
				return err
			}
			s.Token, s.TokenExpiresAt = t.Token, t.ExpiresAt
			if err := h.eph.put(ctx, tx, kindLoginSession, s.SID, s, expiresTime(s.ExpiresAt)); err != nil {
				return err
			}
		}
		out["token"], out["token_expires_at"] = s.Token, s.TokenExpiresAt
		return nil
	})
	if err := notFoundAs(err, msgSessionUnknown); err != nil {
		return err
	}
	httpx.Data(w, out)
	return nil
}

// webLoginConfirm is POST /api/web_login/confirm: the mini-program user
// (JWT) approves the browser's session.
func (h *handlers) webLoginConfirm(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SID   string `json:"sid"`
		Nonce string `json:"nonce"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	sid, nonce := strings.TrimSpace(req.SID), strings.TrimSpace(req.Nonce)
	if sid == "" || nonce == "" {
		return httpx.BadRequest(msgSidMissing)
	}
	me := caller(r)
	err := h.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ctx := r.Context()
		var s loginSession
		if err := h.eph.get(ctx, tx, kindLoginSession, sid, &s); err != nil {
			return err
		}
		now := h.now()
		switch { // a refusal rolls back: nothing is written
		case s.State == stateExchanged:
			return httpx.Errorf(http.StatusConflict, "%s", msgAlreadyUsed)
		case millis(now) >= s.ExpiresAt:
			return httpx.Errorf(http.StatusGone, "%s", msgSessionExpired)
		case s.Nonce != nonce:
			return httpx.Errorf(http.StatusForbidden, "%s", msgNonceMismatch)
		}
		if s.UserID != me.ID && s.Token != "" {
			if err := h.eph.del(ctx, tx, kindLoginToken, s.Token); err != nil {
				return err
			}
			s.Token, s.TokenExpiresAt = "", 0
		}
		s.State, s.UserID, s.ConfirmedAt = stateConfirmed, me.ID, millis(now)
		return h.eph.put(ctx, tx, kindLoginSession, s.SID, s, expiresTime(s.ExpiresAt))
	})
	if err := notFoundAs(err, msgSessionUnknown); err != nil {
		return err
	}
	httpx.Message(w, msgConfirmed)
	return nil
}

// webLoginExchange is POST /api/web_login/exchange: the browser trades
// the one-time token for a permanent web session. Locked accounts are
// refused here.
func (h *handlers) webLoginExchange(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token string `json:"token"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	token := strings.TrimSpace(req.Token)
	if token == "" {
		return httpx.BadRequest(msgTokenMissing)
	}
	var u *users.User
	err := h.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ctx := r.Context()
		var t exchangeToken
		if err := h.eph.get(ctx, tx, kindLoginToken, token, &t); err != nil {
			return err
		}
		now := h.now()
		if millis(now) >= t.ExpiresAt { // refusals roll back: the token stays unused
			return httpx.Errorf(http.StatusGone, "%s", msgTokenExpired)
		}
		var err error
		u, err = h.d.Users.ByID(ctx, t.UserID)
		if errors.Is(err, users.ErrNotFound) {
			return httpx.NotFound(msgUserMissing)
		}
		if err != nil {
			return err
		}
		if u.IsLocked {
			return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
		}
		if err := h.eph.del(ctx, tx, kindLoginToken, token); err != nil {
			return err
		}
		return h.markExchanged(ctx, tx, t.SID, now)
	})
	if err := notFoundAs(err, msgTokenUnknown); err != nil {
		return err
	}
	h.writeSession(w, u, true)
	httpx.Data(w, httpx.M{"user_id": u.ID, "username": u.Username})
	return nil
}

func (h *handlers) markExchanged(ctx context.Context, tx *sql.Tx, sid string, now time.Time) error {
	var s loginSession
	err := h.eph.get(ctx, tx, kindLoginSession, sid, &s)
	if errors.Is(err, errNoRecord) {
		slog.WarnContext(ctx, "exchange token outlived its login session")
		return nil
	}
	if err != nil {
		return err
	}
	s.State, s.ExchangedAt, s.Token, s.TokenExpiresAt = stateExchanged, millis(now), "", 0
	return h.eph.put(ctx, tx, kindLoginSession, s.SID, s, expiresTime(s.ExpiresAt))
}
