package llm_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"quizbank/shared/llm"
	"quizbank/shared/testkit"
)

func settings(base string) llm.Settings {
	return llm.Settings{APIKey: "sk-test-secret", BaseURL: base, Model: "qwen-plus",
		Timeout: 5 * time.Second, MaxRetries: 1}
}

func TestCompleteSendsTheContractRequest(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-from-environment")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/elsewhere")
	srv := testkit.NewChatServer(t, "  考查加法。\n答案：B  ")
	c := llm.NewClient(nil)
	p := llm.Prompt{System: "sys", User: "user text"}
	got, err := c.Complete(context.Background(), settings(srv.BaseURL), p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != "考查加法。\n答案：B" || got.Model != "qwen-plus" || got.TotalTokens != 200 {
		t.Fatalf("reply = %+v", got)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("calls = %d, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Path != testkit.ChatPath {
		t.Errorf("path = %s", r.Path)
	}
	if a := r.Header.Get("Authorization"); a != "Bearer sk-test-secret" {
		t.Errorf("Authorization = %q (the environment's key must not win)", a)
	}
	b := r.Body
	if b["model"] != "qwen-plus" || b["temperature"] != 0.2 || b["top_p"] != 0.8 || b["max_tokens"] != float64(900) {
		t.Errorf("body = %s", r.Raw)
	}
	msgs, _ := b["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages = %v", b["messages"])
	}
	sys, user := msgs[0].(map[string]any), msgs[1].(map[string]any)
	if sys["role"] != "system" || sys["content"] != "sys" || user["role"] != "user" || user["content"] != "user text" {
		t.Errorf("messages = %v", msgs)
	}
	if _, ok := b["stream"]; ok {
		t.Errorf("stream must not be requested: %s", r.Raw)
	}
}

func TestCompleteFailures(t *testing.T) {
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		kind      llm.Kind
		status    int
		wantCalls int
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteProviderError(w, 401, "invalid_api_key", "Incorrect API key provided: sk-test-secret")
		}, llm.Unauthorized, 401, 1},
		{"429", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			testkit.WriteProviderError(w, 429, "Throttling", "Requests rate limit exceeded")
		}, llm.RateLimited, 429, 2},
		{"503 retried once", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			testkit.WriteProviderError(w, 503, "ServiceUnavailable", "busy")
		}, llm.Upstream, 503, 2},
		{"400 model", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteProviderError(w, 400, "model_not_found", "The model does not exist")
		}, llm.Rejected, 400, 1},
		{"html instead of json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>gateway</html>"))
		}, llm.Malformed, 0, 1},
		{"truncated json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"x","choices":[{"message":{"content":"hal`))
		}, llm.Malformed, 0, 1},
		{"empty content", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteCompletion(w, "qwen-plus", "   ")
		}, llm.Empty, 0, 1},
		{"no choices", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"x","object":"chat.completion","choices":[]}`))
		}, llm.Empty, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testkit.NewChatServer(t, "")
			srv.Handle(tc.handler)
			_, err := llm.NewClient(nil).Complete(context.Background(), settings(srv.BaseURL), llm.Prompt{System: "s", User: "u"})
			var e *llm.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *llm.Error", err)
			}
			if e.Kind != tc.kind || e.Status != tc.status {
				t.Errorf("kind, status = %s, %d; want %s, %d", e.Kind, e.Status, tc.kind, tc.status)
			}
			if strings.Contains(e.Error(), "sk-test-secret") {
				t.Errorf("error text leaks the key: %s", e.Error())
			}
			if n := srv.Calls(); n != tc.wantCalls {
				t.Errorf("calls = %d, want %d", n, tc.wantCalls)
			}
		})
	}
}

func TestCompleteHonoursTimeout(t *testing.T) {
	srv := testkit.NewChatServer(t, "")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv.Handle(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	s := settings(srv.BaseURL)
	s.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := llm.NewClient(nil).Complete(context.Background(), s, llm.Prompt{System: "s", User: "u"})
	elapsed := time.Since(start)
	var e *llm.Error
	if !errors.As(err, &e) || e.Kind != llm.Timeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if elapsed > 3*time.Second {
		t.Errorf("took %v with a 300ms timeout", elapsed)
	}
	if n := srv.Calls(); n != 1 {
		t.Errorf("calls = %d; a timed-out call must not be retried past the deadline", n)
	}
}

func TestCompleteNetworkFailure(t *testing.T) {
	s := settings("http://127.0.0.1:1/v1") // port 1: nothing listens there
	s.MaxRetries = 0
	_, err := llm.NewClient(nil).Complete(context.Background(), s, llm.Prompt{System: "s", User: "u"})
	var e *llm.Error
	if !errors.As(err, &e) || e.Kind != llm.Network {
		t.Fatalf("err = %v, want a network failure", err)
	}
}
