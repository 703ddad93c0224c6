package authn

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/session"
	"quizbank/shared/users"
)

// Messages of the guards. Every 401 message contains 登录 or 过期, which
// the mini-program looks for (api.md §0.2).
const (
	MsgLogin         = "请先登录"
	MsgMissingToken  = "缺少认证token"
	MsgBadToken      = "token无效或已过期"
	MsgUserGone      = "用户不存在，请重新登录"
	MsgLocked        = "账号已被锁定，请联系管理员后重新登录"
	MsgSessionEnded  = "登录已过期，请重新登录"
	MsgWeChatUnbound = "微信已解绑，请重新登录"
	MsgAdmin         = "需要管理员权限"
	MsgStaff         = "需要管理员或科目管理员权限"
	MsgEmailNotBound = "请先绑定邮箱"
)

// Via says which credential proved an identity.
type Via string

// The two credentials.
const (
	ViaJWT     Via = "jwt"
	ViaSession Via = "session"
)

// Identity is the authenticated caller.
type Identity struct {
	User    *users.User
	Via     Via
	Session session.Data // when Via == ViaSession
	OpenID  string       // the token's openid claim, when Via == ViaJWT
}

type identityKey struct{}

// FromContext returns the caller the guard let through, or nil.
func FromContext(ctx context.Context) *Identity {
	id, _ := ctx.Value(identityKey{}).(*Identity)
	return id
}

// WithIdentity stores id in ctx (for guards and tests).
func WithIdentity(ctx context.Context, id *Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// Guard authenticates requests against the users table.
type Guard struct {
	Users    *users.Store
	Sessions *session.Codec
	Tokens   *Tokens
	Now      func() time.Time
	// EmailBindRequired, when set, reports whether non-admin web users
	// without an e-mail must be refused (system_config.email_bind_required
	// with the EMAIL_BIND_ENFORCE flag on). Nil means never.
	EmailBindRequired func(ctx context.Context) bool
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// userCheck applies the per-request checks of api.md §0.2 to a decoded
// token and returns the refusal message, or "".
func (g *Guard) checkToken(ctx context.Context, c *Claims) (*users.User, string, error) {
	u, err := g.Users.Recent(ctx, c.UserID)
	switch {
	case errors.Is(err, users.ErrNotFound):
		return nil, MsgUserGone, nil
	case err != nil:
		return nil, "", err
	case u.IsLocked:
		return nil, MsgLocked, nil
	case u.SessionVersion != c.SessionVersion:
		return nil, MsgSessionEnded, nil
	case c.OpenID != "" && c.OpenID != u.OpenID:
		return nil, MsgWeChatUnbound, nil
	}
	return u, "", nil
}

// fromSession re-reads the session's user (web session maintenance):
// a missing, locked or revoked user ends the session.
func (g *Guard) fromSession(w http.ResponseWriter, r *http.Request) (*Identity, string, error) {
	d, ok := g.Sessions.Read(r, g.Now())
	if !ok {
		return nil, MsgLogin, nil
	}
	ctx := r.Context()
	u, err := g.Users.Recent(ctx, d.UserID)
	msg := ""
	switch {
	case errors.Is(err, users.ErrNotFound):
		msg = MsgUserGone
	case err != nil:
		return nil, "", err
	case u.IsLocked:
		msg = MsgLocked
	case u.SessionVersion != d.SessionVersion:
		msg = MsgSessionEnded
	}
	if msg != "" {
		g.Sessions.Clear(w)
		return nil, msg, nil
	}
	if err := g.Users.Touch(ctx, u, g.Now()); err != nil {
		slog.WarnContext(ctx, "record activity", "err", err)
	}
	d.IsAdmin, d.IsSubjectAdmin = u.IsAdmin, u.IsSubjectAdmin
	// A "remember me" session slides: daily use keeps it alive, as the
	// original's refresh-on-every-request does, but the cookie is re-sent
	// at most once a day.
	if d.Permanent && time.Unix(d.Expires, 0).Sub(g.Now()) < session.RememberFor-24*time.Hour {
		g.Sessions.Write(w, d, g.Now())
	}
	return &Identity{User: u, Via: ViaSession, Session: d}, "", nil
}

// Resolve finds the caller with either credential: a token that decodes
// is checked and wins; an undecodable token counts as no credential and
// the session is tried. It returns the refusal when there is no valid
// caller.
func (g *Guard) Resolve(w http.ResponseWriter, r *http.Request) (*Identity, error) {
	if tok, ok := bearer(r); ok {
		if c, err := g.Tokens.Parse(tok); err == nil {
			u, msg, err := g.checkToken(r.Context(), c)
			if err != nil {
				return nil, err
			}
			if msg != "" {
				return nil, httpx.Unauthorized(msg)
			}
			return &Identity{User: u, Via: ViaJWT, OpenID: c.OpenID}, nil
		}
	}
	id, msg, err := g.fromSession(w, r)
	if err != nil {
		return nil, err
	}
	if id == nil {
		return nil, httpx.Unauthorized(msg)
	}
	if err := g.emailBind(r, id); err != nil {
		return nil, err
	}
	return id, nil
}

var emailBindAllowed = map[string]bool{
	"/": true, "/terms": true, "/privacy": true, "/api/email/send-bind-code": true,
	"/api/email/bind": true, "/api/logout": true, "/logout": true,
}

func (g *Guard) emailBind(r *http.Request, id *Identity) error {
	if g.EmailBindRequired == nil || id.Via != ViaSession || id.User.IsAdmin ||
		id.User.Email != "" || emailBindAllowed[r.URL.Path] || strings.HasPrefix(r.URL.Path, "/static/") {
		return nil
	}
	if !g.EmailBindRequired(r.Context()) {
		return nil
	}
	return &httpx.Error{Status: http.StatusForbidden, Kind: "error", Message: MsgEmailNotBound,
		Extra: httpx.M{"code": "EMAIL_NOT_BOUND"}}
}

func (g *Guard) serve(next http.Handler, w http.ResponseWriter, r *http.Request, id *Identity) {
	next.ServeHTTP(w, r.WithContext(WithIdentity(r.Context(), id)))
}

// User admits a caller with a valid JWT or web session: user(S+J).
func (g *Guard) User(next http.Handler) http.Handler {
	return httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := g.Resolve(w, r)
		if err != nil {
			return err
		}
		g.serve(next, w, r, id)
		return nil
	})
}

// JWT admits only a valid Bearer token: user(J). Its refusals use
// "status":"error", except a caller with no credential at all, whom the
// original's global guard refuses first with "unauthorized".
func (g *Guard) JWT(next http.Handler) http.Handler {
	return httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		tok, ok := bearer(r)
		if !ok {
			if _, has := g.Sessions.Read(r, g.Now()); has {
				return httpx.Errorf(http.StatusUnauthorized, "%s", MsgMissingToken)
			}
			return httpx.Unauthorized(MsgLogin)
		}
		c, err := g.Tokens.Parse(tok)
		if err != nil {
			return httpx.Errorf(http.StatusUnauthorized, "%s", MsgBadToken)
		}
		u, msg, err := g.checkToken(r.Context(), c)
		if err != nil {
			return err
		}
		if msg != "" {
			return httpx.Errorf(http.StatusUnauthorized, "%s", msg)
		}
		g.serve(next, w, r, &Identity{User: u, Via: ViaJWT, OpenID: c.OpenID})
		return nil
	})
}

// Session admits only a valid web session: user(S).
func (g *Guard) Session(next http.Handler) http.Handler {
	return httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, msg, err := g.fromSession(w, r)
		if err != nil {
			return err
		}
		if id == nil {
			return httpx.Unauthorized(msg)
		}
		if err := g.emailBind(r, id); err != nil {
			return err
		}
		g.serve(next, w, r, id)
		return nil
	})
}

// Admin admits an administrator with either credential; anonymous callers
// get 401 JSON and other users 403 JSON (never a redirect).
func (g *Guard) Admin(next http.Handler) http.Handler {
	return g.role(next, MsgAdmin, func(u *users.User) bool { return u.IsAdmin })
}

// Staff admits administrators and subject administrators.
func (g *Guard) Staff(next http.Handler) http.Handler {
	return g.role(next, MsgStaff, func(u *users.User) bool { return u.IsAdmin || u.IsSubjectAdmin })
}

func (g *Guard) role(next http.Handler, refusal string, ok func(*users.User) bool) http.Handler {
	return httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		id, err := g.Resolve(w, r)
		if err != nil {
			return err
		}
		if !ok(id.User) {
			return httpx.Forbidden(refusal)
		}
		g.serve(next, w, r, id)
		return nil
	})
}

// Optional passes every request, attaching the caller when the session is
// valid or a token merely decodes (the count endpoints of api.md §2.2
// identify callers that way). Handlers read FromContext and may get nil.
func (g *Guard) Optional(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id *Identity
		if d, ok := g.Sessions.Read(r, g.Now()); ok {
			if u, err := g.Users.Recent(r.Context(), d.UserID); err == nil &&
				!u.IsLocked && u.SessionVersion == d.SessionVersion {
				id = &Identity{User: u, Via: ViaSession, Session: d}
			}
		}
		if tok, ok := bearer(r); ok && id == nil {
			if c, err := g.Tokens.Parse(tok); err == nil {
				if u, err := g.Users.Recent(r.Context(), c.UserID); err == nil {
					id = &Identity{User: u, Via: ViaJWT, OpenID: c.OpenID}
				}
			}
		}
		if id != nil {
			r = r.WithContext(WithIdentity(r.Context(), id))
		}
		next.ServeHTTP(w, r)
	})
}

// AnonymousAllowed reports whether the original lets a caller without
// credentials reach path (api.md §0.3); CORS preflights use it.
func AnonymousAllowed(path string) bool {
	switch path {
	case "/", "/login", "/favicon.ico", "/terms", "/privacy", "/healthz",
		"/api/login", "/api/wechat/login", "/api/wechat/create", "/api/wechat/bind",
		"/api/wechat/bind/send_code", "/api/wechat/bind_confirm", "/api/mini/login",
		"/api/mini/email/send-login-code", "/api/mini/email/login", "/api/email/send-login-code",
		"/api/email/login", "/api/forgot-password/send-code", "/api/forgot-password/reset",
		"/api/questions/count", "/api/questions/user_counts", "/api/notifications":
		return true
	}
	for _, p := range []string{"/static/", "/api/web_login/", "/uploads/", "/api/notifications/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}
