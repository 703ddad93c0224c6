package auth_test

import (
	"context"
	"encoding/base64"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"quizbank/shared/testkit"
)

func TestTokenClaimsExactly(t *testing.T) {
	s := newSite(t)
	s.env.CreateUser("claims", "Claims123", false)
	before := time.Now().Unix()
	r := s.call("POST", "/api/mini/login", map[string]string{"account": "claims", "password": "Claims123"}, nil)
	wantStatus(t, r, 200, "success")
	tok := data(t, r)["token"].(string)
	header, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if !strings.Contains(string(header), `"alg":"HS256"`) {
		t.Errorf("header %s", header)
	}
	c := decodeClaims(t, tok)
	var keys []string
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "exp,iat,openid,session_version,user_id" {
		t.Fatalf("claims %v", keys)
	}
	iat, exp := int64(c["iat"].(float64)), int64(c["exp"].(float64))
	if iat < before-1 || iat > time.Now().Unix()+1 || exp-iat != 7*24*3600 {
		t.Fatalf("iat %d exp %d", iat, exp)
	}
}

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokenAlgorithmPinnedAndExpiryChecked(t *testing.T) {
	s := newSite(t)
	u := s.env.CreateUser("pinned", "Pinned123", false)
	now := time.Now()
	claims := func(exp time.Time) jwt.MapClaims {
		return jwt.MapClaims{"user_id": u.ID, "openid": "", "session_version": 0, "iat": now.Unix(), "exp": exp.Unix()}
	}
	key := []byte(testkit.SecretKey)
	good := sign(t, jwt.SigningMethodHS256, key, claims(now.Add(time.Hour)))
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(good)), 200, "success")

	bad := map[string]string{
		"HS512":       sign(t, jwt.SigningMethodHS512, key, claims(now.Add(time.Hour))),
		"none":        sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(now.Add(time.Hour))),
		"expired":     sign(t, jwt.SigningMethodHS256, key, claims(now.Add(-time.Minute))),
		"no exp":      sign(t, jwt.SigningMethodHS256, key, jwt.MapClaims{"user_id": u.ID, "session_version": 0}),
		"other key":   sign(t, jwt.SigningMethodHS256, []byte("another-secret-key-xxxxxxxxxxxx"), claims(now.Add(time.Hour))),
		"garbage":     "not-a-jwt",
		"empty":       "",
		"tampered":    good[:len(good)-2] + "xx",
		"user absent": sign(t, jwt.SigningMethodHS256, key, jwt.MapClaims{"user_id": 999, "openid": "", "session_version": 0, "exp": now.Add(time.Hour).Unix()}),
	}
	for name, tok := range bad {
		for _, p := range []string{"/api/mini/me", "/api/web_login/confirm", "/api/mini/wechat/bind"} {
			method := "POST"
			if p == "/api/mini/me" {
				method = "GET"
			}
			r := s.call(method, p, map[string]string{"sid": "x", "nonce": "y", "code": "z"}, testkit.Bearer(tok))
			if r.Status != 401 {
				t.Errorf("%s token on %s: %d %s", name, p, r.Status, r.Raw)
			}
			msg, _ := r.JSON["message"].(string)
			if !strings.Contains(msg, "登录") && !strings.Contains(msg, "过期") && !strings.Contains(msg, "token") {
				t.Errorf("%s token on %s: message %q", name, p, msg)
			}
		}
		// A garbage Bearer never stands in for a session either.
		if r := s.call("GET", "/api/profile", nil, testkit.Bearer(tok)); r.Status != 401 {
			t.Errorf("%s token on /api/profile: %d", name, r.Status)
		}
	}
}

func TestSessionVersionBumpKillsTokenAndCookie(t *testing.T) {
	s := newSite(t)
	u := s.env.CreateUser("revoked", "Revoked123", false)
	login := s.call("POST", "/api/login", map[string]any{"username": "revoked", "password": "Revoked123", "remember": true}, nil)
	wantStatus(t, login, 200, "success")
	ck := sessionCookie(login)
	if ck.Expires.Sub(time.Now()) < 6*24*time.Hour {
		t.Errorf("remember cookie expires %v", ck.Expires)
	}
	mini := s.call("POST", "/api/mini/login", map[string]string{"username": "revoked", "password": "Revoked123"}, nil)
	tok := data(t, mini)["token"].(string)
	wantStatus(t, s.call("GET", "/api/profile", nil, ck), 200, "success")
	wantStatus(t, s.call("GET", "/api/mini/me", nil, testkit.Bearer(tok)), 200, "success")

	if err := s.env.Deps.Users.Revoke(context.Background(), u.ID); err != nil {
		t.Fatal(err)
	}
	r := s.call("GET", "/api/profile", nil, ck)
	wantStatus(t, r, 401, "unauthorized")
	if c := sessionCookie(r); c == nil || c.MaxAge >= 0 {
		t.Error("revoked session cookie not cleared")
	}
	r = s.call("GET", "/api/mini/me", nil, testkit.Bearer(tok))
	wantStatus(t, r, 401, "error")
	if !strings.Contains(r.JSON["message"].(string), "过期") {
		t.Errorf("message %v", r.JSON["message"])
	}
}

func TestLogoutClearsActivity(t *testing.T) {
	s := newSite(t)
	u := s.env.CreateUser("leaver", "Leaver123", false)
	ck := s.env.Cookie(u)
	wantStatus(t, s.call("GET", "/api/profile", nil, ck), 200, "success")
	var active *string
	_ = s.env.Deps.DB.QueryRow(`SELECT last_active FROM users WHERE id = ?`, u.ID).Scan(&active)
	if active == nil {
		t.Fatal("a web request did not record activity")
	}
	wantStatus(t, s.call("POST", "/api/logout", nil, ck), 200, "success")
	_ = s.env.Deps.DB.QueryRow(`SELECT last_active FROM users WHERE id = ?`, u.ID).Scan(&active)
	if active != nil {
		t.Fatalf("last_active %q after logout", *active)
	}
	wantStatus(t, s.call("POST", "/api/logout", nil, nil), 401, "unauthorized")
}
