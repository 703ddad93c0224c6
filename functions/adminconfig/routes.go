// Package adminconfig is the admin-config route group (api.md §4): the
// back office's system settings, subjects, questions, Excel and ZIP
// import/export, users and dashboard.
package adminconfig

import (
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
)

// Register adds the group's routes to r.
func Register(r *httpx.Router, d *platform.Deps) {
}
