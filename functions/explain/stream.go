package explain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/llm"
	"quizbank/shared/users"
)

// wantsStream reports whether the client asked for server-sent events
// (Accept: text/event-stream). The original never streams; current
// clients keep getting JSON.
func wantsStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/event-stream" {
			return true
		}
	}
	return false
}

// eventWriter writes server-sent events. Until the first event nothing
// is sent, so a refusal can still be an ordinary JSON answer.
//
// The stream is: any number of unnamed events {"delta":"…"} carrying the
// text as it is generated, then either "done" with the whole answer in
// the JSON envelope ({"status":"success","data":{…}}) or "error" with
// {"status":"error","message":…}.
type eventWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

func newEventWriter(w http.ResponseWriter) *eventWriter {
	return &eventWriter{w: w, rc: http.NewResponseController(w)}
}

func (e *eventWriter) send(name string, v any) error {
	if !e.started {
		h := e.w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Accel-Buffering", "no") // Nginx: pass events through unbuffered
		e.w.WriteHeader(http.StatusOK)
		e.started = true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	var msg strings.Builder
	if name != "" {
		msg.WriteString("event: " + name + "\n")
	}
	msg.WriteString("data: ")
	msg.Write(b)
	msg.WriteString("\n\n")
	if _, err := e.w.Write([]byte(msg.String())); err != nil {
		return fmt.Errorf("write event: %w", err)
	}
	if err := e.rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return fmt.Errorf("flush event: %w", err)
	}
	return nil
}

// whole streams an answer that is already complete (placeholder, cache).
func (e *eventWriter) whole(answer httpx.M) error {
	if err := e.send("", httpx.M{"delta": answer["explain"]}); err != nil {
		return err
	}
	return e.send("done", httpx.M{"status": "success", "data": answer})
}

// streamExplain is explain for a streaming client.
func (s *service) streamExplain(ctx context.Context, ev *eventWriter, caller *users.User, q llm.Question, storedID int64, p llm.Settings) error {
	prompt := llm.Build(q)
	hash := prompt.Hash()
	answer := func(text string) httpx.M {
		return httpx.M{"explain": text, "provider": providerDashScope, "model": p.Model}
	}
	for {
		if text, ok := s.fromCache(ctx, storedID, p.Model, hash); ok {
			return ev.whole(answer(text))
		}
		if storedID == 0 {
			_, err := s.streamOnce(ctx, ev, caller, storedID, p, prompt, hash)
			return rendered(err)
		}
		key := flightKey(storedID, p.Model, hash)
		f, leader := s.flights.join(key)
		if !leader {
			if text, ok := f.wait(ctx); ok {
				return ev.whole(answer(text))
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			continue // the leader failed: try on our own
		}
		text, err := s.streamOnce(ctx, ev, caller, storedID, p, prompt, hash)
		s.flights.finish(key, f, text, err)
		return rendered(err)
	}
}

// rendered drops the errors whose answer the stream already carries.
func rendered(err error) error {
	if errors.Is(err, errStreamFailed) || errors.Is(err, errClientGone) {
		return nil
	}
	return err
}

// errStreamFailed marks a stream that ended in an "error" event and
// errClientGone one whose reader left; either way there is nothing more
// to render.
var (
	errStreamFailed = errors.New("AI explanation stream failed")
	errClientGone   = errors.New("AI explanation stream abandoned")
)

// streamOnce is one admitted provider call streamed to the client. It
// returns the whole text on success; errStreamFailed and errClientGone
// mean the stream has ended already.
func (s *service) streamOnce(ctx context.Context, ev *eventWriter, caller *users.User, storedID int64, p llm.Settings, prompt llm.Prompt, hash string) (string, error) {
	if err := s.admit(ctx, caller); err != nil {
		return "", err
	}
	start := time.Now()
	var writeErr error
	reply, started, err := s.client.Stream(ctx, p, prompt, func(delta string) error {
		writeErr = ev.send("", httpx.M{"delta": delta})
		return writeErr
	})
	switch {
	case err != nil && writeErr != nil:
		// The client went away mid-stream; nobody reads an answer.
		s.logger.InfoContext(ctx, "AI explanation stream abandoned by the client")
		return "", errClientGone
	case err != nil && !started:
		return "", s.providerFailure(ctx, err, p, time.Since(start))
	case err != nil:
		var e *llm.Error
		if !errors.As(err, &e) {
			e = &llm.Error{Kind: llm.Malformed}
		}
		s.logFailure(ctx, e, p, time.Since(start))
		_ = ev.send("error", httpx.M{"status": "error", "message": msgProviderFailed})
		return "", errStreamFailed
	}
	s.remember(ctx, storedID, p.Model, hash, reply, time.Since(start))
	_ = ev.send("done", httpx.M{"status": "success",
		"data": httpx.M{"explain": reply.Text, "provider": providerDashScope, "model": p.Model}})
	return reply.Text, nil
}
