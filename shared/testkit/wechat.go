package testkit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// FakePNG is what the fake WeChat returns as a mini-program code.
var FakePNG = []byte("\x89PNG\r\n\x1a\nfake-wxacode")

// WeChat is a local stand-in for api.weixin.qq.com that answers the three
// calls the auth group makes with WeChat's real JSON shapes. Codes map
// wx.login codes to openids; unknown codes get errcode 40029.
type WeChat struct {
	*httptest.Server
	AppID, Secret string

	mu          sync.Mutex
	codes       map[string]string
	tokenCalls  int
	qrCalls     []map[string]any
	badPages    map[string]bool // pages answered with 41030
	zeroErrcode bool
	expiresIn   int
	tokenSerial int
}

// StartWeChat starts the fake; it stops when the test ends.
func StartWeChat(t testing.TB) *WeChat {
	t.Helper()
	wx := &WeChat{AppID: "wx-test-appid", Secret: "wx-test-secret", codes: map[string]string{},
		badPages: map[string]bool{}, expiresIn: 7200}
	wx.Server = httptest.NewServer(http.HandlerFunc(wx.serve))
	t.Cleanup(wx.Close)
	return wx
}

// Env is the WeChat part of a test platform's environment.
func (wx *WeChat) Env() []Option {
	return []Option{WithEnv("WECHAT_APPID", wx.AppID), WithEnv("WECHAT_SECRET", wx.Secret),
		WithEnv("WECHAT_API_BASE", wx.URL)}
}

// AddCode makes code resolve to openid (each code may be used any number
// of times, unlike WeChat's, so tests can replay).
func (wx *WeChat) AddCode(code, openid string) {
	wx.mu.Lock()
	wx.codes[code] = openid
	wx.mu.Unlock()
}

// RejectPage makes getwxacodeunlimit answer 41030 for page ("" is the
// request without a page).
func (wx *WeChat) RejectPage(page string) {
	wx.mu.Lock()
	wx.badPages[page] = true
	wx.mu.Unlock()
}

// ZeroErrcode makes code2session add "errcode":0 to its successes.
func (wx *WeChat) ZeroErrcode() { wx.mu.Lock(); wx.zeroErrcode = true; wx.mu.Unlock() }

// SetTokenLifetime sets expires_in of new access tokens.
func (wx *WeChat) SetTokenLifetime(seconds int) { wx.mu.Lock(); wx.expiresIn = seconds; wx.mu.Unlock() }

// TokenCalls is how many access tokens were handed out.
func (wx *WeChat) TokenCalls() int { wx.mu.Lock(); defer wx.mu.Unlock(); return wx.tokenCalls }

// QRCalls are the JSON bodies getwxacodeunlimit received.
func (wx *WeChat) QRCalls() []map[string]any {
	wx.mu.Lock()
	defer wx.mu.Unlock()
	return append([]map[string]any(nil), wx.qrCalls...)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (wx *WeChat) serve(w http.ResponseWriter, r *http.Request) {
	wx.mu.Lock()
	defer wx.mu.Unlock()
	q := r.URL.Query()
	switch r.URL.Path {
	case "/sns/jscode2session":
		if q.Get("appid") != wx.AppID || q.Get("secret") != wx.Secret || q.Get("grant_type") != "authorization_code" {
			writeJSON(w, map[string]any{"errcode": 40013, "errmsg": "invalid appid"})
			return
		}
		openid, ok := wx.codes[q.Get("js_code")]
		if !ok {
			writeJSON(w, map[string]any{"errcode": 40029, "errmsg": "invalid code, rid: 6f1a2b3c"})
			return
		}
		reply := map[string]any{"openid": openid, "session_key": "c2Vzc2lvbi1rZXk="}
		if wx.zeroErrcode {
			reply["errcode"], reply["errmsg"] = 0, "ok"
		}
		writeJSON(w, reply)
	case "/cgi-bin/token":
		if q.Get("appid") != wx.AppID || q.Get("secret") != wx.Secret || q.Get("grant_type") != "client_credential" {
			writeJSON(w, map[string]any{"errcode": 40125, "errmsg": "invalid appsecret"})
			return
		}
		wx.tokenCalls++
		wx.tokenSerial++
		writeJSON(w, map[string]any{"access_token": fmt.Sprintf("ACCESS_TOKEN_%d", wx.tokenSerial),
			"expires_in": wx.expiresIn})
	case "/wxa/getwxacodeunlimit":
		if !strings.HasPrefix(q.Get("access_token"), "ACCESS_TOKEN_") || r.Method != http.MethodPost {
			writeJSON(w, map[string]any{"errcode": 40001, "errmsg": "invalid credential"})
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			writeJSON(w, map[string]any{"errcode": 47001, "errmsg": "data format error"})
			return
		}
		wx.qrCalls = append(wx.qrCalls, body)
		page, _ := body["page"].(string)
		if wx.badPages[page] {
			writeJSON(w, map[string]any{"errcode": 41030, "errmsg": "invalid page rid: 1a2b"})
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(FakePNG)
	default:
		writeJSON(w, map[string]any{"errcode": 40066, "errmsg": "invalid url"})
	}
}
