// Package quiz is the quiz route group (api.md §2): subjects, question
// lists and details, answers, mistakes, favourites, private tags, cloud
// progress, statistics and mock exams.
package quiz

import (
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
)

// Register adds the group's routes to r.
func Register(r *httpx.Router, d *platform.Deps) {
}
