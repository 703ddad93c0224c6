// Package explain is the explain route group (api.md §3): AI explanations
// of questions through an OpenAI-compatible chat API, with a placeholder
// answer when no key is configured, answers cached per stored question,
// and per-user and overall limits on what the provider may cost.
package explain

import (
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
)

// Register adds the group's routes to r.
func Register(r *httpx.Router, d *platform.Deps) {
	s := newService(d)
	h := d.Guard.User(httpx.HandlerFunc(s.handleExplain))
	r.Handle("POST /api/quiz/ai/explain", h)
	r.Handle("POST /api/ai/explain", h) // the original's alias
}
