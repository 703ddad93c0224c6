package explain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

// sseEvent is one server-sent event.
type sseEvent struct {
	Name string
	Data map[string]any
}

// openStream posts body with Accept: text/event-stream and returns the
// response and a channel of its events.
func openStream(t *testing.T, f *fixture, body any) (*http.Response, <-chan sseEvent) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, f.url+path, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", testkit.Bearer(f.env.Token(f.admin)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan sseEvent, 16)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
			case line == "":
				ch <- ev
				ev = sseEvent{}
			}
		}
	}()
	return resp, ch
}

func collect(t *testing.T, ch <-chan sseEvent) []sseEvent {
	t.Helper()
	var out []sseEvent
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("stream did not end; got %v", out)
		}
	}
}

func TestStreamDeliversTextAsItComes(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("ENABLE_GZIP", "true"), testkit.WithEnv("GZIP_MINIMUM_SIZE", "1"))
	release := make(chan struct{})
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		chunk := func(s string) {
			b, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion.chunk", "model": "qwen-max",
				"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": s}, "finish_reason": nil}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			fl.Flush()
		}
		chunk("\n你")
		<-release // the first piece must reach the client before the rest exists
		chunk("好")
		chunk("！")
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	sub := f.subject(t, "s")
	q := f.question(t, sub, "打个招呼", "问答题", `[]`, "你好", "")
	resp, ch := openStream(t, f, map[string]any{"question_id": q})
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("status %d, type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	select {
	case ev := <-ch:
		if ev.Name != "" || ev.Data["delta"] != "你" {
			t.Fatalf("first event = %+v", ev)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the first piece was held back")
	}
	close(release)
	rest := collect(t, ch)
	if len(rest) != 3 || rest[0].Data["delta"] != "好" || rest[1].Data["delta"] != "！" || rest[2].Name != "done" {
		t.Fatalf("events = %+v", rest)
	}
	done := rest[2].Data
	d, _ := done["data"].(map[string]any)
	if done["status"] != "success" || d["explain"] != "你好！" || d["provider"] != "dashscope" || d["model"] != "qwen-max" {
		t.Errorf("done = %v", done)
	}
	sent := f.chat.Requests()[0].Body
	if sent["stream"] != true || sent["model"] != "qwen-max" || sent["max_tokens"] != float64(900) {
		t.Errorf("provider request = %v", sent)
	}
	// The streamed answer was cached: a plain request now costs nothing.
	if d := data(t, f.post(t, f.admin, map[string]any{"question_id": q})); d["explain"] != "你好！" {
		t.Errorf("cached = %v", d)
	}
	// And a streaming one gets it whole.
	_, ch = openStream(t, f, map[string]any{"question_id": q})
	evs := collect(t, ch)
	if len(evs) != 2 || evs[0].Data["delta"] != "你好！" || evs[1].Name != "done" {
		t.Errorf("cached stream = %+v", evs)
	}
	if f.chat.Calls() != 1 {
		t.Errorf("provider calls = %d, want 1", f.chat.Calls())
	}
}

func TestStreamPlaceholder(t *testing.T) {
	f := newFixture(t, false)
	_, ch := openStream(t, f, map[string]any{"content": "x"})
	evs := collect(t, ch)
	if len(evs) != 2 || evs[0].Data["delta"] != placeholderText || evs[1].Name != "done" {
		t.Fatalf("events = %+v", evs)
	}
	if d := evs[1].Data["data"].(map[string]any); d["provider"] != "placeholder" {
		t.Errorf("done = %v", evs[1].Data)
	}
}

func TestStreamRefusalsStayJSON(t *testing.T) {
	f := newFixture(t, true, testkit.WithEnv("AI_USER_PER_MINUTE", "1"))
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		testkit.WriteProviderError(w, 401, "invalid_api_key", "Incorrect API key provided: "+testKey)
	})
	for i, want := range []int{http.StatusBadGateway, http.StatusTooManyRequests} {
		resp, ch := openStream(t, f, map[string]any{"content": fmt.Sprint("题", i)})
		collect(t, ch)
		if resp.StatusCode != want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("request %d: %d %s", i, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	resp, ch := openStream(t, f, map[string]any{})
	collect(t, ch)
	if resp.StatusCode != 400 {
		t.Errorf("missing question: %d", resp.StatusCode)
	}
	if strings.Contains(f.logs.String(), testKey) {
		t.Error("key in logs")
	}
}

func TestStreamBreaksMidway(t *testing.T) {
	f := newFixture(t, true)
	f.chat.Handle(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		b, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion.chunk",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]any{"content": "一半"}}}})
		fmt.Fprintf(w, "data: %s\n\n", b)
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":\n\n")
	})
	_, ch := openStream(t, f, map[string]any{"content": "题"})
	evs := collect(t, ch)
	if len(evs) != 2 || evs[0].Data["delta"] != "一半" || evs[1].Name != "error" ||
		evs[1].Data["message"] != msgProviderFailed || evs[1].Data["status"] != "error" {
		t.Fatalf("events = %+v", evs)
	}
	if !strings.Contains(f.logs.String(), "AI provider call failed") {
		t.Error("failure not logged")
	}
}
