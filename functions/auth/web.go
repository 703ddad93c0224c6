package auth

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/password"
)

// Messages of the web account endpoints.
const (
	msgBadLogin      = "用户名或密码错误"
	msgEmptyLogin    = "用户名和密码不能为空"
	msgLockedWeb     = "账户已被锁定，请联系管理员"
	msgNewPwRequired = "请输入新密码"
	msgNewPwShort    = "新密码至少8位"
	msgPwTooLong     = "密码长度不能超过128位"
	msgCurrentPw     = "请输入当前密码"
	msgCurrentPwBad  = "当前密码错误"
	msgPwSet         = "密码设置成功"
	msgPwChanged     = "密码修改成功"
)

type loginRequest struct {
	Username *string        `json:"username" validate:"required"`
	Password *string        `json:"password" validate:"required"`
	Remember httpx.FlexBool `json:"remember"`
	Redirect string         `json:"redirect"`
}

// login is POST /api/login: username (or e-mail) and password; a wrong
// password is 400 here, unlike the mini-program's 403.
func (h *handlers) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if *req.Username == "" || *req.Password == "" {
		return httpx.BadRequest(msgEmptyLogin)
	}
	if len(*req.Password) > password.MaxLength*4 || len(*req.Username) > 320 {
		return httpx.BadRequest(msgBadLogin)
	}
	u, err := h.lookupAndVerify(r.Context(), *req.Username, *req.Password)
	if err != nil {
		return err
	}
	if u == nil {
		return httpx.BadRequest(msgBadLogin)
	}
	if u.IsLocked {
		return httpx.Errorf(http.StatusForbidden, "%s", msgLockedWeb)
	}
	h.writeSession(w, u, req.Remember.Value)
	httpx.Success(w, httpx.M{"redirect": localRedirect(req.Redirect), "remember": req.Remember.Value,
		"needs_password_set": !u.HasPasswordSet()})
	return nil
}

// logout is POST /api/logout: the user shows offline and the cookie goes.
// A caller with neither a session nor a Bearer header is refused as the
// original's global guard refuses it.
func (h *handlers) logout(w http.ResponseWriter, r *http.Request) error {
	d, ok := h.d.Sessions.Read(r, h.now())
	if !ok && !hasBearer(r) {
		h.d.Sessions.Clear(w)
		return httpx.Unauthorized(authn.MsgLogin)
	}
	if ok {
		if err := h.d.Users.ClearActivity(r.Context(), d.UserID); err != nil {
			return err
		}
	}
	h.d.Sessions.Clear(w)
	httpx.Success(w, httpx.M{})
	return nil
}

type passwordRequest struct {
	NewPassword     *string        `json:"new_password"`
	CurrentPassword string         `json:"current_password"`
	IsSetPassword   httpx.FlexBool `json:"is_set_password"`
}

// changePassword is POST /api/profile/password. An account without a
// password sets one freely; once one is set the current password is
// required, whatever is_set_password says. Other sessions survive.
func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if req.NewPassword == nil || *req.NewPassword == "" {
		return httpx.BadRequest(msgNewPwRequired)
	}
	if n := utf8.RuneCountInString(*req.NewPassword); n < 8 {
		return httpx.BadRequest(msgNewPwShort)
	} else if n > password.MaxLength {
		return httpx.BadRequest(msgPwTooLong)
	}
	u := caller(r)
	first := !u.HasPasswordSet()
	if !first {
		if req.CurrentPassword == "" {
			return httpx.BadRequest(msgCurrentPw)
		}
		if !h.passwordMatches(r.Context(), u, req.CurrentPassword) {
			return httpx.BadRequest(msgCurrentPwBad)
		}
	}
	hash, err := password.Hash(*req.NewPassword)
	if err != nil {
		return err
	}
	if err := h.d.Users.SetPassword(r.Context(), u.ID, hash, false); err != nil {
		return err
	}
	if first {
		httpx.Message(w, msgPwSet)
	} else {
		httpx.Message(w, msgPwChanged)
	}
	return nil
}

// localRedirect keeps a post-login redirect on this site: a path such as
// "/quiz?x=1" passes, anything else ("https://evil.example", "//evil",
// "javascript:…") becomes "/", so a crafted login link cannot send the
// user elsewhere.
func localRedirect(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") ||
		strings.HasPrefix(target, "/\\") || strings.ContainsAny(target, "\r\n\t") {
		return "/"
	}
	return target
}
