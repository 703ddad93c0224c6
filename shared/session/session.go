// Package session signs and reads the web session cookie. Like Flask's,
// the cookie holds the session data itself (user id, role flags and the
// session_version it was issued under), signed with a key derived from
// SECRET_KEY; revocation works by comparing session_version with the
// database on every request.
package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// CookieName is the original's cookie name.
const CookieName = "session"

// RememberFor is the lifetime of a "remember me" (permanent) session.
const RememberFor = 7 * 24 * time.Hour

// Data is what a session carries.
type Data struct {
	UserID              int64  `json:"user_id"`
	Username            string `json:"username"`
	IsAdmin             bool   `json:"is_admin"`
	IsSubjectAdmin      bool   `json:"is_subject_admin"`
	IsNotificationAdmin bool   `json:"is_notification_admin"`
	SessionVersion      int64  `json:"session_version"`
	Permanent           bool   `json:"permanent,omitempty"`
	// Expires is a Unix time after which the signature is no longer
	// accepted, also for browser-session cookies.
	Expires int64 `json:"exp"`
}

// Codec encodes and verifies session cookies.
type Codec struct {
	key    []byte
	secure bool
}

// NewCodec derives the signing key from the application secret.
func NewCodec(secret string, secure bool) *Codec {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("quizbank session cookie v1"))
	return &Codec{key: mac.Sum(nil), secure: secure}
}

var errInvalid = errors.New("invalid session cookie")

// Encode signs d.
func (c *Codec) Encode(d Data) string {
	payload, _ := json.Marshal(d)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(c.sign(p))
}

func (c *Codec) sign(p string) []byte {
	mac := hmac.New(sha256.New, c.key)
	mac.Write([]byte(p))
	return mac.Sum(nil)
}

// Decode verifies and reads a cookie value.
func (c *Codec) Decode(value string, now time.Time) (Data, error) {
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return Data{}, errInvalid
	}
	want := c.sign(p)
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, want) {
		return Data{}, errInvalid
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Data{}, errInvalid
	}
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil || d.UserID <= 0 {
		return Data{}, errInvalid
	}
	if now.Unix() >= d.Expires {
		return Data{}, errInvalid
	}
	return d, nil
}

// Read returns the request's session, if it has a valid one.
func (c *Codec) Read(r *http.Request, now time.Time) (Data, bool) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return Data{}, false
	}
	d, err := c.Decode(ck.Value, now)
	return d, err == nil
}

// Write sets the session cookie. A permanent session carries an Expires
// seven days out; otherwise the browser drops it when it closes, and the
// server still stops accepting it after seven days.
func (c *Codec) Write(w http.ResponseWriter, d Data, now time.Time) {
	d.Expires = now.Add(RememberFor).Unix()
	ck := &http.Cookie{
		Name:     CookieName,
		Value:    c.Encode(d),
		Path:     "/",
		HttpOnly: true,
		Secure:   c.secure,
		SameSite: http.SameSiteLaxMode,
	}
	if d.Permanent {
		ck.Expires = now.Add(RememberFor).UTC()
	}
	http.SetCookie(w, ck)
}

// Clear deletes the session cookie.
func (c *Codec) Clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		Expires: time.Unix(0, 0), HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
}
