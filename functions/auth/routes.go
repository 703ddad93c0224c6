// Package auth is the auth route group (api.md §1): e-mail codes, web
// password login and sessions, mini-program JWT login, WeChat login and
// binding, and the web scan-login flow.
package auth

import (
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
)

// Register adds the group's routes to r.
func Register(r *httpx.Router, d *platform.Deps) {
}
