package wechat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/shared/config"
	"quizbank/shared/testkit"
	"quizbank/shared/wechat"
)

func client(wx *testkit.WeChat, now func() time.Time) *wechat.Client {
	return wechat.New(config.WeChat{AppID: wx.AppID, Secret: wx.Secret, BaseURL: wx.URL}, wx.Client(), now)
}

func TestCode2Session(t *testing.T) {
	wx := testkit.StartWeChat(t)
	wx.AddCode("good-code", "oABC123")
	c := client(wx, nil)
	s, err := c.Code2Session(context.Background(), "good-code")
	if err != nil || s.OpenID != "oABC123" || s.SessionKey == "" {
		t.Fatalf("session %+v, err %v", s, err)
	}
	_, err = c.Code2Session(context.Background(), "bad-code")
	var apiErr *wechat.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 40029 || !strings.Contains(err.Error(), "invalid code") {
		t.Fatalf("bad code: %v", err)
	}
}

func TestErrcodeZeroIsSuccess(t *testing.T) {
	wx := testkit.StartWeChat(t)
	wx.AddCode("c", "oZero")
	wx.ZeroErrcode()
	s, err := client(wx, nil).Code2Session(context.Background(), "c")
	if err != nil || s.OpenID != "oZero" {
		t.Fatalf("errcode 0 reply: %+v, %v", s, err)
	}
}

func TestMissingConfig(t *testing.T) {
	c := wechat.New(config.WeChat{BaseURL: "http://127.0.0.1:1"}, nil, nil)
	if _, err := c.Code2Session(context.Background(), "x"); !errors.Is(err, wechat.ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
	if _, err := c.AccessToken(context.Background()); !errors.Is(err, wechat.ErrConfig) {
		t.Fatalf("err = %v, want ErrConfig", err)
	}
}

func TestNetworkErrorHidesSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	url := srv.URL
	srv.Close() // nothing listens there any more
	c := wechat.New(config.WeChat{AppID: "a", Secret: "very-secret-value", BaseURL: url}, nil, nil)
	_, err := c.Code2Session(context.Background(), "x")
	if !errors.Is(err, wechat.ErrNetwork) {
		t.Fatalf("err = %v, want ErrNetwork", err)
	}
	if strings.Contains(err.Error(), "very-secret-value") {
		t.Fatalf("error text carries the secret: %v", err)
	}
}

func TestAccessTokenCachedUntilMinuteBeforeExpiry(t *testing.T) {
	wx := testkit.StartWeChat(t)
	wx.SetTokenLifetime(600)
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := client(wx, clock)
	ctx := context.Background()
	first, err := c.AccessToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(538 * time.Second)
	mu.Unlock()
	if tok, _ := c.AccessToken(ctx); tok != first || wx.TokenCalls() != 1 {
		t.Fatalf("token refreshed early: %s after %d calls", tok, wx.TokenCalls())
	}
	mu.Lock()
	now = now.Add(2 * time.Second) // 540 s: one minute before expiry
	mu.Unlock()
	if tok, _ := c.AccessToken(ctx); tok == first || wx.TokenCalls() != 2 {
		t.Fatalf("token not refreshed at expiry-60s: %s after %d calls", tok, wx.TokenCalls())
	}
}

func TestQRCodeFallbackRules(t *testing.T) {
	ctx := context.Background()
	t.Run("page accepted", func(t *testing.T) {
		wx := testkit.StartWeChat(t)
		qr, err := client(wx, nil).UnlimitedQRCode(ctx, wechat.QRRequest{Scene: "sid=1&n=2",
			Page: "pages/web-login/web-login", EnvVersion: "release"})
		if err != nil || qr.PageUsed != "pages/web-login/web-login" || qr.Fallback || string(qr.PNG) != string(testkit.FakePNG) {
			t.Fatalf("qr %+v, err %v", qr, err)
		}
		call := wx.QRCalls()[0]
		if call["check_path"] != true || call["env_version"] != "release" || call["is_hyaline"] != true ||
			call["scene"] != "sid=1&n=2" {
			t.Fatalf("request body %v", call)
		}
	})
	t.Run("41030 falls back to index", func(t *testing.T) {
		wx := testkit.StartWeChat(t)
		wx.RejectPage("pages/web-login/web-login")
		qr, err := client(wx, nil).UnlimitedQRCode(ctx, wechat.QRRequest{Scene: "s",
			Page: "pages/web-login/web-login", EnvVersion: "develop"})
		if err != nil || qr.PageUsed != wechat.FallbackPage || !qr.Fallback {
			t.Fatalf("qr %+v, err %v", qr, err)
		}
		if calls := wx.QRCalls(); len(calls) != 2 || calls[0]["check_path"] != false {
			t.Fatalf("calls %v", calls)
		}
	})
	t.Run("then without page", func(t *testing.T) {
		wx := testkit.StartWeChat(t)
		wx.RejectPage("pages/web-login/web-login")
		wx.RejectPage(wechat.FallbackPage)
		qr, err := client(wx, nil).UnlimitedQRCode(ctx, wechat.QRRequest{Scene: "s",
			Page: "pages/web-login/web-login", EnvVersion: "release"})
		if err != nil || qr.PageUsed != "" || !qr.Fallback {
			t.Fatalf("qr %+v, err %v", qr, err)
		}
		calls := wx.QRCalls()
		if _, has := calls[2]["page"]; len(calls) != 3 || has {
			t.Fatalf("calls %v", calls)
		}
	})
	t.Run("all rejected", func(t *testing.T) {
		wx := testkit.StartWeChat(t)
		for _, p := range []string{"pages/x", wechat.FallbackPage, ""} {
			wx.RejectPage(p)
		}
		_, err := client(wx, nil).UnlimitedQRCode(ctx, wechat.QRRequest{Scene: "s", Page: "pages/x", EnvVersion: "release"})
		var apiErr *wechat.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != wechat.CodeInvalidPage {
			t.Fatalf("err = %v", err)
		}
	})
}
