// Replaying the recorded exchanges and sweeping every route on two
// runtimes, and comparing their answers.

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"quizbank/shared/testkit"
)

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

// rtSweep sends every route every group registers (whatever routes exist
// when the test runs) five ways to both runtimes: with no credentials, as
// the student (every admin route must refuse), as the admin without a
// body, with a malformed JSON body and with an empty JSON object. Path
// parameters are "1" (999999 for accounts). Both must answer alike.
func rtSweep(t *testing.T, sides ...*rtSide) {
	env := testkit.New(t)
	var patterns []string
	for _, g := range rtGroups {
		_, router := env.Deps.Handler(g.register)
		patterns = append(patterns, router.Patterns()...)
	}
	// Admin routes last: the quiz function notices another function's
	// changes to the bank only at its next once-a-second re-check.
	isAdmin := func(p string) bool { return strings.Contains(p, " /admin/") || strings.HasPrefix(p, "/admin/") }
	sort.Slice(patterns, func(i, j int) bool {
		if a, b := isAdmin(patterns[i]), isAdmin(patterns[j]); a != b {
			return b
		}
		return patterns[i] < patterns[j]
	})
	param := regexp.MustCompile(`\{[^}]+\}`)
	type variant struct {
		name   string
		cookie string // whose session: "" (none), "web-login" (admin), "web-login-student"
		body   string
	}
	variants := []variant{{"anonymous", "", ""}, {"student", "web-login-student", ""},
		{"admin", "web-login", ""}, {"admin, malformed JSON", "web-login", "{\"a\":"}, {"admin, {}", "web-login", "{}"}}
	sent, differed, converged := 0, 0, 0
	succeeded := map[string]int{} // by variant: the sessions must be live for the sweep to mean anything
	var serverErrors []string
	for _, pattern := range patterns {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = "GET", pattern
		}
		// Accounts get an id that does not exist, so the sweep's admin
		// neither demotes, locks nor logs out itself or the student.
		id := "1"
		if strings.Contains(path, "/users/{") {
			id = "999999"
		}
		path = strings.TrimSuffix(param.ReplaceAllString(path, id), "{$}")
		for _, v := range variants {
			if v.cookie != "" && rtEndsSession(path) {
				continue // the later requests need the session alive
			}
			if v.body != "" && (method == "GET" || method == "HEAD") {
				continue
			}
			answers := make([]rtAnswer, len(sides))
			send := func() {
				for i, s := range sides {
					answers[i] = rtSweepOne(t, s, method, path, v.cookie, v.body)
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
			if answers[0] != answers[1] && rtSameBinary(answers[0], answers[1]) {
				continue
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
			if answers[0].Status < 300 {
				succeeded[v.name]++
			}

			if v.cookie == "web-login-student" && strings.HasPrefix(path, "/admin") && answers[0].Status != 403 {
				t.Errorf("%s %s as a student: %d %s, want 403 (admin route)", method, path, answers[0].Status, answers[0].Body)
			}
			if answers[0].Status >= 500 {
				serverErrors = append(serverErrors, fmt.Sprintf("%s %s (%s) → %d %s", method, path, v.name, answers[0].Status, answers[0].Body))
			}
		}
	}
	t.Logf("route sweep: %d requests over %d routes, %d differed; %d agreed only after the quiz cache's re-check interval",
		sent, len(patterns), differed, converged)
	for _, v := range variants[1:] {
		if v.body == "" && succeeded[v.name] == 0 {
			t.Errorf("no request of the %q variant succeeded: its session is not live", v.name)
		}
	}
	t.Logf("2xx answers by variant: %v", succeeded)
	if len(serverErrors) > 0 {
		t.Logf("5xx answers in the sweep (both runtimes):\n  %s", strings.Join(serverErrors, "\n  "))
	}
}

// rtEndsSession reports routes that end the caller's sessions (log out,
// unbind WeChat), which the sweep sends without credentials only.
func rtEndsSession(path string) bool {
	return strings.Contains(path, "logout") || path == "/api/wechat/unbind"
}

// rtRandomBodies are routes whose answer holds fresh random content, so
// the runtimes agree on status and shape but not on every byte.
var rtRandomBodies = map[string]string{
	"POST /admin/api/settings/mail/template-preview": "renders a random sample code",
}

// rtSameBinary accepts two binary downloads (zip, xlsx, docx) of the same
// length: those archives stamp their entries with the time of export, so
// two runtimes a second apart differ in a few bytes.
func rtSameBinary(a, b rtAnswer) bool {
	return a.Status == b.Status && a.ContentType == b.ContentType && a.Cookies == b.Cookies &&
		!utf8.ValidString(a.Body) && !utf8.ValidString(b.Body) && len(a.Body) == len(b.Body)
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

func rtSweepOne(t *testing.T, s *rtSide, method, path, cookie, body string) rtAnswer {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", "192.0.2.3")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", "session="+s.cookieFor(cookie))
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
