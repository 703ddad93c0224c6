package explain

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

// burst sends n concurrent requests for question q, releasing the
// provider's first answer only after the others had time to arrive.
func burst(t *testing.T, f *fixture, q int64, n int, release chan struct{}) []testkit.Response {
	t.Helper()
	out := make([]testkit.Response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = testkit.Call(t, f.url, http.MethodPost, path, map[string]any{"question_id": q},
				testkit.Bearer(f.env.Token(f.admin)))
		}()
	}
	deadline := time.Now().Add(3 * time.Second)
	for f.chat.Calls() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond) // let the others reach the provider or the flight
	close(release)
	wg.Wait()
	return out
}

func TestConcurrentRequestsShareOneCall(t *testing.T) {
	f := newFixture(t, true)
	q := f.question(t, f.subject(t, "s"), "同时打开的题", "问答题", `[]`, "答", "")
	release := make(chan struct{})
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		<-release
		testkit.WriteCompletion(w, "qwen-max", "共享的讲解")
	})
	for i, r := range burst(t, f, q, 6, release) {
		if d := data(t, r); d["explain"] != "共享的讲解" {
			t.Errorf("request %d: %v", i, d)
		}
	}
	if n := f.chat.Calls(); n != 1 {
		t.Errorf("provider calls = %d, want 1", n)
	}
}

func TestLeaderFailureIsNotShared(t *testing.T) {
	f := newFixture(t, true)
	q := f.question(t, f.subject(t, "s"), "题", "问答题", `[]`, "答", "")
	release := make(chan struct{})
	var calls atomic.Int32
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			<-release
			testkit.WriteProviderError(w, 401, "invalid_api_key", "key revoked")
			return
		}
		testkit.WriteCompletion(w, "qwen-max", "第二位的讲解")
	})
	var failed, ok int
	for _, r := range burst(t, f, q, 5, release) {
		switch r.Status {
		case http.StatusBadGateway:
			failed++
		case http.StatusOK:
			if data(t, r)["explain"] == "第二位的讲解" {
				ok++
			}
		}
	}
	// A 401 is not retried; one of the waiters then led a call of its own.
	if failed != 1 || ok != 4 {
		t.Errorf("failed = %d, ok = %d; want 1 and 4", failed, ok)
	}
}
