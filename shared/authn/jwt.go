// Package authn proves who is calling: it issues and checks the
// mini-program's HS256 JWTs and the web session cookie, and provides the
// route guards of api.md §0.2 (user with either credential, JWT only,
// session only, admin, staff) with the contract's 401/403 bodies.
package authn

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenLifetime is how long a mini-program token is valid.
const TokenLifetime = 7 * 24 * time.Hour

// Claims are the original's token claims: no sub, iss or aud.
type Claims struct {
	UserID         int64  `json:"user_id"`
	OpenID         string `json:"openid"`
	SessionVersion int64  `json:"session_version"`
	jwt.RegisteredClaims
}

// Tokens issues and parses JWTs signed with SECRET_KEY.
type Tokens struct {
	secret []byte
	now    func() time.Time

	// verified remembers tokens whose signature already checked out, so a
	// client's steady traffic costs one HMAC and JSON decode per token,
	// not per request. Expiry is still checked on every use.
	mu       sync.Mutex
	verified map[string]*Claims
}

// verifiedCap bounds the memory of the verified-token cache.
const verifiedCap = 10000

// NewTokens returns a Tokens for secret; now is the clock.
func NewTokens(secret string, now func() time.Time) *Tokens {
	return &Tokens{secret: []byte(secret), now: now, verified: map[string]*Claims{}}
}

// Issue signs a token for the user.
func (t *Tokens) Issue(userID int64, openid string, sessionVersion int64) (string, error) {
	now := t.now()
	c := Claims{
		UserID: userID, OpenID: openid, SessionVersion: sessionVersion,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(TokenLifetime)),
		},
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// ErrBadToken means the token does not decode, is not HS256 with our key,
// or has expired.
var ErrBadToken = errors.New("token invalid or expired")

// Parse checks signature, algorithm (HS256 only) and expiry.
func (t *Tokens) Parse(token string) (*Claims, error) {
	t.mu.Lock()
	c, ok := t.verified[token]
	t.mu.Unlock()
	if ok {
		if c.ExpiresAt == nil || !t.now().Before(c.ExpiresAt.Add(5*time.Second)) {
			return nil, ErrBadToken
		}
		cp := *c
		return &cp, nil
	}
	c, err := t.parse(token)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	if len(t.verified) >= verifiedCap {
		for k := range t.verified { // drop an arbitrary tenth
			delete(t.verified, k)
			if len(t.verified) < verifiedCap*9/10 {
				break
			}
		}
	}
	t.verified[token] = c
	t.mu.Unlock()
	cp := *c
	return &cp, nil
}

func (t *Tokens) parse(token string) (*Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(tk *jwt.Token) (any, error) {
		// RFC 7515 §4.1.11: a token with critical extensions we do not
		// understand must be refused.
		if _, ok := tk.Header["crit"]; ok {
			return nil, ErrBadToken
		}
		return t.secret, nil
	},
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now), jwt.WithLeeway(5*time.Second))
	if err != nil || c.UserID <= 0 {
		return nil, ErrBadToken
	}
	return &c, nil
}
