package explain

import (
	"context"
	"sync"
)

// flights lets concurrent requests for the same uncached answer share
// one provider call: when a class opens a question together, the first
// request asks the provider and the others wait for its answer. Only a
// success is shared; a waiter whose leader failed goes on by itself, so
// one caller's limit or failure never reaches another.
type flights struct {
	mu    sync.Mutex
	calls map[string]*flight
}

// flight is one provider call in progress.
type flight struct {
	done chan struct{}
	text string
	err  error
}

// join returns the call in progress for key, or registers a new one and
// makes the caller its leader, who must then call finish.
func (g *flights) join(key string) (f *flight, leader bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.calls[key]; ok {
		return f, false
	}
	if g.calls == nil {
		g.calls = map[string]*flight{}
	}
	f = &flight{done: make(chan struct{})}
	g.calls[key] = f
	return f, true
}

// finish publishes the leader's result and forgets the call.
func (g *flights) finish(key string, f *flight, text string, err error) {
	g.mu.Lock()
	delete(g.calls, key)
	g.mu.Unlock()
	f.text, f.err = text, err
	close(f.done)
}

// wait returns the leader's text, or ok=false when the leader failed or
// ctx ended first.
func (f *flight) wait(ctx context.Context) (text string, ok bool) {
	select {
	case <-f.done:
		return f.text, f.err == nil
	case <-ctx.Done():
		return "", false
	}
}
