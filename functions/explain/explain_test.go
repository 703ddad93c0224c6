package explain

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/llm"
	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

const (
	testKey  = "sk-explain-test-7f3c9a"
	path     = "/api/quiz/ai/explain"
	aliasURL = "/api/ai/explain"
)

// fixture is a platform serving the explain group, with a provider.
type fixture struct {
	env   *testkit.Env
	url   string
	chat  *testkit.ChatServer
	admin *users.User
	logs  *testkit.SyncBuffer
}

// newFixture starts the group; withKey configures the provider through
// the environment. Every log line of the platform and of slog's default
// logger is captured.
func newFixture(t *testing.T, withKey bool, opts ...testkit.Option) *fixture {
	t.Helper()
	chat := testkit.NewChatServer(t, "考点：整数加法。\n答案：B\n理由：1+1=2。")
	base := []testkit.Option{
		testkit.WithEnv("DASHSCOPE_BASE_URL", chat.BaseURL),
		testkit.WithEnv("DASHSCOPE_MODEL", "qwen-max"),
	}
	if withKey {
		base = append(base, testkit.WithEnv("DASHSCOPE_API_KEY", testKey))
	}
	env := testkit.New(t, append(base, opts...)...)
	logs := &testkit.SyncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.Deps.Logger = logger
	prev := slog.Default()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(prev) })
	srv := env.Serve(Register)
	admin := env.CreateUser("admin", "AdminPass123", true)
	return &fixture{env: env, url: srv.URL, chat: chat, admin: admin, logs: logs}
}

func (f *fixture) exec(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	res, err := f.env.Deps.DB.ExecContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	id, _ := res.LastInsertId()
	return id
}

func (f *fixture) subject(t *testing.T, name string) int64 {
	return f.exec(t, `INSERT INTO subjects (name) VALUES (?)`, name)
}

func (f *fixture) question(t *testing.T, subjectID int64, content, qType, options, answer, explanation string) int64 {
	return f.exec(t, `INSERT INTO questions (subject_id, content, q_type, options, answer, explanation)
		VALUES (?, ?, ?, ?, ?, ?)`, subjectID, content, qType, options, answer, explanation)
}

func (f *fixture) post(t *testing.T, u *users.User, body any) testkit.Response {
	t.Helper()
	return testkit.Call(t, f.url, http.MethodPost, path, body, testkit.Bearer(f.env.Token(u)))
}

func data(t *testing.T, r testkit.Response) map[string]any {
	t.Helper()
	if r.Status != http.StatusOK || r.JSON["status"] != "success" {
		t.Fatalf("status %d, body %s", r.Status, r.Raw)
	}
	d, ok := r.JSON["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object: %s", r.Raw)
	}
	return d
}

func TestTranscriptsReplay(t *testing.T) {
	f := newFixture(t, false)
	sub := f.subject(t, "数学")
	if id := f.question(t, sub, "1+1=?", "选择题", `["A. 1","B. 2"]`, "B", ""); id != 1 {
		t.Fatalf("question id = %d, transcript 82 asks for 1", id)
	}
	for _, n := range []int{82, 83, 84} {
		tr := testkit.LoadTranscript(t, n)
		t.Run(tr.Name, func(t *testing.T) {
			for _, p := range []string{tr.Request.Path, aliasURL} {
				got := testkit.Call(t, f.url, tr.Request.Method, p, tr.BodyString(),
					testkit.Bearer(f.env.Token(f.admin)), "Content-Type", "application/json")
				if got.Status != tr.Response.Status {
					t.Fatalf("%s: status %d, want %d (%s)", p, got.Status, tr.Response.Status, got.Raw)
				}
				want := tr.Response.Body.(map[string]any)
				if got.JSON["status"] != want["status"] {
					t.Errorf("%s: envelope status %v, want %v", p, got.JSON["status"], want["status"])
				}
				if diff := testkit.ShapeDiff(got.JSON, want); len(diff) > 0 {
					t.Errorf("%s: shape differs from the original: %v", p, diff)
				}
				if n == 84 && got.JSON["message"] != want["message"] {
					t.Errorf("message = %v, want %v", got.JSON["message"], want["message"])
				}
				if n != 84 {
					d := data(t, got)
					if d["provider"] != "placeholder" || d["explain"] != placeholderText {
						t.Errorf("data = %v", d)
					}
				}
			}
		})
	}
	if f.chat.Calls() != 0 {
		t.Errorf("placeholder answers must not call the provider (%d calls)", f.chat.Calls())
	}
}

func TestPlaceholderText(t *testing.T) {
	lines := strings.Split(placeholderText, "\n")
	if len(lines) != 7 || lines[1] != "" || !strings.Contains(lines[0], "DASHSCOPE_API_KEY") {
		t.Fatalf("placeholder layout: %q", lines)
	}
	for i, l := range lines[3:] {
		if !strings.HasPrefix(l, strconv.Itoa(i+1)+") ") {
			t.Errorf("tip %d = %q", i+1, l)
		}
	}
}

func TestPlaceholderWithSessionCookie(t *testing.T) {
	f := newFixture(t, false)
	r := testkit.Call(t, f.url, http.MethodPost, path, map[string]any{"content": "x"}, f.env.Cookie(f.admin))
	if d := data(t, r); d["provider"] != "placeholder" {
		t.Fatalf("data = %v", d)
	}
}

func TestRefusals(t *testing.T) {
	f := newFixture(t, true)
	student := f.env.CreateUser("student1", "Student123", false)
	sub := f.subject(t, "机密科目")
	q := f.question(t, sub, "题干", "判断题", `[]`, "正确", "")
	f.exec(t, `INSERT INTO user_subjects (user_id, subject_id, restricted_by) VALUES (?, ?, ?)`,
		student.ID, sub, f.admin.ID)
	cases := []struct {
		name   string
		auth   any
		body   any
		status int
		kind   string
	}{
		{"no credential", nil, map[string]any{"content": "x"}, 401, "unauthorized"},
		{"garbage bearer", "Bearer nope", map[string]any{"content": "x"}, 401, "unauthorized"},
		{"empty body", testkit.Bearer(f.env.Token(student)), map[string]any{}, 400, "error"},
		{"blank content", testkit.Bearer(f.env.Token(student)), map[string]any{"content": "  "}, 400, "error"},
		{"not json", testkit.Bearer(f.env.Token(student)), "content=x", 400, "error"},
		{"bad question id", testkit.Bearer(f.env.Token(student)), map[string]any{"question_id": "abc"}, 400, "error"},
		{"object answer", testkit.Bearer(f.env.Token(student)), map[string]any{"content": "x", "answer": map[string]any{}}, 400, "error"},
		{"malformed json", testkit.Bearer(f.env.Token(student)), []byte(`{"content":`), 400, "error"},
		{"blacklisted subject", testkit.Bearer(f.env.Token(student)), map[string]any{"question_id": q}, 403, "forbidden"},
		{"blacklisted subject, id as string", testkit.Bearer(f.env.Token(student)), map[string]any{"question_id": strconv.FormatInt(q, 10)}, 403, "forbidden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if _, ok := tc.body.([]byte); ok {
				hdr = []string{"Content-Type", "application/json"}
			}
			r := testkit.Call(t, f.url, http.MethodPost, path, tc.body, tc.auth, hdr...)
			if r.Status != tc.status || r.JSON["status"] != tc.kind {
				t.Fatalf("got %d %v, want %d %s: %s", r.Status, r.JSON["status"], tc.status, tc.kind, r.Raw)
			}
			if msg, _ := r.JSON["message"].(string); msg == "" {
				t.Errorf("no message: %s", r.Raw)
			}
		})
	}
	if f.chat.Calls() != 0 {
		t.Errorf("refused requests reached the provider %d times", f.chat.Calls())
	}
	// An administrator is never restricted.
	r := f.post(t, f.admin, map[string]any{"question_id": q})
	if d := data(t, r); d["provider"] != "dashscope" {
		t.Errorf("admin: %v", d)
	}
}

func TestSuccessSendsTheContractRequest(t *testing.T) {
	f := newFixture(t, true)
	sub := f.subject(t, "数学")
	q := f.question(t, sub, "<p>1+1=?</p>", "选择题", `["A、1","B. 2",{"key":"C","value":" 3 "}]`, "B", "基础加法")
	// The stored question wins over what the client sends.
	r := f.post(t, f.admin, map[string]any{"question_id": q, "content": "别的题", "answer": "A"})
	d := data(t, r)
	if d["explain"] != "考点：整数加法。\n答案：B\n理由：1+1=2。" || d["provider"] != "dashscope" || d["model"] != "qwen-max" {
		t.Fatalf("data = %v", d)
	}
	if len(d) != 3 {
		t.Errorf("data has extra keys: %v", d)
	}
	reqs := f.chat.Requests()
	if len(reqs) != 1 {
		t.Fatalf("provider calls = %d", len(reqs))
	}
	got := reqs[0]
	if got.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got.Header.Get("Authorization"))
	}
	b := got.Body
	if b["model"] != "qwen-max" || b["temperature"] != 0.2 || b["top_p"] != 0.8 || b["max_tokens"] != float64(900) {
		t.Errorf("body = %s", got.Raw)
	}
	msgs := b["messages"].([]any)
	system := msgs[0].(map[string]any)
	user := msgs[1].(map[string]any)
	if system["role"] != "system" || !strings.Contains(system["content"].(string), "中文") {
		t.Errorf("system message = %v", system)
	}
	wantUser := "题型：选择题\n题目：1+1=?\n\n选项：\nA. 1\nB. 2\nC. 3\n\n参考答案：B\n\n"
	if user["role"] != "user" || !strings.HasPrefix(user["content"].(string), wantUser) {
		t.Errorf("user message =\n%v\nwant prefix\n%s", user["content"], wantUser)
	}
	if !strings.Contains(user["content"].(string), "基础加法") || strings.Contains(user["content"].(string), "别的题") {
		t.Errorf("user message should carry the stored question only:\n%v", user["content"])
	}
}

func TestInlineQuestionInEnglish(t *testing.T) {
	f := newFixture(t, true)
	r := f.post(t, f.admin, map[string]any{"content": "Which protocol is connection-oriented?",
		"q_type": "选择题", "options": []string{"A. UDP", "B. TCP"}, "answer": []string{"B"}, "user_answer": "A"})
	data(t, r)
	user := f.chat.Requests()[0].Body["messages"].([]any)[1].(map[string]any)["content"].(string)
	for _, s := range []string{"Question: Which protocol", "A. UDP", "B. TCP", "Reference answer: B", "The learner answered: A"} {
		if !strings.Contains(user, s) {
			t.Errorf("prompt lacks %q:\n%s", s, user)
		}
	}
}

func TestCache(t *testing.T) {
	f := newFixture(t, true)
	student := f.env.CreateUser("student1", "Student123", false)
	sub := f.subject(t, "网络")
	q := f.question(t, sub, "TCP 属于哪一层？", "选择题", `["A. 网络层","B. 传输层"]`, "B", "")
	first := data(t, f.post(t, student, map[string]any{"question_id": q}))
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		testkit.WriteCompletion(w, "qwen-max", "第二次的回答")
	})
	second := data(t, f.post(t, f.admin, map[string]any{"question_id": strconv.FormatInt(q, 10)}))
	if f.chat.Calls() != 1 {
		t.Fatalf("provider calls = %d, want 1 (second request is a cache hit)", f.chat.Calls())
	}
	if fmt.Sprint(first) != fmt.Sprint(second) {
		t.Errorf("cached answer differs: %v vs %v", first, second)
	}
	// A learner's answer changes the prompt, so it is a new entry.
	third := data(t, f.post(t, student, map[string]any{"question_id": q, "user_answer": "A"}))
	if f.chat.Calls() != 2 || third["explain"] != "第二次的回答" {
		t.Fatalf("calls = %d, explain = %v", f.chat.Calls(), third["explain"])
	}
	data(t, f.post(t, student, map[string]any{"question_id": q, "user_answer": "A"}))
	// Editing the question asks afresh.
	f.exec(t, `UPDATE questions SET content = 'TCP 工作在 OSI 的哪一层？' WHERE id = ?`, q)
	data(t, f.post(t, student, map[string]any{"question_id": q}))
	// Inline questions are not cached.
	data(t, f.post(t, student, map[string]any{"content": "内联题"}))
	data(t, f.post(t, student, map[string]any{"content": "内联题"}))
	if f.chat.Calls() != 5 {
		t.Errorf("provider calls = %d, want 5", f.chat.Calls())
	}
	// Cache hits are not counted against the caps.
	used, err := f.service().usage.used(context.Background(), "user:"+strconv.FormatInt(student.ID, 10))
	if err != nil || used != 5 {
		t.Errorf("student's counted calls = %d (%v), want 5", used, err)
	}
	var rows int
	_ = f.env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM ai_explain_cache WHERE question_id = ?`, q).Scan(&rows)
	if rows != 3 {
		t.Errorf("cache rows = %d, want 3", rows)
	}
	// Deleting the question drops its cached answers.
	f.exec(t, `DELETE FROM questions WHERE id = ?`, q)
	_ = f.env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM ai_explain_cache`).Scan(&rows)
	if rows != 0 {
		t.Errorf("cache rows after delete = %d", rows)
	}
}

// service is a second service over the fixture's platform, to read the
// counters the served one wrote.
func (f *fixture) service() *service { return newService(f.env.Deps) }

func TestProviderFailures(t *testing.T) {
	cases := []struct {
		name    string
		timeout string
		handler http.HandlerFunc
	}{
		{"401 echoing the key", "", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteProviderError(w, 401, "invalid_api_key", "Incorrect API key provided: "+testKey)
		}},
		{"429 quota", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			testkit.WriteProviderError(w, 429, "Arrearage", "Access denied, please make sure your account is in good standing.")
		}},
		{"500", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			testkit.WriteProviderError(w, 500, "InternalError", "internal error")
		}},
		{"503 html", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
			_, _ = w.Write([]byte("<html>503 Service Temporarily Unavailable</html>"))
		}},
		{"malformed json", "", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"choices":[{"message":`))
		}},
		{"empty content", "", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteCompletion(w, "qwen-max", "")
		}},
		{"timeout", "0.3", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			testkit.WriteCompletion(w, "qwen-max", "too late")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, true)
			if tc.timeout != "" {
				if err := f.env.Deps.SysConfig.Set(context.Background(), "dashscope_timeout", tc.timeout, "", 0); err != nil {
					t.Fatal(err)
				}
			}
			f.chat.Handle(tc.handler)
			start := time.Now()
			r := f.post(t, f.admin, map[string]any{"content": "1+1=?", "answer": "2"})
			if r.Status != http.StatusBadGateway || r.JSON["status"] != "error" || r.JSON["message"] != msgProviderFailed || len(r.JSON) != 2 {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
			if tc.timeout != "" && time.Since(start) > 3*time.Second {
				t.Errorf("a 0.3 s timeout took %v", time.Since(start))
			}
			logs := f.logs.String()
			if strings.Contains(logs, testKey) || strings.Contains(string(r.Raw), testKey) {
				t.Errorf("the key leaked:\n%s", logs)
			}
			if !strings.Contains(logs, "AI provider call failed") {
				t.Errorf("the failure was not logged:\n%s", logs)
			}
		})
	}
}

func TestNetworkFailure(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("DASHSCOPE_BASE_URL", "http://127.0.0.1:1/v1"))
	r := f.post(t, f.admin, map[string]any{"content": "题"})
	if r.Status != http.StatusBadGateway || r.JSON["message"] != msgProviderFailed {
		t.Fatalf("got %d %s", r.Status, r.Raw)
	}
	if strings.Contains(f.logs.String(), testKey) {
		t.Error("key in logs")
	}
}

func TestSettingsFromSystemConfig(t *testing.T) {
	f := newFixture(t, false)
	other := testkit.NewChatServer(t, "来自系统配置的服务商")
	ctx := context.Background()
	sc := f.env.Deps.SysConfig
	for k, v := range map[string]string{"dashscope_api_key": "sk-db-key-123", "dashscope_base_url": other.BaseURL + "/", "dashscope_model": "qwen-turbo"} {
		if err := sc.Set(ctx, k, v, "", f.admin.ID); err != nil {
			t.Fatal(err)
		}
	}
	d := data(t, f.post(t, f.admin, map[string]any{"content": "题"}))
	if d["explain"] != "来自系统配置的服务商" || d["model"] != "qwen-turbo" {
		t.Fatalf("data = %v", d)
	}
	if f.chat.Calls() != 0 || other.Calls() != 1 {
		t.Fatalf("env provider %d calls, configured provider %d", f.chat.Calls(), other.Calls())
	}
	got := other.Requests()[0]
	if got.Header.Get("Authorization") != "Bearer sk-db-key-123" || got.Body["model"] != "qwen-turbo" {
		t.Errorf("request: %v %s", got.Header.Get("Authorization"), got.Raw)
	}
	var stored string
	_ = f.env.Deps.DB.QueryRow(`SELECT config_value FROM system_config WHERE config_key = ?`, "dashscope_api_key").Scan(&stored)
	if stored == "" || strings.Contains(stored, "sk-db-key-123") {
		t.Errorf("the key is not encrypted at rest: %q", stored)
	}
	if strings.Contains(f.logs.String(), "sk-db-key-123") {
		t.Error("key in logs")
	}
}

func retryAfter(t *testing.T, r testkit.Response, max int) {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n < 1 || n > max {
		t.Errorf("Retry-After = %q, want 1..%d", r.Header.Get("Retry-After"), max)
	}
}

func want429(t *testing.T, r testkit.Response, msg string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests || r.JSON["status"] != "error" || r.JSON["message"] != msg ||
		r.JSON["status_code"] != float64(429) {
		t.Fatalf("got %d %s, want 429 %q", r.Status, r.Raw, msg)
	}
	if _, ok := r.JSON["payload"]; !ok {
		t.Errorf("framework envelope lacks payload: %s", r.Raw)
	}
}

func TestPerUserPerMinute(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("AI_USER_PER_MINUTE", "2"))
	student := f.env.CreateUser("student1", "Student123", false)
	for i := range 2 {
		data(t, f.post(t, student, map[string]any{"content": fmt.Sprintf("题 %d", i)}))
	}
	r := f.post(t, student, map[string]any{"content": "题 3"})
	want429(t, r, "2 per 1 minute")
	retryAfter(t, r, 60)
	// Another user has a budget of their own.
	data(t, f.post(t, f.admin, map[string]any{"content": "题 4"}))
	if f.chat.Calls() != 3 {
		t.Errorf("provider calls = %d, want 3", f.chat.Calls())
	}
	// A stored question answered before stays available from the cache.
	q := f.question(t, f.subject(t, "s"), "缓存题", "问答题", `[]`, "答", "")
	f.exec(t, `INSERT INTO ai_explain_cache (question_id, model, prompt_version, prompt_hash, explain)
		VALUES (?, 'qwen-max', 'x', ?, '已缓存')`, q, f.promptHash(t, q))
	if d := data(t, f.post(t, student, map[string]any{"question_id": q})); d["explain"] != "已缓存" {
		t.Errorf("cache hit refused or wrong: %v", d)
	}
}

// promptHash is the cache key of stored question id as the handler builds it.
func (f *fixture) promptHash(t *testing.T, id int64) string {
	t.Helper()
	q, _, err := f.service().resolve(context.Background(), f.admin,
		explainRequest{QuestionID: flexID(id)})
	if err != nil {
		t.Fatal(err)
	}
	return buildHash(q)
}

func TestDailyCapPerUserAcrossProcesses(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("AI_USER_PER_DAY", "3"), testkit.WithEnv("AI_USER_PER_MINUTE", "100"))
	// A second process on the same database file.
	dbURL := f.env.Deps.Config.DatabaseURL
	env2 := testkit.New(t, testkit.WithEnv("DATABASE_URL", dbURL),
		testkit.WithEnv("DASHSCOPE_API_KEY", testKey), testkit.WithEnv("DASHSCOPE_BASE_URL", f.chat.BaseURL),
		testkit.WithEnv("AI_USER_PER_DAY", "3"), testkit.WithEnv("AI_USER_PER_MINUTE", "100"))
	srv2 := env2.Serve(Register)
	student := f.env.CreateUser("student1", "Student123", false)
	tok := testkit.Bearer(f.env.Token(student))
	for i, base := range []string{f.url, srv2.URL, f.url} {
		r := testkit.Call(t, base, http.MethodPost, path, map[string]any{"content": fmt.Sprintf("题 %d", i)}, tok)
		data(t, r)
	}
	r := testkit.Call(t, srv2.URL, http.MethodPost, path, map[string]any{"content": "题 4"}, tok)
	want429(t, r, "3 per 1 day")
	retryAfter(t, r, 86400)
	if f.chat.Calls() != 3 {
		t.Errorf("provider calls = %d, want 3", f.chat.Calls())
	}
	// The cap is a system setting too, and it wins over the environment.
	if err := f.env.Deps.SysConfig.Set(context.Background(), "ai_user_per_day", "5", "", f.admin.ID); err != nil {
		t.Fatal(err)
	}
	data(t, f.post(t, student, map[string]any{"content": "题 5"}))
}

func TestDailyTotalCap(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("AI_TOTAL_PER_DAY", "3"))
	student := f.env.CreateUser("student1", "Student123", false)
	data(t, f.post(t, f.admin, map[string]any{"content": "a"}))
	data(t, f.post(t, f.admin, map[string]any{"content": "b"}))
	data(t, f.post(t, student, map[string]any{"content": "c"}))
	r := f.post(t, student, map[string]any{"content": "d"})
	want429(t, r, "3 per 1 day")
	retryAfter(t, r, 86400)
	s := f.service()
	ctx := context.Background()
	if n, _ := s.usage.used(ctx, "total"); n != 3 {
		t.Errorf("total = %d, want 3", n)
	}
	// The refused call did not use up the student's own allowance.
	if n, _ := s.usage.used(ctx, "user:"+strconv.FormatInt(student.ID, 10)); n != 1 {
		t.Errorf("student = %d, want 1", n)
	}
}

func TestDailyCapResetsAtMidnight(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("AI_USER_PER_DAY", "1"), testkit.WithEnv("TIMEZONE", "Asia/Shanghai"))
	// 23:59:30 in Shanghai.
	now := time.Date(2026, 12, 4, 15, 59, 30, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	f.env.Deps.SetClock(clock)
	// Tokens issued by the test must be valid under the test clock.
	data(t, f.post(t, f.admin, map[string]any{"content": "a"}))
	r := f.post(t, f.admin, map[string]any{"content": "b"})
	want429(t, r, "1 per 1 day")
	if got := r.Header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After = %s, want 30 (seconds to Shanghai midnight)", got)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	data(t, f.post(t, f.admin, map[string]any{"content": "b"}))
}

func flexID(id int64) httpx.FlexInt { return httpx.FlexInt{Value: id, Set: true} }

func buildHash(q llm.Question) string { return llm.Build(q).Hash() }
