package auth

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/users"
)

const (
	webBindPage = "pages/web-bind/web-bind"
	stateBound  = "bound"
	msgBindDone = "微信绑定成功"
	msgNotYours = "无权查看该绑定会话"
	msgBindMiss = "缺少sid、nonce或code参数"
)

// bindSession is a web_wechat_bind_session record (ms timestamps).
type bindSession struct {
	SID         string     `json:"sid"`
	Nonce       string     `json:"nonce"`
	State       string     `json:"state"`
	WebUserID   int64      `json:"web_user_id"`
	WebUsername string     `json:"web_username"`
	CreatedAt   int64      `json:"created_at"`
	ExpiresAt   int64      `json:"expires_at"`
	ConfirmedAt int64      `json:"confirmed_at,omitempty"`
	BoundAt     int64      `json:"bound_at,omitempty"`
	OpenID      string     `json:"openid,omitempty"`
	Meta        clientMeta `json:"meta"`
}

// bindQRCode is POST /api/wechat/bind_qrcode: the web account page asks
// for a QR code that the mini-program scans to link its WeChat identity.
// The scene is compact ("B" + sid + nonce, 25 characters).
func (h *handlers) bindQRCode(w http.ResponseWriter, r *http.Request) error {
	me := caller(r)
	now := h.now()
	s := bindSession{SID: randomHex(8), Nonce: randomHex(4), State: statePending, WebUserID: me.ID,
		WebUsername: me.Username, CreatedAt: millis(now), ExpiresAt: millis(now.Add(loginSessionLifetime)),
		Meta: meta(r)}
	url, qr, err := h.qrImage(r.Context(), "wechat_bind", s.SID, "B"+s.SID+s.Nonce, webBindPage)
	if err != nil {
		return qrFailure(err)
	}
	if err := h.eph.put(r.Context(), h.d.DB, kindBindSession, s.SID, s, expiresTime(s.ExpiresAt)); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"sid": s.SID, "expires_at": s.ExpiresAt, "qrcode_url": url,
		"page_used": nullable(qr.PageUsed), "page_fallback": qr.Fallback})
	return nil
}

// bindPoll is GET /api/wechat/bind_sessions/{sid}, for the session's own
// web user only.
func (h *handlers) bindPoll(w http.ResponseWriter, r *http.Request) error {
	var s bindSession
	err := h.eph.get(r.Context(), h.d.DB, kindBindSession, r.PathValue("sid"), &s)
	if err := notFoundAs(err, msgSessionUnknown); err != nil {
		return err
	}
	if s.WebUserID != caller(r).ID {
		return httpx.Errorf(http.StatusForbidden, "%s", msgNotYours)
	}
	state := s.State
	if state == statePending && millis(h.now()) >= s.ExpiresAt {
		state = stateExpired
	}
	var boundAt any
	if s.BoundAt > 0 {
		boundAt = s.BoundAt
	}
	httpx.Data(w, httpx.M{"sid": s.SID, "state": state, "expires_at": s.ExpiresAt, "bound_at": boundAt})
	return nil
}

// bindConfirm is POST /api/wechat/bind_confirm: the mini-program proves
// its WeChat identity with a fresh wx.login code, and that openid is
// linked to the web user who opened the bind session. Repeating it for
// the same openid succeeds again.
func (h *handlers) bindConfirm(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		SID   string `json:"sid"`
		Nonce string `json:"nonce"`
		Code  string `json:"code"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	sid, nonce, code := strings.TrimSpace(req.SID), strings.TrimSpace(req.Nonce), strings.TrimSpace(req.Code)
	if sid == "" || nonce == "" || code == "" {
		return httpx.BadRequest(msgBindMiss)
	}
	ctx := r.Context()
	var s bindSession
	err := h.eph.get(ctx, h.d.DB, kindBindSession, sid, &s)
	if err := notFoundAs(err, msgSessionUnknown); err != nil {
		return err
	}
	if s.Nonce != nonce {
		return httpx.Errorf(http.StatusForbidden, "%s", msgNonceMismatch)
	}
	if s.State != stateBound && millis(h.now()) >= s.ExpiresAt {
		return httpx.Errorf(http.StatusGone, "%s", msgSessionExpired)
	}
	sess, err := h.wx.Code2Session(ctx, code)
	if err != nil {
		return wechatFailure(err)
	}
	if s.State == stateBound {
		if s.OpenID == sess.OpenID {
			httpx.Message(w, msgBindDone)
			return nil
		}
		return httpx.Errorf(http.StatusConflict, "%s", msgAlreadyUsed)
	}
	u, err := h.d.Users.ByID(ctx, s.WebUserID)
	if errors.Is(err, users.ErrNotFound) {
		return httpx.NotFound(msgUserMissing)
	}
	if err != nil {
		return err
	}
	if u.OpenID != "" && u.OpenID != sess.OpenID {
		return httpx.Errorf(http.StatusConflict, "%s", msgAccountHasWx)
	}
	if u.OpenID == "" {
		err := h.d.Users.BindOpenID(ctx, u.ID, sess.OpenID)
		if errors.Is(err, users.ErrTaken) {
			return httpx.Errorf(http.StatusConflict, "%s", msgOpenIDTaken)
		}
		if err != nil {
			return err
		}
	}
	err = h.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		var cur bindSession
		if err := h.eph.get(ctx, tx, kindBindSession, sid, &cur); err != nil {
			return err
		}
		now := millis(h.now())
		cur.State, cur.OpenID, cur.ConfirmedAt, cur.BoundAt = stateBound, sess.OpenID, now, now
		return h.eph.put(ctx, tx, kindBindSession, sid, cur, expiresTime(cur.ExpiresAt))
	})
	if err != nil && !errors.Is(err, errNoRecord) {
		return err
	}
	httpx.Message(w, msgBindDone)
	return nil
}
