package quiz_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"

	"quizbank/functions/quiz"
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/testkit"
)

// benchWorld is 10,000 questions in 20 subjects behind the real
// middleware and guard, rate limits off.
func benchWorld(b *testing.B) (http.Handler, string) {
	b.Helper()
	env := testkit.New(b, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	u := env.CreateUser("bench", "BenchPass123", false)
	env.SeedBankT(10_000, 20)
	h, _ := env.Deps.Handler(quiz.Register)
	tok := testkit.Bearer(env.Token(u))
	// Some favourites and mistakes for the filters to find.
	for id := 1; id <= 10_000; id += 50 {
		if _, err := env.Deps.DB.Exec(`INSERT INTO favorites (user_id, question_id) VALUES (?, ?)`, u.ID, id); err != nil {
			b.Fatal(err)
		}
		if _, err := env.Deps.DB.Exec(`INSERT INTO mistakes (user_id, question_id) VALUES (?, ?)`, u.ID, id+1); err != nil {
			b.Fatal(err)
		}
	}
	return h, tok
}

func serve(b *testing.B, h http.Handler, tok, method, path string, body []byte) {
	var rd *bytes.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	var req *http.Request
	if rd != nil {
		req = httptest.NewRequest(method, path, rd)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Authorization", tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
}

func BenchmarkQuestionList(b *testing.B) {
	h, tok := benchWorld(b)
	subj := url.QueryEscape("科目07")
	cases := map[string]string{
		"page20":           "/api/quiz/questions?subject=" + subj + "&page=3&per_page=20",
		"page20_all":       "/api/quiz/questions?subject=all&page=40&per_page=20",
		"page20_type":      "/api/quiz/questions?subject=" + subj + "&q_type=" + url.QueryEscape("选择题") + "&page=2&per_page=20",
		"page20_favorites": "/api/quiz/questions?mode=favorites&page=1&per_page=20",
		"page20_mistakes":  "/api/quiz/questions?subject=all&source=mistakes&page=2&per_page=20",
		"page20_shuffled":  "/api/quiz/questions?subject=" + subj + "&shuffle_questions=1&seed=9&shuffle_options=1",
	}
	for _, name := range []string{"page20", "page20_all", "page20_type", "page20_favorites", "page20_mistakes", "page20_shuffled"} {
		b.Run(name, func(b *testing.B) {
			path := cases[name]
			serve(b, h, tok, "GET", path, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve(b, h, tok, "GET", path, nil)
			}
		})
	}
}

func BenchmarkQuestionDetail(b *testing.B) {
	h, tok := benchWorld(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, tok, "GET", fmt.Sprintf("/api/quiz/questions/%d", 1+i%10_000), nil)
	}
}

func BenchmarkSearch(b *testing.B) {
	h, tok := benchWorld(b)
	path := "/api/quiz/search?keyword=kw77&page=1&per_page=20"
	serve(b, h, tok, "GET", path, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, tok, "GET", path, nil)
	}
}

func BenchmarkRecordResult(b *testing.B) {
	h, tok := benchWorld(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := fmt.Appendf(nil, `{"question_id":%d,"is_correct":%t}`, 1+i%10_000, i%3 == 0)
		serve(b, h, tok, "POST", "/api/quiz/record_result", body)
	}
}

// BenchmarkRecordResultParallel answers from 32 concurrent callers, the
// load test's shape, where group commit shares transactions.
func BenchmarkRecordResultParallel(b *testing.B) {
	h, tok := benchWorld(b)
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	var n atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := fmt.Appendf(nil, `{"question_id":%d,"is_correct":%t}`, 1+i%10_000, i%3 == 0)
			serve(b, h, tok, "POST", "/api/quiz/record_result", body)
		}
	})
}

// BenchmarkGuardOnly is the shared middleware and JWT guard in front of
// an empty handler: the floor under every quiz route.
func BenchmarkGuardOnly(b *testing.B) {
	env := testkit.New(b, testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	u := env.CreateUser("bench", "BenchPass123", false)
	tok := testkit.Bearer(env.Token(u))
	h, _ := env.Deps.Handler(func(r *httpx.Router, d *platform.Deps) {
		r.Handle("GET /api/guard", d.Guard.JWT(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
		})))
	})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, tok, "GET", "/api/guard", nil)
	}
}
