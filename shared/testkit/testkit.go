// Package testkit builds real test environments for the route groups: a
// migrated SQLite file in a temporary folder, the real platform, an HTTP
// server on a loopback port, accounts with their credentials, a mail
// outbox, and the recorded transcripts of the original system.
package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/shared/authn"
	"quizbank/shared/config"
	"quizbank/shared/mail"
	"quizbank/shared/password"
	"quizbank/shared/platform"
	"quizbank/shared/ratelimit"
	"quizbank/shared/session"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

// SecretKey is the secret of every test platform (the transcripts' one).
const SecretKey = "saksk-reference-test-secret-key-0001"

// Env is one test environment.
type Env struct {
	T      testing.TB
	Deps   *platform.Deps
	Outbox *Outbox
	Dir    string
}

// Option adjusts the configuration before the platform opens.
type Option func(map[string]string)

// WithEnv sets an environment variable of the test platform.
func WithEnv(key, value string) Option { return func(m map[string]string) { m[key] = value } }

// New opens a platform on a fresh SQLite file under t.TempDir(), with
// memory rate limits and mail captured in Outbox.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	// t.TempDir() carries the test's name, and a "#" in it would end the
	// file: URL early; a folder of our own naming avoids that.
	dir, err := os.MkdirTemp("", "quizbank-test-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	vars := map[string]string{
		"SECRET_KEY":   SecretKey,
		"DATABASE_URL": "file:" + filepath.Join(dir, "instance", "submissions.db"),
		"UPLOAD_DIR":   filepath.Join(dir, "uploads"),
		"LOG_DIR":      filepath.Join(dir, "logs"),
		"INSTANCE_DIR": filepath.Join(dir, "instance"),
		"ENABLE_GZIP":  "false",
	}
	for _, o := range opts {
		o(vars)
	}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DatabaseAuthToken)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	lim, err := ratelimit.Open(ctx, cfg.RateLimitStorageURL, cfg.RateLimitEnabled)
	if err != nil {
		t.Fatalf("rate limiter: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.Default()
	}
	d := platform.Build(cfg, db, lim, logger)
	box := &Outbox{}
	d.Mailer = box
	t.Cleanup(func() { _ = d.Close() })
	return &Env{T: t, Deps: d, Outbox: box, Dir: dir}
}

// Serve starts the groups behind the shared middleware on a loopback port.
func (e *Env) Serve(groups ...platform.Group) *httptest.Server {
	h, _ := e.Deps.Handler(groups...)
	srv := httptest.NewServer(h)
	e.T.Cleanup(srv.Close)
	return srv
}

var (
	hashMu    sync.Mutex
	hashCache = map[string]string{}
)

// hashOnce hashes each distinct password once per test binary: argon2id
// costs ~200 ms, and many tests create the same accounts.
func hashOnce(t testing.TB, pw string) string {
	hashMu.Lock()
	defer hashMu.Unlock()
	if h, ok := hashCache[pw]; ok {
		return h
	}
	h, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	hashCache[pw] = h
	return h
}

// CreateUser inserts an account with a password ("" for none). The first
// account created in an Env is admin, as in production.
func (e *Env) CreateUser(username, pw string, admin bool) *users.User {
	e.T.Helper()
	n := users.NewUser{Username: username, IsAdmin: admin}
	if pw != "" {
		n.PasswordHash, n.HasPasswordSet = hashOnce(e.T, pw), true
	}
	u, err := e.Deps.Users.Create(context.Background(), n, time.Now())
	if err != nil {
		e.T.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// Token issues a mini-program JWT for u.
func (e *Env) Token(u *users.User) string {
	e.T.Helper()
	tok, err := e.Deps.Tokens.Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		e.T.Fatal(err)
	}
	return tok
}

// Cookie is a valid web session cookie for u.
func (e *Env) Cookie(u *users.User) *http.Cookie {
	d := session.Data{UserID: u.ID, Username: u.Username, IsAdmin: u.IsAdmin,
		IsSubjectAdmin: u.IsSubjectAdmin, SessionVersion: u.SessionVersion,
		Expires: time.Now().Add(session.RememberFor).Unix()}
	return &http.Cookie{Name: session.CookieName, Value: e.Deps.Sessions.Encode(d)}
}

// Outbox records mail instead of sending it.
type Outbox struct {
	mu   sync.Mutex
	msgs []mail.Message
}

// Send records m.
func (o *Outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

// Messages returns what was sent so far.
func (o *Outbox) Messages() []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]mail.Message(nil), o.msgs...)
}

// Response is a decoded HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Raw    []byte
	JSON   map[string]any // nil when the body is not a JSON object
}

// Call sends one request to base+path. body is JSON-encoded unless it is
// a string or []byte (sent as is); auth is "Bearer <token>", a
// *http.Cookie, or nil.
func Call(t testing.TB, base, method, path string, body any, auth any, headers ...string) Response {
	t.Helper()
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	switch a := auth.(type) {
	case string:
		req.Header.Set("Authorization", a)
	case *http.Cookie:
		req.AddCookie(a)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := Response{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	_ = json.Unmarshal(raw, &out.JSON)
	return out
}

// Bearer formats a token as an Authorization header value.
func Bearer(token string) string { return "Bearer " + token }

// Identity returns a context carrying u as the authenticated caller.
func Identity(ctx context.Context, u *users.User) context.Context {
	return authn.WithIdentity(ctx, &authn.Identity{User: u, Via: authn.ViaJWT})
}
