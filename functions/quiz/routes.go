// Package quiz is the quiz route group (api.md §2): subjects, question
// lists and details, answers, mistakes, favourites, private tags, cloud
// progress, statistics and mock exams.
package quiz

import (
	"net/http"

	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/ratelimit"
)

// Register adds the group's routes to r. Routes the spec marks "RL:
// exempt" have no limit; the others carry ratelimit.Default. The guard
// of each route is the auth level api.md gives it: user(J) for the
// question list and detail, user(S) for the statistics, user(S+J) for
// the rest, and "caller if any" for the count endpoints.
func Register(r *httpx.Router, d *platform.Deps) {
	s := newService(d)
	g := d.Guard
	type guard func(http.Handler) http.Handler
	route := func(pattern string, limited bool, auth guard, h httpx.HandlerFunc) {
		var handler http.Handler = auth(h)
		if limited {
			handler = d.Limiter.Limit("quiz "+pattern, ratelimit.Default)(handler)
		}
		r.Handle(pattern, handler)
	}
	const (
		exempt  = false
		limited = true
	)

	route("GET /api/quiz/subjects", exempt, g.User, s.listSubjects)
	route("GET /api/subjects", exempt, g.User, s.listSubjects)
	route("GET /api/quiz/subjects/{subject}/info", exempt, g.User, s.subjectInfo)

	route("GET /api/quiz/questions", limited, g.JWT, s.listQuestions)
	route("GET /api/quiz/questions/{id}", limited, g.JWT, s.questionDetail)
	route("PUT /api/quiz/questions/{id}", exempt, g.User, s.editQuestion)
	route("GET /api/quiz/questions/count", exempt, g.Optional, s.countQuestions(false))
	route("GET /api/questions/count", exempt, g.Optional, s.countQuestions(true))
	route("GET /api/quiz/questions/user_counts", exempt, g.Optional, s.userCounts(false))
	route("GET /api/questions/user_counts", exempt, g.Optional, s.userCounts(true))
	route("GET /api/quiz/search", exempt, g.User, s.search)

	for _, prefix := range []string{"/api/quiz", "/api"} {
		route("POST "+prefix+"/record_result", exempt, g.User, s.recordResult)
		route("POST "+prefix+"/favorite", exempt, g.User, s.favorite)
		route("GET "+prefix+"/progress", exempt, g.User, s.getProgress)
		route("POST "+prefix+"/progress", exempt, g.User, s.saveProgress)
		route("DELETE "+prefix+"/progress", exempt, g.User, s.deleteProgress)
	}

	route("GET /api/quiz/tags", exempt, g.User, s.listTags)
	route("POST /api/quiz/tags", exempt, g.User, s.createTag)
	route("DELETE /api/quiz/tags", exempt, g.User, s.deleteTag)
	route("GET /api/quiz/questions/{id}/tags", exempt, g.User, s.getQuestionTags)
	route("POST /api/quiz/questions/{id}/tags", exempt, g.User, s.setQuestionTags)

	route("GET /api/user/stats", limited, g.Session, s.userStats)
	route("GET /api/stats/daily", limited, g.Session, s.dailyStats)
	route("GET /api/stats/by_subject", limited, g.Session, s.groupStats("subject"))
	route("GET /api/stats/by_type", limited, g.Session, s.groupStats("type"))

	route("POST /api/exams/create", limited, g.User, s.createExam)
	route("GET /api/exams", limited, g.User, s.listExams)
	route("GET /api/exams/{id}", limited, g.User, s.getExam)
	route("DELETE /api/exams/{id}", limited, g.User, s.deleteExam)
	route("POST /api/exams/save_draft", limited, g.User, s.saveDraft)
	route("POST /api/exams/submit", limited, g.User, s.submitExam)
	route("POST /api/exams/{id}/mistakes", limited, g.User, s.examMistakes)
}
