package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/password"
	"quizbank/shared/session"
	"quizbank/shared/users"
)

// findAccount looks an identifier up the way every password login does:
// by e-mail when it contains "@", else by username.
func (h *handlers) findAccount(ctx context.Context, identifier string) (*users.User, error) {
	identifier = strings.TrimSpace(identifier)
	if strings.Contains(identifier, "@") {
		return h.d.Users.ByEmail(ctx, identifier)
	}
	return h.d.Users.ByUsername(ctx, identifier)
}

// passwordMatches checks pw against the account's hash and upgrades an
// older (Werkzeug) hash to argon2id on success. Accounts without a hash
// never match.
func (h *handlers) passwordMatches(ctx context.Context, u *users.User, pw string) bool {
	if u == nil || u.PasswordHash == "" || pw == "" {
		return false
	}
	ok, rehash := password.Verify(u.PasswordHash, pw)
	if ok && rehash {
		if fresh, err := password.Hash(pw); err == nil {
			if err := h.d.Users.Rehash(ctx, u.ID, fresh); err != nil {
				slog.WarnContext(ctx, "upgrade password hash", "user_id", u.ID, "err", err)
			}
		}
	}
	return ok
}

// lookupAndVerify finds the account of identifier and checks pw. A
// missing account costs one hash too, so response time does not reveal
// which usernames exist.
func (h *handlers) lookupAndVerify(ctx context.Context, identifier, pw string) (*users.User, error) {
	u, err := h.findAccount(ctx, identifier)
	if errors.Is(err, users.ErrNotFound) {
		password.Verify(dummyHash(), pw)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" {
		password.Verify(dummyHash(), pw) // same cost as a real check
		return nil, nil
	}
	if !h.passwordMatches(ctx, u, pw) {
		return nil, nil
	}
	return u, nil
}

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is a valid argon2id hash of a random string, verified against
// when the account does not exist. It is made on first use, not at start.
func dummyHash() string {
	dummyOnce.Do(func() { dummy, _ = password.Hash(randomHex(16)) })
	return dummy
}

// writeSession starts a web session for u.
func (h *handlers) writeSession(w http.ResponseWriter, u *users.User, permanent bool) {
	h.d.Sessions.Write(w, session.Data{
		UserID: u.ID, Username: u.Username, IsAdmin: u.IsAdmin, IsSubjectAdmin: u.IsSubjectAdmin,
		IsNotificationAdmin: u.IsNotificationAdmin, SessionVersion: u.SessionVersion, Permanent: permanent,
	}, h.now())
}

// nullable renders "" as JSON null, as the original renders NULL columns.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// userInfo is the user_info object of the token payloads (api.md §1.3).
func userInfo(u *users.User, isNew bool) httpx.M {
	return httpx.M{
		"id": u.ID, "username": u.Username, "avatar": nullable(u.Avatar), "is_new_user": isNew,
		"wechat_bound": u.OpenID != "", "is_admin": u.IsAdmin, "is_subject_admin": u.IsSubjectAdmin,
	}
}

// tokenPayload issues a JWT for u and renders the common success payload.
func (h *handlers) tokenPayload(u *users.User, isNew bool) (httpx.M, error) {
	tok, err := h.d.Tokens.Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		return nil, err
	}
	return httpx.M{"user_id": u.ID, "token": tok, "user_info": userInfo(u, isNew)}, nil
}

// caller is the authenticated user the guard attached.
func caller(r *http.Request) *users.User {
	if id := authn.FromContext(r.Context()); id != nil {
		return id.User
	}
	return nil
}

// hasBearer reports whether the request carries any Bearer header.
func hasBearer(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	return len(a) >= 7 && strings.EqualFold(a[:7], "Bearer ")
}

// webSession is user(S) for the handlers that check the session
// themselves in the original: a caller with only a Bearer header passes
// the global guard there and is refused by the handler with
// {"status":"error"}.
func (h *handlers) webSession(next http.Handler) http.Handler {
	guarded := h.d.Guard.Session(next)
	return httpx.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := h.d.Sessions.Read(r, h.now()); !ok && hasBearer(r) {
			return httpx.Errorf(http.StatusUnauthorized, "%s", authn.MsgLogin)
		}
		guarded.ServeHTTP(w, r)
		return nil
	})
}

// validEmail applies the contract's address pattern to trimmed input.
func validEmail(s string) bool { return password.ValidEmail(strings.TrimSpace(s)) }
