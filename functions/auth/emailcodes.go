package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"quizbank/shared/emailcode"
	"quizbank/shared/httpx"
	"quizbank/shared/mail"
	"quizbank/shared/password"
	"quizbank/shared/users"
)

// Messages of the e-mail code endpoints.
const (
	msgCodeSent      = "验证码已发送，请查收邮件"
	msgBindCodeSent  = "验证码已发送到邮箱"
	msgBadEmail      = "邮箱格式不正确"
	msgBadEmailHint  = "邮箱格式不正确，请检查邮箱地址"
	msgNotJSON       = "请求必须是JSON格式"
	msgEmailTaken    = "邮箱已被其他用户使用"
	msgSendFailed    = "邮件发送失败，请稍后再试"
	msgEmailBound    = "邮箱绑定成功"
	msgResetDone     = "密码重置成功"
	msgEmailNotFound = "该邮箱未注册"
)

// errSendFailed is the refusal when the mail provider failed.
var errSendFailed = &emailcode.Refusal{Message: msgSendFailed}

// sendCode issues a code of kind for email and mails it. A delivery
// failure withdraws the code (so the user may retry at once) and is
// logged without the code.
func (h *handlers) sendCode(ctx context.Context, email string, kind emailcode.Kind, userID int64) error {
	iss, err := h.codes.Issue(ctx, email, kind, userID)
	if err != nil {
		return err
	}
	msg, err := mail.RenderCode(string(kind), iss.Code, strings.TrimSpace(email))
	if err == nil {
		err = h.d.Mailer.Send(ctx, msg)
	}
	if err != nil {
		slog.WarnContext(ctx, "verification e-mail not sent", "kind", string(kind), "err", err)
		if werr := h.codes.Withdraw(ctx, iss.ID); werr != nil {
			slog.WarnContext(ctx, "withdraw unsent code", "err", werr)
		}
		return errSendFailed
	}
	return nil
}

// refusal turns a code refusal into a 400 with its message (or status),
// and passes anything else through as an internal error.
func refusal(err error, status int) error {
	var r *emailcode.Refusal
	if errors.As(err, &r) {
		return httpx.Errorf(status, "%s", r.Message)
	}
	return err
}

// signInByCode verifies a login code and returns the account of email,
// creating it on first use (api.md §1.2 auto-registration): the username
// is the local part, made unique with 1, 2, …; no password; the very
// first account becomes admin. Refusals are *emailcode.Refusal.
func (h *handlers) signInByCode(ctx context.Context, email, code string) (*users.User, bool, error) {
	if err := h.codes.Verify(ctx, email, code, emailcode.Login, 0); err != nil {
		return nil, false, err
	}
	u, err := h.d.Users.ByEmail(ctx, email)
	isNew := false
	if errors.Is(err, users.ErrNotFound) {
		addr := emailcode.Normalize(email)
		local, _, _ := strings.Cut(addr, "@")
		u, err = h.d.Users.CreateUnique(ctx, users.NewUser{Email: addr, EmailVerified: true},
			local, "", h.now())
		isNew = err == nil
		if errors.Is(err, users.ErrTaken) {
			u, err = h.d.Users.ByEmail(ctx, email)
		}
	}
	if err != nil {
		return nil, false, err
	}
	if u.IsLocked {
		return nil, false, &emailcode.Refusal{Message: msgLockedWeb}
	}
	return u, isNew, nil
}

type emailRequest struct {
	Email string `json:"email" validate:"required"`
}

type emailCodeRequest struct {
	Email    string `json:"email" validate:"required"`
	Code     string `json:"code" validate:"required,len=6,numeric"`
	Redirect string `json:"redirect"`
}

// sendLoginCode is POST /api/email/send-login-code. It answers the same
// success whatever happened, so addresses cannot be probed.
func (h *handlers) sendLoginCode(w http.ResponseWriter, r *http.Request) error {
	var req emailRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if password.ValidEmail(strings.TrimSpace(req.Email)) {
		if err := h.sendLoginCodeTo(r.Context(), req.Email); err != nil {
			var ref *emailcode.Refusal
			if !errors.As(err, &ref) {
				slog.ErrorContext(r.Context(), "send login code", "err", err)
			}
		}
	}
	httpx.Message(w, msgCodeSent)
	return nil
}

func (h *handlers) sendLoginCodeTo(ctx context.Context, email string) error {
	var uid int64
	u, err := h.d.Users.ByEmail(ctx, email)
	switch {
	case err == nil:
		uid = u.ID
	case !errors.Is(err, users.ErrNotFound):
		return err
	}
	return h.sendCode(ctx, email, emailcode.Login, uid)
}

// emailLogin is POST /api/email/login: a browser session (never
// permanent) for the code's address, registering it on first use.
func (h *handlers) emailLogin(w http.ResponseWriter, r *http.Request) error {
	var req emailCodeRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	if !password.ValidEmail(strings.TrimSpace(req.Email)) {
		return httpx.BadRequest(msgBadEmail)
	}
	u, _, err := h.signInByCode(r.Context(), req.Email, req.Code)
	if err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	h.writeSession(w, u, false)
	httpx.Success(w, httpx.M{"redirect": localRedirect(req.Redirect), "needs_password_set": !u.HasPasswordSet()})
	return nil
}

// sendBindCode is POST /api/email/send-bind-code for the session user.
func (h *handlers) sendBindCode(w http.ResponseWriter, r *http.Request) error {
	if !httpx.IsJSON(r) {
		return httpx.BadRequest(msgNotJSON)
	}
	var req emailRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		var e *httpx.Error
		if errors.As(err, &e) && e.Status == http.StatusBadRequest && !e.Framework {
			return httpx.BadRequest(msgBadEmailHint)
		}
		return err
	}
	email := strings.TrimSpace(req.Email)
	if !password.ValidEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	me := caller(r)
	if err := h.emailFree(r.Context(), email, me.ID); err != nil {
		return err
	}
	if err := h.sendCode(r.Context(), email, emailcode.Bind, me.ID); err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	httpx.Message(w, msgBindCodeSent)
	return nil
}

// emailFree refuses an address bound to another account.
func (h *handlers) emailFree(ctx context.Context, email string, me int64) error {
	other, err := h.d.Users.ByEmail(ctx, email)
	switch {
	case errors.Is(err, users.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID != me:
		return httpx.BadRequest(msgEmailTaken)
	}
	return nil
}

// bindEmail is POST /api/email/bind: a bind code makes the address the
// session user's verified e-mail.
func (h *handlers) bindEmail(w http.ResponseWriter, r *http.Request) error {
	var req emailCodeRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	email := strings.TrimSpace(req.Email)
	if !password.ValidEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	me := caller(r)
	ctx := r.Context()
	if err := h.emailFree(ctx, email, me.ID); err != nil {
		return err
	}
	if err := h.codes.Verify(ctx, email, req.Code, emailcode.Bind, me.ID); err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	addr := emailcode.Normalize(email)
	err := h.d.Users.BindEmail(ctx, me.ID, addr, h.now())
	if errors.Is(err, users.ErrTaken) {
		return httpx.BadRequest(msgEmailTaken)
	}
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"message": msgEmailBound, "data": httpx.M{"email": addr, "email_verified": true}})
	return nil
}

// sendResetCode is POST /api/forgot-password/send-code. Unknown
// addresses get the same success without a mail.
func (h *handlers) sendResetCode(w http.ResponseWriter, r *http.Request) error {
	var req emailRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	email := strings.TrimSpace(req.Email)
	if !password.ValidEmail(email) {
		return httpx.BadRequest(msgBadEmail)
	}
	ctx := r.Context()
	u, err := h.d.Users.ByEmail(ctx, email)
	if errors.Is(err, users.ErrNotFound) {
		httpx.Message(w, msgCodeSent)
		return nil
	}
	if err != nil {
		return err
	}
	if err := h.sendCode(ctx, email, emailcode.ResetPassword, u.ID); err != nil {
		return refusal(err, http.StatusBadRequest)
	}
	httpx.Message(w, msgCodeSent)
	return nil
}

type resetRequest struct {
	Email       string `json:"email" validate:"required"`
	Code        string `json:"code" validate:"required,len=6,numeric"`
	NewPassword string `json:"new_password" validate:"required,min=8,max=128"`
}

// resetPassword is POST /api/forgot-password/reset. Every failure has
// the same message; success sets the password, marks it set and ends
// every existing session and token of the account.
func (h *handlers) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var req resetRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		return err
	}
	wrong := httpx.BadRequest(emailcode.ErrWrong.Message)
	email := strings.TrimSpace(req.Email)
	if !password.ValidEmail(email) {
		return wrong
	}
	ctx := r.Context()
	u, err := h.d.Users.ByEmail(ctx, email)
	if errors.Is(err, users.ErrNotFound) {
		return wrong
	}
	if err != nil {
		return err
	}
	if err := h.codes.Verify(ctx, email, req.Code, emailcode.ResetPassword, u.ID); err != nil {
		var ref *emailcode.Refusal
		if errors.As(err, &ref) {
			return wrong
		}
		return err
	}
	hash, err := password.Hash(req.NewPassword)
	if err != nil {
		return err
	}
	if err := h.d.Users.SetPassword(ctx, u.ID, hash, true); err != nil {
		return err
	}
	httpx.Message(w, msgResetDone)
	return nil
}
