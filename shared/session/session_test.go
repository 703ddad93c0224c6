package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCookieRoundTripAndTamper(t *testing.T) {
	now := time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC)
	c := NewCodec("secret-one", true)
	rec := httptest.NewRecorder()
	c.Write(rec, Data{UserID: 7, Username: "admin", IsAdmin: true, SessionVersion: 3, Permanent: true}, now)
	ck := rec.Result().Cookies()[0]
	if !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
		t.Fatalf("cookie flags: %+v", ck)
	}
	if want := now.Add(RememberFor); !ck.Expires.Equal(want) {
		t.Fatalf("Expires = %v, want %v", ck.Expires, want)
	}
	d, err := c.Decode(ck.Value, now.Add(time.Hour))
	if err != nil || d.UserID != 7 || d.SessionVersion != 3 || !d.IsAdmin {
		t.Fatalf("Decode = %+v, %v", d, err)
	}
	if _, err := c.Decode(ck.Value, now.Add(RememberFor+time.Second)); err == nil {
		t.Fatal("expired cookie accepted")
	}
	if _, err := NewCodec("secret-two", true).Decode(ck.Value, now); err == nil {
		t.Fatal("cookie signed with another key accepted")
	}
	p, sig, _ := strings.Cut(ck.Value, ".")
	forged := strings.Replace(p, p[:4], "eyJ1", 1) + "." + sig
	if _, err := c.Decode(forged, now); err == nil && forged != ck.Value {
		t.Fatal("tampered payload accepted")
	}
	for _, junk := range []string{"", ".", "abc", "a.b.c", p + "."} {
		if _, err := c.Decode(junk, now); err == nil {
			t.Fatalf("junk %q accepted", junk)
		}
	}
}

func TestBrowserSessionHasNoExpires(t *testing.T) {
	rec := httptest.NewRecorder()
	NewCodec("k", false).Write(rec, Data{UserID: 1}, time.Now())
	ck := rec.Result().Cookies()[0]
	if !ck.Expires.IsZero() || ck.Secure {
		t.Fatalf("non-permanent cookie: %+v", ck)
	}
	rec = httptest.NewRecorder()
	NewCodec("k", false).Clear(rec)
	if ck := rec.Result().Cookies()[0]; ck.MaxAge >= 0 || ck.Value != "" {
		t.Fatalf("Clear wrote %+v", ck)
	}
}
