package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
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
	logs := &rtBuffer{}
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

// rtAnswer is what is compared between the runtimes.
type rtAnswer struct {
	Status      int
	ContentType string
	Cookies     string // names and attributes, without values and dates
	Allow       string
	RetryAfter  bool
	Body        string // normalised
}

// rtTranscripts are replayed in order; all of 01–108.
const rtLastTranscript = 108

func rtReplay(t *testing.T, sides ...*rtSide) {
	fixture, err := os.ReadFile(filepath.Join(testkit.SharedDir(t), "fixtures", "question_import_template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	mismatches, likeOriginal := 0, 0
	var unlike []string
	for n := 1; n <= rtLastTranscript; n++ {
		tr := testkit.LoadTranscript(t, n)
		step := rtStepName(tr.Name)
		answers := make([]rtAnswer, len(sides))
		for i, s := range sides {
			answers[i] = rtSend(t, s, tr, step, fixture)
		}
		if answers[0] != answers[1] {
			mismatches++
			t.Errorf("%s: %s %s answered differently\n  %s: %+v\n  %s: %+v", tr.Name, tr.Request.Method, tr.Request.Path,
				sides[0].name, answers[0], sides[1].name, answers[1])
		}
		if answers[0].Status == tr.Response.Status {
			likeOriginal++
		} else {
			unlike = append(unlike, fmt.Sprintf("%s %d (original %d)", tr.Name, answers[0].Status, tr.Response.Status))
			// The auth flow is the first thing any client does; the replay
			// means nothing if it goes another way than the original's.
			if n <= 15 {
				t.Errorf("%s: status %d, the original answered %d: %s", tr.Name, answers[0].Status, tr.Response.Status, answers[0].Body)
			}
		}
		// A 5xx is a failure on its own, even when both agree.
		if answers[0].Status >= 500 {
			t.Errorf("%s: %s %s → %d %s", tr.Name, tr.Request.Method, tr.Request.Path, answers[0].Status, answers[0].Body)
		}
	}
	t.Logf("%d exchanges replayed on %s and %s: %d differed between them; %d had the original's status",
		rtLastTranscript, sides[0].name, sides[1].name, mismatches, likeOriginal)
	if len(unlike) > 0 {
		t.Logf("statuses unlike the original's:\n  %s", strings.Join(unlike, "\n  "))
	}
}

func rtStepName(file string) string {
	name := strings.TrimSuffix(file, ".json")
	if _, rest, ok := strings.Cut(name, "-"); ok {
		return rest
	}
	return name
}

var rtJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// rtSend sends transcript tr to side s, with this side's own cookies,
// tokens and mailed codes in place of the original's.
func rtSend(t *testing.T, s *rtSide, tr testkit.Transcript, step string, fixture []byte) rtAnswer {
	t.Helper()
	body := []byte(tr.BodyString())
	headers := map[string]string{}
	for k, v := range tr.Request.Headers {
		headers[k] = v
	}
	// Multipart uploads: the fixture workbook, or a CSV for the refusal.
	if strings.HasPrefix(headers["Content-Type"], "multipart/form-data") {
		var mp struct {
			Multipart map[string]string `json:"multipart"`
		}
		_ = json.Unmarshal(tr.Request.Body, &mp)
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.SetBoundary("quizbank-e2e-boundary")
		for field, filename := range mp.Multipart {
			content := fixture
			if !strings.HasSuffix(filename, ".xlsx") {
				content = []byte("content,answer\n1+1,2\n")
			}
			fw, _ := w.CreateFormFile(field, filename)
			_, _ = fw.Write(content)
		}
		_ = w.Close()
		body = buf.Bytes()
		headers["Content-Type"] = w.FormDataContentType()
	}
	// The e-mail code the original mailed becomes the one this side mailed.
	if tr.Request.Path == "/api/email/login" && tr.Response.Status == 200 {
		var req map[string]any
		_ = json.Unmarshal(body, &req)
		req["code"] = rtMailedCode(t, s.logs, req["email"].(string))
		body, _ = json.Marshal(req)
	}
	if auth := headers["Authorization"]; auth != "" {
		headers["Authorization"] = rtJWT.ReplaceAllStringFunc(auth, func(orig string) string {
			if mine, ok := s.jwts[orig]; ok {
				return mine
			}
			return orig // a token this side never issued stays foreign
		})
	}
	if c := headers["Cookie"]; strings.Contains(c, "<web session cookie from ") {
		label := strings.TrimSuffix(strings.TrimPrefix(c, "session=<web session cookie from "), ">")
		headers["Cookie"] = "session=" + s.cookieFor(label)
	}

	req, err := http.NewRequest(tr.Request.Method, s.base+tr.Request.Path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", rtClientAddress(tr.Name))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s on %s: %v", tr.Name, s.name, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	for _, c := range resp.Cookies() {
		if c.Name == "session" && c.Value != "" && c.MaxAge >= 0 {
			s.cookies = append(s.cookies, rtCookie{step: step, value: c.Value})
		}
	}
	var got any
	if json.Unmarshal(raw, &got) == nil {
		rtMapTokens(tr.Response.Body, got, s.jwts)
	}
	return rtAnswer{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Cookies:     strings.Join(rtCookieShapes(resp.Header.Values("Set-Cookie")), " | "),
		Allow:       resp.Header.Get("Allow"),
		RetryAfter:  resp.Header.Get("Retry-After") != "",
		Body:        rtNormalise(raw, s.host),
	}
}

// rtClientAddress is where a step's client sits. The original's capture
// ran slower than a replay, so its admin and student never shared a
// one-minute login window; here the student (94–103) has its own address.
func rtClientAddress(file string) string {
	n, _ := strconv.Atoi(strings.SplitN(file, "-", 2)[0])
	if n >= 94 && n <= 103 {
		return "192.0.2.2"
	}
	return "192.0.2.1"
}

// cookieFor is the session cookie the named step set: the step with
// exactly that name, else the latest whose name starts with it.
func (s *rtSide) cookieFor(label string) string {
	for i := len(s.cookies) - 1; i >= 0; i-- {
		if s.cookies[i].step == label {
			return s.cookies[i].value
		}
	}
	for i := len(s.cookies) - 1; i >= 0; i-- {
		if strings.HasPrefix(s.cookies[i].step, label) {
			return s.cookies[i].value
		}
	}
	return "missing"
}

// rtMapTokens walks the original's answer and ours side by side and
// remembers which of our tokens stands for which of theirs.
func rtMapTokens(orig, got any, into map[string]string) {
	switch o := orig.(type) {
	case string:
		if g, ok := got.(string); ok && rtJWT.MatchString(o) && rtJWT.MatchString(g) {
			into[o] = g
		}
	case map[string]any:
		if g, ok := got.(map[string]any); ok {
			for k, v := range o {
				rtMapTokens(v, g[k], into)
			}
		}
	case []any:
		if g, ok := got.([]any); ok {
			for i := range min(len(o), len(g)) {
				rtMapTokens(o[i], g[i], into)
			}
		}
	}
}

func rtCookieShapes(values []string) []string {
	var out []string
	for _, v := range values {
		parts := strings.Split(v, ";")
		name, _, _ := strings.Cut(parts[0], "=")
		shape := []string{name}
		for _, p := range parts[1:] {
			p = strings.TrimSpace(p)
			key, _, _ := strings.Cut(p, "=")
			switch strings.ToLower(key) {
			case "expires", "max-age":
				shape = append(shape, key) // the value moves with the clock
			default:
				shape = append(shape, p)
			}
		}
		out = append(out, strings.Join(shape, "; "))
	}
	sort.Strings(out)
	return out
}

var (
	rtTime  = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?`)
	rtHex   = regexp.MustCompile(`\b[0-9a-f]{24,}\b`)
	rtEpoch = regexp.MustCompile(`\b1[0-9]{9}([0-9]{3})?\b`)
)

// rtNormalise makes a body comparable across runtimes: JSON re-encoded
// with sorted keys, and tokens, times, long random hex and the server's
// own address replaced by placeholders.
func rtNormalise(raw []byte, host string) string {
	s := string(raw)
	var v any
	if json.Unmarshal(raw, &v) == nil {
		rtBlurClock(v)
		b, _ := json.Marshal(v) // maps marshal with sorted keys
		s = string(b)
	}
	s = strings.ReplaceAll(s, host, "<host>")
	s = rtJWT.ReplaceAllString(s, "<jwt>")
	s = rtTime.ReplaceAllString(s, "<time>")
	s = rtHex.ReplaceAllString(s, "<hex>")
	s = rtEpoch.ReplaceAllString(s, "<epoch>")
	return s
}

// rtClockKeys name numbers that count seconds from now (a countdown, an
// age), which move between the two runtimes' answers.
var rtClockKeys = []string{"remaining", "elapsed", "expires_in", "time_spent", "seconds_ago"}

func rtBlurClock(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if _, isNum := val.(float64); isNum {
				for _, c := range rtClockKeys {
					if strings.Contains(k, c) {
						x[k] = "<clock>"
					}
				}
				continue
			}
			rtBlurClock(val)
		}
	case []any:
		for _, val := range x {
			rtBlurClock(val)
		}
	}
}

// rtBuffer collects a child process's output while it runs.
type rtBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *rtBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *rtBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rtSweep sends every route every group registers (whatever routes exist
// when the test runs) three ways to both runtimes: with no credentials,
// as the admin with a malformed JSON body, and as the admin with an
// empty JSON object. Path parameters are "1". Both must answer alike.
func rtSweep(t *testing.T, sides ...*rtSide) {
	env := testkit.New(t)
	var patterns []string
	for _, g := range rtGroups {
		_, router := env.Deps.Handler(g.register)
		patterns = append(patterns, router.Patterns()...)
	}
	sort.Strings(patterns)
	param := regexp.MustCompile(`\{[^}]+\}`)
	type variant struct {
		name  string
		admin bool
		body  string
	}
	variants := []variant{{"anonymous", false, ""}, {"admin, malformed JSON", true, "{\"a\":"}, {"admin, {}", true, "{}"}}
	sent, differed, converged := 0, 0, 0
	var serverErrors []string
	for _, pattern := range patterns {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "GET", pattern
		}
		path = strings.TrimSuffix(param.ReplaceAllString(path, "1"), "{$}")
		if path == "/api/logout" || strings.Contains(path, "/logout") {
			continue // would end the admin session the later variants use
		}
		for _, v := range variants {
			if v.body != "" && (method == "GET" || method == "HEAD") {
				continue
			}
			answers := make([]rtAnswer, len(sides))
			send := func() {
				for i, s := range sides {
					answers[i] = rtSweepOne(t, s, method, path, v.admin, v.body)
				}
			}
			send()
			sent++
			if answers[0] != answers[1] && method == "GET" {
				// The quiz function caches the bank and re-reads its version
				// from the database at most once a second; under Lambda an
				// admin change made by another function shows after that.
				time.Sleep(1100 * time.Millisecond)
				send()
				if answers[0] == answers[1] {
					converged++
				}
			}
			if reason, ok := rtRandomBodies[method+" "+path]; ok && answers[0] != answers[1] {
				if rtSameShape(answers[0], answers[1]) {
					continue
				}
				t.Logf("%s %s: compared by shape only (%s)", method, path, reason)
			}
			if answers[0] != answers[1] {
				differed++
				t.Errorf("%s %s (%s) answered differently\n  %s: %+v\n  %s: %+v", method, path, v.name,
					sides[0].name, answers[0], sides[1].name, answers[1])
			}
			if answers[0].Status >= 500 {
				serverErrors = append(serverErrors, fmt.Sprintf("%s %s (%s) → %d %s", method, path, v.name, answers[0].Status, answers[0].Body))
			}
		}
	}
	t.Logf("route sweep: %d requests over %d routes, %d differed; %d agreed only after the quiz cache's re-check interval",
		sent, len(patterns), differed, converged)
	if len(serverErrors) > 0 {
		t.Logf("5xx answers in the sweep (both runtimes):\n  %s", strings.Join(serverErrors, "\n  "))
	}
}

// rtRandomBodies are routes whose answer holds fresh random content, so
// the runtimes agree on status and shape but not on every byte.
var rtRandomBodies = map[string]string{
	"POST /admin/api/settings/mail/template-preview": "renders a random sample code",
}

func rtSameShape(a, b rtAnswer) bool {
	if a.Status != b.Status || a.ContentType != b.ContentType || a.Cookies != b.Cookies {
		return false
	}
	var x, y any
	if json.Unmarshal([]byte(a.Body), &x) != nil || json.Unmarshal([]byte(b.Body), &y) != nil {
		return false
	}
	return len(testkit.ShapeDiff(x, y)) == 0
}

func rtSweepOne(t *testing.T, s *rtSide, method, path string, admin bool, body string) rtAnswer {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", "192.0.2.3")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if admin {
		req.Header.Set("Cookie", "session="+s.cookieFor("web-login"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return rtAnswer{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Cookies:     strings.Join(rtCookieShapes(resp.Header.Values("Set-Cookie")), " | "),
		Allow:       resp.Header.Get("Allow"),
		RetryAfter:  resp.Header.Get("Retry-After") != "",
		Body:        rtNormalise(raw, s.host),
	}
}
