package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"quizbank/shared/authn"
	"quizbank/shared/emailcode"
	"quizbank/shared/httpx"
	"quizbank/shared/users"
	"quizbank/shared/wechat"
)

// Messages of the WeChat endpoints.
const (
	msgCodeMissing     = "缺少code参数"
	msgTempMissing     = "缺少wechat_temp_token参数"
	msgTempInvalid     = "微信授权已过期，请重新登录"
	msgParamsMissing   = "参数不完整"
	msgBadBindMode     = "bind_mode 必须是 password 或 email_code"
	msgOpenIDTaken     = "该微信已绑定其他账号"
	msgAccountHasWx    = "该账号已绑定其他微信"
	msgUserMissing     = "用户不存在"
	msgUnbound         = "已解除微信绑定"
	tempTokenLifetime  = 5 * time.Minute
	maxUsernameRunes   = 64
	wechatUsernameBase = "微信用户_"
)

// wxProfile is the part of wx.getUserProfile's user_info the original uses.
type wxProfile struct {
	NickName  string `json:"nickName"`
	AvatarURL string `json:"avatarUrl"`
}

// tempToken lets a WeChat user without an account choose between
// creating one and binding an existing one.
type tempToken struct {
	Token     string     `json:"token"`
	OpenID    string     `json:"openid"`
	UserInfo  *wxProfile `json:"user_info"`
	ExpiresAt int64      `json:"expires_at"`
	CreatedAt int64      `json:"created_at"`
}

// wechatFailure renders a failed WeChat call: WeChat's own message, or
// the configuration / network error, as a 400.
func wechatFailure(err error) error {
	var apiErr *wechat.APIError
	switch {
	case errors.As(err, &apiErr):
		return httpx.BadRequest(apiErr.Error())
	case errors.Is(err, wechat.ErrConfig):
		return httpx.BadRequest(wechat.ErrConfig.Error())
	case errors.Is(err, wechat.ErrNetwork):
		return httpx.BadRequest(wechat.ErrNetwork.Error())
	}
	return err
}

func (h *handlers) loadTemp(ctx context.Context, token string) (*tempToken, error) {
	var t tempToken
	err := h.eph.get(ctx, h.d.DB, kindTempToken, token, &t)
	if errors.Is(err, errNoRecord) || (err == nil && millis(h.now()) >= t.ExpiresAt) {
		return nil, httpx.Errorf(http.StatusUnauthorized, "%s", msgTempInvalid)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// createWechatUser makes the account of a new WeChat user: named after
// the nickname (or 微信用户_ and the openid's last six characters), with
// _1, _2, … on a clash, no password. When a concurrent request created the
// openid's account first, that one is returned with isNew false.
func (h *handlers) createWechatUser(ctx context.Context, openid string, p *wxProfile) (*users.User, bool, error) {
	base := ""
	avatar := ""
	if p != nil {
		base = strings.TrimSpace(p.NickName)
		avatar = strings.TrimSpace(p.AvatarURL)
	}
	if utf8.RuneCountInString(base) > maxUsernameRunes {
		base = string([]rune(base)[:maxUsernameRunes])
	}
	if base == "" {
		tail := openid
		if len(tail) > 6 {
			tail = tail[len(tail)-6:]
		}
		base = wechatUsernameBase + tail
	}
	if len(avatar) > 1024 {
		avatar = ""
	}
	u, err := h.d.Users.CreateUnique(ctx, users.NewUser{OpenID: openid, Avatar: avatar}, base, "_", h.now())
	if errors.Is(err, users.ErrTaken) {
		u, err = h.d.Users.ByOpenID(ctx, openid)
		return u, false, err
	}
	return u, err == nil, err
}

type wechatLoginRequest struct {
	Code        string         `json:"code"`
	UserInfo    *wxProfile     `json:"user_info"`
	AllowCreate httpx.FlexBool `json:"allow_create"`
}

// wechatLogin is POST /api/wechat/login: a wx.login code for a JWT, or —
// for an unknown openid with allow_create=false — a temp token to create
// or bind an account with.
func (h *handlers) wechatLogin(w http.ResponseWriter, r *http.Request) error {
	var req wechatLoginRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	code := strings.TrimSpace(req.Code)
	if code == "" {
		return httpx.BadRequest(msgCodeMissing)
	}
	ctx := r.Context()
	sess, err := h.wx.Code2Session(ctx, code)
	if err != nil {
		return wechatFailure(err)
	}
	u, err := h.d.Users.ByOpenID(ctx, sess.OpenID)
	isNew := false
	switch {
	case errors.Is(err, users.ErrNotFound):
		if req.AllowCreate.Set && !req.AllowCreate.Value {
			return h.issueTempToken(w, r, sess.OpenID, req.UserInfo)
		}
		u, isNew, err = h.createWechatUser(ctx, sess.OpenID, req.UserInfo)
		if err != nil {
			return err
		}
	case err != nil:
		return err
	}
	return h.renderLogin(w, u, isNew)
}

func (h *handlers) renderLogin(w http.ResponseWriter, u *users.User, isNew bool) error {
	if u.IsLocked {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
	}
	payload, err := h.tokenPayload(u, isNew)
	if err != nil {
		return err
	}
	httpx.Data(w, payload)
	return nil
}

func (h *handlers) issueTempToken(w http.ResponseWriter, r *http.Request, openid string, p *wxProfile) error {
	now := h.now()
	t := tempToken{Token: randomHex(16), OpenID: openid, UserInfo: p,
		ExpiresAt: millis(now.Add(tempTokenLifetime)), CreatedAt: millis(now)}
	if err := h.eph.put(r.Context(), h.d.DB, kindTempToken, t.Token, t, now.Add(tempTokenLifetime)); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"need_bind": true, "wechat_temp_token": t.Token, "expires_at": t.ExpiresAt})
	return nil
}

// wechatCreate is POST /api/wechat/create: the temp token's openid gets
// a new account (or the one bound meanwhile).
func (h *handlers) wechatCreate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token    string     `json:"wechat_temp_token"`
		UserInfo *wxProfile `json:"user_info"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Token) == "" {
		return httpx.BadRequest(msgTempMissing)
	}
	ctx := r.Context()
	t, err := h.loadTemp(ctx, strings.TrimSpace(req.Token))
	if err != nil {
		return err
	}
	profile := req.UserInfo
	if profile == nil {
		profile = t.UserInfo
	}
	u, err := h.d.Users.ByOpenID(ctx, t.OpenID)
	isNew := false
	if errors.Is(err, users.ErrNotFound) {
		u, isNew, err = h.createWechatUser(ctx, t.OpenID, profile)
	}
	if err != nil {
		return err
	}
	if u.IsLocked {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
	}
	if err := h.eph.del(ctx, h.d.DB, kindTempToken, t.Token); err != nil {
		return err
	}
	return h.renderLogin(w, u, isNew)
}

// wechatBindSendCode is POST /api/wechat/bind/send_code: a login code to
// a registered address, proving the WeChat user owns that account.
func (h *handlers) wechatBindSendCode(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Token string `json:"wechat_temp_token"`
		Email string `json:"email"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	token, email := strings.TrimSpace(req.Token), strings.TrimSpace(req.Email)
	if token == "" || email == "" {
		return httpx.BadRequest(msgParamsMissing)
	}
	ctx := r.Context()
	if _, err := h.loadTemp(ctx, token); err != nil {
		return err
	}
	if !validEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	u, err := h.d.Users.ByEmail(ctx, email)
	if errors.Is(err, users.ErrNotFound) {
		return httpx.BadRequest(msgEmailNotFound)
	}
	if err != nil {
		return err
	}
	if err := h.sendCode(ctx, email, emailcode.Login, u.ID); err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	httpx.Message(w, msgCodeSent)
	return nil
}

type wechatBindRequest struct {
	Token    string `json:"wechat_temp_token"`
	Mode     string `json:"bind_mode"`
	Account  string `json:"account"`
	Password string `json:"password"`
	Email    string `json:"email"`
	Code     string `json:"code"`
}

// wechatBind is POST /api/wechat/bind: the temp token's openid is linked
// to an existing account proven by its password or an e-mail code.
func (h *handlers) wechatBind(w http.ResponseWriter, r *http.Request) error {
	var req wechatBindRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	token := strings.TrimSpace(req.Token)
	switch {
	case token == "":
		return httpx.BadRequest(msgTempMissing)
	case req.Mode == "password" && (strings.TrimSpace(req.Account) == "" || req.Password == ""):
		return httpx.BadRequest(msgMiniEmpty)
	case req.Mode == "email_code" && (strings.TrimSpace(req.Email) == "" || strings.TrimSpace(req.Code) == ""):
		return httpx.BadRequest(msgMiniEmailEmpty)
	case req.Mode != "password" && req.Mode != "email_code":
		return httpx.BadRequest(msgBadBindMode)
	}
	ctx := r.Context()
	t, err := h.loadTemp(ctx, token)
	if err != nil {
		return err
	}
	if _, err := h.d.Users.ByOpenID(ctx, t.OpenID); err == nil {
		return httpx.Errorf(http.StatusConflict, "%s", msgOpenIDTaken)
	} else if !errors.Is(err, users.ErrNotFound) {
		return err
	}
	u, err := h.bindTarget(ctx, req)
	if err != nil {
		return err
	}
	if u.IsLocked {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
	}
	if u.OpenID != "" && u.OpenID != t.OpenID {
		return httpx.Errorf(http.StatusConflict, "%s", msgAccountHasWx)
	}
	if err := h.d.Users.BindOpenID(ctx, u.ID, t.OpenID); errors.Is(err, users.ErrTaken) {
		return httpx.Errorf(http.StatusConflict, "%s", msgOpenIDTaken)
	} else if err != nil {
		return err
	}
	if err := h.eph.del(ctx, h.d.DB, kindTempToken, t.Token); err != nil {
		return err
	}
	u.OpenID = t.OpenID
	tok, err := h.d.Tokens.Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"user_id": u.ID, "token": tok, "user_info": httpx.M{
		"id": u.ID, "username": u.Username, "avatar": nullable(u.Avatar), "is_new_user": false}})
	return nil
}

// bindTarget proves the account a WeChat bind names.
func (h *handlers) bindTarget(ctx context.Context, req wechatBindRequest) (*users.User, error) {
	if req.Mode == "password" {
		u, err := h.lookupAndVerify(ctx, req.Account, req.Password)
		if err != nil {
			return nil, err
		}
		if u == nil {
			return nil, httpx.Errorf(http.StatusForbidden, "%s", msgMiniBadLogin)
		}
		return u, nil
	}
	email := strings.TrimSpace(req.Email)
	u, err := h.d.Users.ByEmail(ctx, email)
	if errors.Is(err, users.ErrNotFound) {
		return nil, httpx.BadRequest(msgEmailNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := h.codes.Verify(ctx, email, req.Code, emailcode.Login, 0); err != nil {
		return nil, refusal(err, http.StatusForbidden)
	}
	return u, nil
}

// miniWechatBind is POST /api/mini/wechat/bind: the token holder links
// the WeChat identity of a fresh wx.login code.
func (h *handlers) miniWechatBind(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Code) == "" {
		return httpx.BadRequest(msgCodeMissing)
	}
	ctx := r.Context()
	sess, err := h.wx.Code2Session(ctx, strings.TrimSpace(req.Code))
	if err != nil {
		return wechatFailure(err)
	}
	u := caller(r)
	switch {
	case u.OpenID == sess.OpenID:
	case u.OpenID != "":
		return httpx.Errorf(http.StatusConflict, "%s", msgAccountHasWx)
	default:
		err := h.d.Users.BindOpenID(ctx, u.ID, sess.OpenID)
		switch {
		case errors.Is(err, users.ErrTaken):
			return httpx.Errorf(http.StatusConflict, "%s", msgOpenIDTaken)
		case errors.Is(err, users.ErrNotFound):
			return httpx.NotFound(msgUserMissing)
		case err != nil:
			return err
		}
		u.OpenID = sess.OpenID
	}
	tok, err := h.d.Tokens.Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		return err
	}
	info := userInfo(u, false)
	delete(info, "is_new_user")
	httpx.Data(w, httpx.M{"token": tok, "user_info": info})
	return nil
}

// wechatUnbind is POST /api/wechat/unbind from the web account page:
// every JWT of the user dies, the current web session is carried over to
// the new session_version.
func (h *handlers) wechatUnbind(w http.ResponseWriter, r *http.Request) error {
	id := authn.FromContext(r.Context())
	version, err := h.d.Users.UnbindOpenID(r.Context(), id.User.ID)
	if errors.Is(err, users.ErrNotFound) {
		return httpx.NotFound(msgUserMissing)
	}
	if err != nil {
		return err
	}
	d := id.Session
	d.SessionVersion = version
	h.d.Sessions.Write(w, d, h.now())
	httpx.Message(w, msgUnbound)
	return nil
}
