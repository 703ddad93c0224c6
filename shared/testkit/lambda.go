package testkit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"quizbank/shared/store/hranatest"

	"quizbank/shared/authn"
	"quizbank/shared/session"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

// Lambda is one route group's function running under the AWS Lambda
// Runtime Interface Emulator, with an HTTP front that plays API Gateway
// (HTTP API, payload 2.0).
type Lambda struct {
	// URL is the base URL of the API Gateway stand-in.
	URL string
	// Bootstrap is the path of the built function binary.
	Bootstrap string

	invokeURL string
	logs      *SyncBuffer
	mu        sync.Mutex // the emulator runs one invocation at a time
}

// StartLambda builds functions/<group>/lambda (once per test binary),
// runs it under aws-lambda-rie on loopback ports with env as the
// function's environment, and returns the base URL of an HTTP server that
// turns requests into API Gateway v2 events and their answers back.
func StartLambda(t testing.TB, group string, env map[string]string) string {
	t.Helper()
	return StartLambdaFunction(t, group, env).URL
}

// StartLambdaFunction is StartLambda returning the function itself, for
// tests that read its log (cold-start figures).
func StartLambdaFunction(t testing.TB, group string, env map[string]string) *Lambda {
	t.Helper()
	bootstrap := BuildLambda(t, group)
	rie := FindBinary(t, "aws-lambda-rie")
	l := &Lambda{Bootstrap: bootstrap, logs: &SyncBuffer{}}
	var lastErr error
	for range 3 {
		emuPort, apiPort := FreePort(t), FreePort(t)
		if emuPort == apiPort {
			continue
		}
		cmd := exec.Command(rie,
			"--runtime-interface-emulator-address", "127.0.0.1:"+strconv.Itoa(emuPort),
			"--runtime-api-address", "127.0.0.1:"+strconv.Itoa(apiPort),
			bootstrap)
		cmd.Dir = t.TempDir()
		cmd.Env = lambdaEnv(env)
		cmd.Stdout, cmd.Stderr = l.logs, l.logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so cleanup reaches the bootstrap too
		if err := cmd.Start(); err != nil {
			t.Fatalf("start aws-lambda-rie: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		addr := "127.0.0.1:" + strconv.Itoa(emuPort)
		if lastErr = waitListening(addr, exited, 10*time.Second); lastErr != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			continue
		}
		t.Cleanup(func() {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-exited
			}
			if t.Failed() {
				t.Logf("%s function log:\n%s", group, l.Logs())
			}
		})
		l.invokeURL = "http://" + addr + "/2015-03-31/functions/function/invocations"
		front := httptest.NewServer(http.HandlerFunc(l.serve))
		t.Cleanup(front.Close)
		l.URL = front.URL
		return l
	}
	t.Fatalf("aws-lambda-rie did not start: %v\n%s", lastErr, l.Logs())
	return nil
}

// lambdaEnv is the emulator's environment (which it forwards to the
// function): the caller's variables plus what a function needs to run.
func lambdaEnv(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "TZ=UTC",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=30", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_REGION=us-east-1"}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// Logs is everything the emulator and the function wrote so far.
func (l *Lambda) Logs() string { return l.logs.String() }

// initReport is the emulator's line at the end of a cold start. (Its
// REPORT line's "Init Duration" is not the init time: the emulator reads
// it before the asynchronous init has run.)
var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the cold start the emulator reported for the first
// invocation (its INIT REPORT line: process start to runtime ready), or
// 0 before that.
func (l *Lambda) InitDuration() time.Duration {
	m := initReport.FindStringSubmatch(l.Logs())
	if m == nil {
		return 0
	}
	ms, _ := strconv.ParseFloat(m[1], 64)
	return time.Duration(ms * float64(time.Millisecond))
}

// serve is the API Gateway stand-in: one HTTP request, one invocation.
func (l *Lambda) serve(w http.ResponseWriter, r *http.Request) {
	event, err := toEvent(r)
	if err != nil {
		http.Error(w, "gateway: "+err.Error(), http.StatusBadRequest)
		return
	}
	payload, _ := json.Marshal(event)
	l.mu.Lock()
	raw, err := invoke(r.Context(), l.invokeURL, payload)
	l.mu.Unlock()
	if err != nil {
		http.Error(w, "gateway: "+err.Error(), http.StatusBadGateway)
		return
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(raw, &resp); err != nil || resp.StatusCode == 0 {
		// A crash or an unhandled error: API Gateway answers 500.
		http.Error(w, "gateway: function error: "+string(raw), http.StatusInternalServerError)
		return
	}
	if err := writeResponse(w, resp); err != nil {
		http.Error(w, "gateway: "+err.Error(), http.StatusBadGateway)
	}
}

func invoke(ctx context.Context, url string, payload []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("read invocation result: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("emulator answered %d: %s", res.StatusCode, raw)
	}
	return raw, nil
}

// toEvent builds the HTTP API payload 2.0 event API Gateway would send:
// lower-case headers with repeats joined by commas, cookies split out of
// the Cookie header, a binary body in base64.
func toEvent(r *http.Request) (events.APIGatewayV2HTTPRequest, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("read body: %w", err)
	}
	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		key := strings.ToLower(k)
		if key == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[key] = strings.Join(vs, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	if len(body) > 0 {
		headers["content-length"] = strconv.Itoa(len(body))
	}
	source, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		source = r.RemoteAddr
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	now := time.Now()
	ev := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "$default",
		RawPath:        r.URL.EscapedPath(),
		RawQueryString: r.URL.RawQuery,
		Cookies:        cookies,
		Headers:        headers,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:    "123456789012",
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: "local",
			RequestID:    hex.EncodeToString(id[:]),
			RouteKey:     "$default",
			Stage:        "$default",
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  source,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return ev, nil
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			return fmt.Errorf("response body is not base64: %w", err)
		}
		body = b
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		h.Del(k)
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	h.Del("Content-Length") // recomputed for the decoded body
	w.WriteHeader(resp.StatusCode)
	_, err := w.Write(body)
	return err
}

// waitListening waits until addr accepts TCP connections.
func waitListening(addr string, exited <-chan error, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("process exited: %v", err)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("nothing listening on %s within %s", addr, within)
}

// SyncBuffer collects output written from several goroutines or a child
// process, for reading while the writers run.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FunctionEnv is the environment of a function under test: the test
// secret, databaseURL, private data folders, console mail, and extra
// key/value pairs on top.
func FunctionEnv(t testing.TB, databaseURL string, extra ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"SECRET_KEY":    SecretKey,
		"DATABASE_URL":  databaseURL,
		"UPLOAD_DIR":    filepath.Join(dir, "uploads"),
		"LOG_DIR":       filepath.Join(dir, "logs"),
		"INSTANCE_DIR":  filepath.Join(dir, "instance"),
		"MAIL_PROVIDER": "console",
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

var readyLine = regexp.MustCompile(`msg="function ready".*?init=([0-9.]+(?:ms|s|µs))`)

// ReadyInit is the init time the function logged in its "function ready"
// line (configuration, database, migrations), or 0 before that line.
func (l *Lambda) ReadyInit() time.Duration {
	m := readyLine.FindStringSubmatch(l.Logs())
	if m == nil {
		return 0
	}
	d, _ := time.ParseDuration(m[1])
	return d
}

// ColdStart is one cold start of a function: what the emulator reported
// as Init Duration, and what the function logged as its own init.
type ColdStart struct {
	Emulator time.Duration // process start to ready, as the emulator's INIT REPORT says
	Function time.Duration // the "function ready" line's init
}

// MeasureColdStart starts a fresh copy of the group's function, sends it
// one request (GET path), and reports the cold start it took. It fails
// the test when the answer's status is not wantStatus.
func MeasureColdStart(t testing.TB, group string, env map[string]string, path string, wantStatus int) ColdStart {
	t.Helper()
	fn := StartLambdaFunction(t, group, env)
	resp := Call(t, fn.URL, http.MethodGet, path, nil, nil)
	if resp.Status != wantStatus {
		t.Fatalf("GET %s on the cold %s function: %d %s, want %d", path, group, resp.Status, resp.Raw, wantStatus)
	}
	cs := ColdStart{Emulator: fn.InitDuration(), Function: fn.ReadyInit()}
	if cs.Emulator <= 0 || cs.Function <= 0 {
		t.Fatalf("no cold-start figures in the %s function's log:\n%s", group, fn.Logs())
	}
	return cs
}

// Account is a user put straight into a function's database, with both
// credentials a client would hold.
type Account struct {
	User   *users.User
	Bearer string       // "Bearer <jwt>" for the Authorization header
	Cookie *http.Cookie // the web session cookie
}

// SeedAccount migrates the database at databaseURL and creates a user
// there (the first one becomes admin, as in production), so a test can
// call a function's guarded routes without going through sign-up.
func SeedAccount(t testing.TB, databaseURL, username string, admin bool) Account {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, databaseURL, "")
	if err != nil {
		t.Fatalf("open %s: %v", store.Redact(databaseURL), err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	u, err := users.New(db).Create(ctx, users.NewUser{Username: username, IsAdmin: admin,
		Email: username + "@example.com", EmailVerified: true}, time.Now())
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	tok, err := authn.NewTokens(SecretKey, time.Now).Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		t.Fatal(err)
	}
	d := session.Data{UserID: u.ID, Username: u.Username, IsAdmin: u.IsAdmin,
		IsSubjectAdmin: u.IsSubjectAdmin, SessionVersion: u.SessionVersion,
		Expires: time.Now().Add(session.RememberFor).Unix()}
	cookie := &http.Cookie{Name: session.CookieName, Value: session.NewCodec(SecretKey, false).Encode(d)}
	return Account{User: u, Bearer: Bearer(tok), Cookie: cookie}
}

// FileDB is a file: database URL in a fresh temporary folder.
func FileDB(t testing.TB) string { return "file:" + filepath.Join(t.TempDir(), "quiz.db") }

// ColdStarts measures group's first invocation under the emulator, over a
// file and over the remote test server, on a new database (the cold start
// applies the migrations) and on one already migrated, and logs the four
// figures. path is a GET route answering wantStatus to an anonymous call.
func ColdStarts(t *testing.T, group, path string, wantStatus int) {
	backends := []struct {
		name string
		url  func(testing.TB) string
	}{{"file", FileDB}, {"remote", func(t testing.TB) string { return hranatest.New(t) }}}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.url(t)
			fresh := MeasureColdStart(t, group, FunctionEnv(t, db), path, wantStatus)
			again := MeasureColdStart(t, group, FunctionEnv(t, db), path, wantStatus)
			t.Logf("%s cold start, %s database: new database (runs migrations) emulator %v / function %v; "+
				"migrated database emulator %v / function %v", group, b.name, fresh.Emulator, fresh.Function,
				again.Emulator, again.Function)
		})
	}
}
