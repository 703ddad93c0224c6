package testkit

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// ChatPath is where ChatServer answers, below its URL.
const ChatPath = "/compatible-mode/v1/chat/completions"

// ChatServer is a local stand-in for an OpenAI-compatible provider: it
// speaks the chat-completions wire format, records every request it
// receives and answers through a replaceable handler.
type ChatServer struct {
	// BaseURL is what DASHSCOPE_BASE_URL should be set to.
	BaseURL string

	mu       sync.Mutex
	requests []ChatRequest
	handler  http.HandlerFunc
}

// ChatRequest is one request the server received.
type ChatRequest struct {
	Method string
	Path   string
	Header http.Header
	Raw    []byte
	Body   map[string]any // nil when the body is not a JSON object
}

// NewChatServer starts a provider answering every call with reply.
func NewChatServer(t testing.TB, reply string) *ChatServer {
	t.Helper()
	s := &ChatServer{}
	s.handler = func(w http.ResponseWriter, r *http.Request) {
		WriteCompletion(w, "qwen-plus", reply)
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.BaseURL = srv.URL + "/compatible-mode/v1"
	return s
}

func (s *ChatServer) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := ChatRequest{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Raw: raw}
	_ = json.Unmarshal(raw, &req.Body)
	s.mu.Lock()
	s.requests = append(s.requests, req)
	h := s.handler
	s.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != ChatPath {
		WriteProviderError(w, http.StatusNotFound, "not_found", "no such route")
		return
	}
	h(w, r)
}

// Handle replaces how the server answers.
func (s *ChatServer) Handle(h http.HandlerFunc) {
	s.mu.Lock()
	s.handler = h
	s.mu.Unlock()
}

// Requests returns every request received so far.
func (s *ChatServer) Requests() []ChatRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ChatRequest(nil), s.requests...)
}

// Calls is how many requests arrived.
func (s *ChatServer) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// WriteCompletion answers with a chat.completion object holding text.
func WriteCompletion(w http.ResponseWriter, model, text string) {
	body := map[string]any{
		"id":      fmt.Sprintf("chatcmpl-%d", time.Now().UnixNano()),
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": text},
			"finish_reason": "stop",
			"logprobs":      nil,
		}},
		"usage":              map[string]any{"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
		"system_fingerprint": nil,
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

// WriteProviderError answers status with the provider's error object.
func WriteProviderError(w http.ResponseWriter, status int, errCode, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": map[string]any{"message": message, "type": "invalid_request_error",
			"param": nil, "code": errCode},
		"request_id": "req-test",
	})
}

// WriteCompletionStream answers a "stream": true request with one
// chat.completion.chunk event per piece, a final chunk with the finish
// reason, and [DONE], flushing after each event.
func WriteCompletionStream(w http.ResponseWriter, model string, pieces ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher, _ := w.(http.Flusher)
	id := fmt.Sprintf("chatcmpl-%d", time.Now().UnixNano())
	event := func(delta map[string]any, finish any) {
		b, _ := json.Marshal(map[string]any{
			"id": id, "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		_, _ = fmt.Fprintf(w, "data: %s\n\n", b)
		if flusher != nil {
			flusher.Flush()
		}
	}
	event(map[string]any{"role": "assistant", "content": ""}, nil)
	for _, p := range pieces {
		event(map[string]any{"content": p}, nil)
	}
	event(map[string]any{}, "stop")
	_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
	if flusher != nil {
		flusher.Flush()
	}
}
