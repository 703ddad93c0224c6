// Running the same requests on `local serve` and on the four functions
// under the Lambda emulator.

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"quizbank/functions/adminconfig"
	"quizbank/functions/auth"
	"quizbank/functions/explain"
	"quizbank/functions/quiz"
	"quizbank/shared/platform"
	"quizbank/shared/store/hranatest"
	"quizbank/shared/testkit"
)

// rtGroups are the four functions of template.yaml by folder name.
var rtGroups = []struct {
	name     string
	register platform.Group
}{
	{"auth", auth.Register},
	{"quiz", quiz.Register},
	{"explain", explain.Register},
	{"adminconfig", adminconfig.Register},
}

// rtSide is one runtime answering the scenario: `local serve`, or the four
// functions under the Lambda emulator behind one gateway.
type rtSide struct {
	name string
	base string
	logs func() string
	host string

	jwts    map[string]string // the original's token → this side's token
	cookies []rtCookie        // session cookies in the order they were set
}

type rtCookie struct {
	step  string // transcript name without its number, e.g. "web-login"
	value string
}

// TestRuntimesAnswerAlike replays the recorded exchanges of the original
// (transcripts 01–108: auth, quiz, explain, admin, guards, framework
// errors, rate limits) against `local serve` and against every function's
// bootstrap under the Lambda emulator, with a real redis-server for the
// limits, once over a SQLite file and once over the remote (Hrana) URL.
// Each runtime has its own database and Redis database, so both see the
// same history; every answer must match in status, content type, cookies
// and body, up to tokens, times and ports.
func TestRuntimesAnswerAlike(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts every function under the Lambda emulator")
	}
	localBin := testkit.BuildBinary(t, "./local", "local-serve", "CGO_ENABLED=0")
	owner := rtRouteOwners(t)
	for _, backend := range []string{"file", "remote"} {
		t.Run(backend, func(t *testing.T) {
			redis := strings.TrimSuffix(testkit.StartRedis(t), "/0")
			database := func() string {
				if backend == "remote" {
					return hranatest.New(t)
				}
				return "file:" + filepath.Join(t.TempDir(), "instance", "submissions.db")
			}
			local := rtStartLocal(t, localBin, rtEnv(t, database(), redis+"/0"))
			lambda := rtStartLambdas(t, owner, rtEnv(t, database(), redis+"/1"))
			rtReplay(t, local, lambda)
			rtSweep(t, local, lambda)
		})
	}
}

// TestRuntimesShareOneDatabase points `local serve` and the auth function
// at the same remote database and Redis: an account made through one is
// usable through the other, and a session from one is valid on the other.
func TestRuntimesShareOneDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts a function under the Lambda emulator")
	}
	localBin := testkit.BuildBinary(t, "./local", "local-serve", "CGO_ENABLED=0")
	env := rtEnv(t, hranatest.New(t), testkit.StartRedis(t))
	local := rtStartLocal(t, localBin, env)
	fn := testkit.StartLambdaFunction(t, "auth", rtWithDirs(t, env))

	send := testkit.Call(t, local.base, "POST", "/api/email/send-login-code", map[string]string{"email": "shared@example.com"}, nil)
	if send.Status != 200 {
		t.Fatalf("send code through local serve: %d %s", send.Status, send.Raw)
	}
	code := rtMailedCode(t, local.logs, "shared@example.com")
	login := testkit.Call(t, fn.URL, "POST", "/api/email/login", map[string]string{"email": "shared@example.com", "code": code}, nil)
	if login.Status != 200 {
		t.Fatalf("log in through the function with the code mailed by local serve: %d %s", login.Status, login.Raw)
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: login.Header}).Cookies() {
		if c.Name == "session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("the function set no session cookie: %v", login.Header)
	}
	profile := testkit.Call(t, local.base, "GET", "/api/profile", nil, &http.Cookie{Name: "session", Value: session.Value})
	if profile.Status != 200 || !strings.Contains(string(profile.Raw), "shared") {
		t.Fatalf("the function's session on local serve: %d %s", profile.Status, profile.Raw)
	}
	// Both count against the same Redis: the code was just sent through
	// local serve, so the function refuses another within the minute.
	again := testkit.Call(t, fn.URL, "POST", "/api/email/send-login-code", map[string]string{"email": "shared@example.com"}, nil)
	if again.Status != 429 {
		t.Fatalf("second code within a minute through the function: %d %s, want 429", again.Status, again.Raw)
	}
}

// rtEnv is the environment both runtimes get, over one database and one
// Redis database. Mail goes to the log (the tests read codes there).
func rtEnv(t *testing.T, databaseURL, redisURL string) map[string]string {
	return map[string]string{
		"SECRET_KEY":            testkit.SecretKey,
		"ENVIRONMENT":           "development",
		"DATABASE_URL":          databaseURL,
		"RATELIMIT_STORAGE_URL": redisURL,
		"MAIL_PROVIDER":         "console",
		"TRUSTED_PROXIES":       "127.0.0.1",          // the scenario's clients come through X-Forwarded-For
		"WECHAT_API_BASE":       "http://127.0.0.1:1", // never reached by the scenario
		"DASHSCOPE_API_KEY":     "",
		"DASHSCOPE_BASE_URL":    "http://127.0.0.1:1/v1",
	}
}

// rtWithDirs adds private data folders to env.
func rtWithDirs(t *testing.T, env map[string]string) map[string]string {
	dir := t.TempDir()
	out := map[string]string{
		"UPLOAD_DIR":   filepath.Join(dir, "uploads"),
		"LOG_DIR":      filepath.Join(dir, "logs"),
		"INSTANCE_DIR": filepath.Join(dir, "instance"),
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}

func rtStartLocal(t *testing.T, bin string, env map[string]string) *rtSide {
	t.Helper()
	env = rtWithDirs(t, env)
	logs := &testkit.SyncBuffer{}
	var lastErr error
	for range 3 {
		addr := "127.0.0.1:" + strconv.Itoa(testkit.FreePort(t))
		cmd := exec.Command(bin, "serve", "--addr", addr)
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if lastErr = rtWaitHealthy("http://"+addr, exited); lastErr != nil {
			_ = cmd.Process.Kill()
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
			}
			if t.Failed() {
				t.Logf("local serve log:\n%s", rtTail(logs.String()))
			}
		})
		return &rtSide{name: "local", base: "http://" + addr, host: addr, logs: logs.String, jwts: map[string]string{}}
	}
	t.Fatalf("local serve did not start: %v\n%s", lastErr, logs.String())
	return nil
}

func rtWaitHealthy(base string, exited <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited: %v", err)
		default:
		}
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s/healthz not ready", base)
}

// rtRouteOwners tells which group (function) registers the route a request
// hits, the way API Gateway picks a function from template.yaml's routes.
func rtRouteOwners(t *testing.T) func(*http.Request) string {
	env := testkit.New(t)
	type owner struct {
		name string
		mux  *http.ServeMux
	}
	var owners []owner
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, g := range rtGroups {
		_, router := env.Deps.Handler(g.register)
		mux := http.NewServeMux()
		for _, p := range router.Patterns() {
			mux.Handle(p, noop)
		}
		owners = append(owners, owner{g.name, mux})
	}
	return func(r *http.Request) string {
		for _, o := range owners {
			if _, p := o.mux.Handler(r); p != "" {
				return o.name
			}
		}
		// No route: the group whose path matches under another method (so
		// its router answers 405), else quiz, whose router answers 404.
		for _, o := range owners {
			for _, m := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
				probe := r.Clone(r.Context())
				probe.Method = m
				if _, p := o.mux.Handler(probe); p != "" {
					return o.name
				}
			}
		}
		return "quiz"
	}
}

// rtStartLambdas starts the four functions under the emulator and a
// gateway in front that sends each request to the function owning it.
func rtStartLambdas(t *testing.T, owner func(*http.Request) string, env map[string]string) *rtSide {
	t.Helper()
	env = rtWithDirs(t, env) // one set of folders, as on one Lambda host
	fns := map[string]*testkit.Lambda{}
	for _, g := range rtGroups {
		fns[g.name] = testkit.StartLambdaFunction(t, g.name, env)
	}
	proxies := map[string]*httputil.ReverseProxy{}
	for name, fn := range fns {
		target, _ := url.Parse(fn.URL)
		proxies[name] = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
			// Rewrite drops the client's X-Forwarded-For; API Gateway passes it on.
			if xff := pr.In.Header.Values("X-Forwarded-For"); len(xff) > 0 {
				pr.Out.Header["X-Forwarded-For"] = xff
			}
		}}
	}
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxies[owner(r)].ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	logs := func() string {
		var b strings.Builder
		for _, g := range rtGroups {
			b.WriteString(fns[g.name].Logs())
		}
		return b.String()
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("function logs:\n%s", rtTail(logs()))
		}
	})
	return &rtSide{name: "lambda", base: gw.URL, host: strings.TrimPrefix(gw.URL, "http://"), logs: logs, jwts: map[string]string{}}
}

var rtCodeLine = regexp.MustCompile(`\b(\d{6})\b`)

// rtMailedCode is the last six-digit code the console mailer logged for
// address.
func rtMailedCode(t *testing.T, logs func() string, address string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines := strings.Split(logs(), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			l := lines[i]
			if !strings.Contains(l, "mail (console provider)") || !strings.Contains(l, address) {
				continue
			}
			_, text, _ := strings.Cut(l, "text=")
			if m := rtCodeLine.FindStringSubmatch(text); m != nil {
				return m[1]
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no code mailed to %s in the log:\n%s", address, rtTail(logs()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func rtTail(s string) string {
	const max = 6000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}
