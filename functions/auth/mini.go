package auth

import (
	"net/http"
	"strings"

	"quizbank/shared/emailcode"
	"quizbank/shared/httpx"
	"quizbank/shared/password"
)

// Messages of the mini-program login endpoints.
const (
	msgMiniEmpty      = "账号和密码不能为空"
	msgMiniBadLogin   = "账号或密码错误"
	msgMiniLocked     = "账号已被锁定，请联系管理员"
	msgMiniEmailEmpty = "邮箱和验证码不能为空"
	msgEmailRequired  = "请输入邮箱"
)

type miniLoginRequest struct {
	Username string `json:"username"`
	Account  string `json:"account"`
	Password string `json:"password"`
}

// miniLogin is POST /api/mini/login: account (username or e-mail) and
// password for a JWT. Wrong credentials are 403 here.
func (h *handlers) miniLogin(w http.ResponseWriter, r *http.Request) error {
	var req miniLoginRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	account := strings.TrimSpace(req.Username)
	if account == "" {
		account = strings.TrimSpace(req.Account)
	}
	if account == "" || req.Password == "" {
		return httpx.BadRequest(msgMiniEmpty)
	}
	if len(req.Password) > password.MaxLength*4 || len(account) > 320 {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniBadLogin)
	}
	u, err := h.lookupAndVerify(r.Context(), account, req.Password)
	if err != nil {
		return err
	}
	if u == nil {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniBadLogin)
	}
	if u.IsLocked {
		return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
	}
	payload, err := h.tokenPayload(u, false)
	if err != nil {
		return err
	}
	httpx.Data(w, payload)
	return nil
}

// miniSendLoginCode is POST /api/mini/email/send-login-code. Unlike the
// web variant it reports why nothing was sent.
func (h *handlers) miniSendLoginCode(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	email := strings.TrimSpace(req.Email)
	if email == "" {
		return httpx.BadRequest(msgEmailRequired)
	}
	if !password.ValidEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	if err := h.sendLoginCodeTo(r.Context(), email); err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	httpx.Message(w, msgCodeSent)
	return nil
}

// miniEmailLogin is POST /api/mini/email/login: the web e-mail login's
// verification and auto-registration, answered with a JWT.
func (h *handlers) miniEmailLogin(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email string `json:"email"`
		Code  string `json:"code"`
	}
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	email, code := strings.TrimSpace(req.Email), strings.TrimSpace(req.Code)
	if email == "" || code == "" {
		return httpx.BadRequest(msgMiniEmailEmpty)
	}
	if !password.ValidEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	u, isNew, err := h.signInByCode(r.Context(), email, code)
	if err != nil {
		if ref, ok := err.(*emailcode.Refusal); ok && ref.Message == msgLockedWeb {
			return httpx.Errorf(http.StatusForbidden, "%s", msgMiniLocked)
		}
		return refusal(err, http.StatusForbidden)
	}
	payload, err := h.tokenPayload(u, isNew)
	if err != nil {
		return err
	}
	httpx.Data(w, payload)
	return nil
}

// miniMe is GET /api/mini/me: the token holder's user_info, for a
// mini-program that lost what login returned.
func (h *handlers) miniMe(w http.ResponseWriter, r *http.Request) error {
	httpx.Data(w, httpx.M{"user_info": userInfo(caller(r), false)})
	return nil
}
