// Package wechat is the client of the WeChat mini-program server API the
// auth group needs: code2session (who is this mini-program user), the
// client-credential access token (cached until a minute before it
// expires) and getwxacodeunlimit (the QR "mini-program code" PNG of the
// scan-login and bind flows). The base URL is configurable so tests can
// run a local server that answers WeChat's JSON.
package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"quizbank/shared/config"
)

// ErrConfig means WECHAT_APPID / WECHAT_SECRET are not set.
var ErrConfig = errors.New("小程序配置缺失")

// ErrNetwork means WeChat could not be reached or answered garbage.
var ErrNetwork = errors.New("网络请求失败")

// APIError is a WeChat reply with a non-zero errcode; Msg is WeChat's
// errmsg, which the contract shows to the user.
type APIError struct {
	Code int
	Msg  string
}

func (e *APIError) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("微信接口错误 %d", e.Code)
	}
	return e.Msg
}

// Error codes the client reacts to, and the code2session time limit.
const (
	CodeInvalidPage     = 41030
	CodeInvalidToken    = 40001
	CodeExpiredToken    = 42001
	code2SessionTimeout = 10 * time.Second
)

// FallbackPage is tried when WeChat rejects the requested page (41030).
const FallbackPage = "pages/index/index"

// Client calls the WeChat API.
type Client struct {
	BaseURL string
	AppID   string
	Secret  string
	HTTP    *http.Client
	Now     func() time.Time

	mu       sync.Mutex
	token    string
	tokenExp time.Time
}

// New builds a client from the configuration.
func New(cfg config.WeChat, client *http.Client, now func() time.Time) *Client {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = "https://api.weixin.qq.com"
	}
	return &Client{BaseURL: base, AppID: cfg.AppID, Secret: cfg.Secret, HTTP: client, Now: now}
}

// Configured reports whether appid and secret are set.
func (c *Client) Configured() bool { return c.AppID != "" && c.Secret != "" }

// Session is what code2session reveals.
type Session struct {
	OpenID     string `json:"openid"`
	SessionKey string `json:"session_key"`
	UnionID    string `json:"unionid"`
}

type apiReply struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (r apiReply) err() error {
	if r.ErrCode != nil && *r.ErrCode != 0 {
		return &APIError{Code: *r.ErrCode, Msg: r.ErrMsg}
	}
	return nil
}

func (c *Client) getJSON(ctx context.Context, path string, q url.Values, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("wechat %s: %w", path, err)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("wechat %s: %w: %w", path, ErrNetwork, stripURL(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("wechat %s: %w: %w", path, ErrNetwork, err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("wechat %s: HTTP %d, not JSON: %w", path, resp.StatusCode, ErrNetwork)
	}
	return nil
}

// Code2Session trades a wx.login code for the user's openid. An errcode
// of 0 counts as success (WeChat sometimes sends it).
func (c *Client) Code2Session(ctx context.Context, code string) (Session, error) {
	if !c.Configured() {
		return Session{}, ErrConfig
	}
	ctx, cancel := context.WithTimeout(ctx, code2SessionTimeout)
	defer cancel()
	var reply struct {
		apiReply
		Session
	}
	q := url.Values{"appid": {c.AppID}, "secret": {c.Secret}, "js_code": {code},
		"grant_type": {"authorization_code"}}
	if err := c.getJSON(ctx, "/sns/jscode2session", q, &reply); err != nil {
		return Session{}, err
	}
	if err := reply.err(); err != nil {
		return Session{}, err
	}
	if reply.OpenID == "" {
		return Session{}, &APIError{Msg: "微信未返回openid"}
	}
	return reply.Session, nil
}

// AccessToken returns the client-credential token, from the cache while
// it has more than a minute left.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	if !c.Configured() {
		return "", ErrConfig
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.Now().Before(c.tokenExp) {
		return c.token, nil
	}
	var reply struct {
		apiReply
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	q := url.Values{"grant_type": {"client_credential"}, "appid": {c.AppID}, "secret": {c.Secret}}
	if err := c.getJSON(ctx, "/cgi-bin/token", q, &reply); err != nil {
		return "", err
	}
	if err := reply.err(); err != nil {
		return "", err
	}
	if reply.AccessToken == "" {
		return "", &APIError{Msg: "微信未返回access_token"}
	}
	c.token = reply.AccessToken
	c.tokenExp = c.Now().Add(time.Duration(reply.ExpiresIn)*time.Second - time.Minute)
	return c.token, nil
}

func (c *Client) dropToken(tok string) {
	c.mu.Lock()
	if c.token == tok {
		c.token = ""
	}
	c.mu.Unlock()
}

// QRRequest describes one unlimited mini-program code.
type QRRequest struct {
	Scene      string
	Page       string
	EnvVersion string // develop, trial or release
}

// QRCode is a generated code image and the page it opens ("" when WeChat
// accepted it only without a page).
type QRCode struct {
	PNG      []byte
	PageUsed string
	Fallback bool
}

// UnlimitedQRCode calls getwxacodeunlimit. When WeChat rejects the page
// (41030) it retries with FallbackPage, then without a page. A rejected
// access token is refreshed once.
func (c *Client) UnlimitedQRCode(ctx context.Context, r QRRequest) (QRCode, error) {
	pages := []string{r.Page}
	if r.Page != FallbackPage {
		pages = append(pages, FallbackPage)
	}
	pages = append(pages, "")
	var last error
	for i, page := range pages {
		png, err := c.qrOnce(ctx, r, page, true)
		if err == nil {
			return QRCode{PNG: png, PageUsed: page, Fallback: i > 0}, nil
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Code != CodeInvalidPage {
			return QRCode{}, err
		}
		last = err
	}
	return QRCode{}, last
}

func (c *Client) qrOnce(ctx context.Context, r QRRequest, page string, retryToken bool) ([]byte, error) {
	tok, err := c.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"scene": r.Scene, "check_path": r.EnvVersion == "release",
		"env_version": r.EnvVersion, "is_hyaline": true,
	}
	if page != "" {
		body["page"] = page
	}
	raw, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		c.BaseURL+"/wxa/getwxacodeunlimit?access_token="+url.QueryEscape(tok), bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("wechat getwxacodeunlimit: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("wechat getwxacodeunlimit: %w: %w", ErrNetwork, stripURL(err))
	}
	defer resp.Body.Close()
	img, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("wechat getwxacodeunlimit: %w: %w", ErrNetwork, err)
	}
	trimmed := bytes.TrimSpace(img)
	if strings.Contains(resp.Header.Get("Content-Type"), "json") || (len(trimmed) > 0 && trimmed[0] == '{') {
		var reply apiReply
		if err := json.Unmarshal(trimmed, &reply); err != nil {
			return nil, fmt.Errorf("wechat getwxacodeunlimit: bad JSON reply: %w", ErrNetwork)
		}
		err := reply.err()
		if err == nil {
			err = &APIError{Msg: "微信未返回图片"}
		}
		var apiErr *APIError
		if retryToken && errors.As(err, &apiErr) &&
			(apiErr.Code == CodeInvalidToken || apiErr.Code == CodeExpiredToken) {
			c.dropToken(tok)
			return c.qrOnce(ctx, r, page, false)
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || len(img) == 0 {
		return nil, fmt.Errorf("wechat getwxacodeunlimit: HTTP %d: %w", resp.StatusCode, ErrNetwork)
	}
	return img, nil
}

// stripURL drops the request URL from a transport error: its query holds
// the app secret or the access token, which must not reach a log line.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
