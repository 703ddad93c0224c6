// Package explain is the explain route group (api.md §3): AI explanations
// of questions through an OpenAI-compatible chat API.
package explain

import (
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
)

// Register adds the group's routes to r.
func Register(r *httpx.Router, d *platform.Deps) {
}
