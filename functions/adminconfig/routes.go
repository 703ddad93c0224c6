// Package adminconfig is the admin-config route group (api.md §4): the
// back office's system settings, subjects, questions, Excel and ZIP
// import/export, users and dashboard.
package adminconfig

import (
	"net/http"

	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/ratelimit"
)

// Register adds the group's routes to r. A routes are for administrators,
// S routes also for subject administrators; both accept the session
// cookie or a Bearer token and refuse others with 401/403 JSON.
func Register(r *httpx.Router, d *platform.Deps) {
	a := newAPI(d)
	route := func(pattern string, guard func(http.Handler) http.Handler, spec string, h httpx.HandlerFunc) {
		var handler http.Handler = guard(h)
		if spec != "" {
			handler = d.Limiter.Limit("admin "+pattern, spec)(handler)
		}
		r.Handle(pattern, handler)
	}
	A := func(pattern string, h httpx.HandlerFunc) { route(pattern, d.Guard.Admin, ratelimit.Default, h) }
	S := func(pattern string, h httpx.HandlerFunc) { route(pattern, d.Guard.Staff, ratelimit.Default, h) }

	// §4.1 dashboard.
	A("GET /admin/api/dashboard", a.dashboard)

	// §4.2 system configuration and quiz counters.
	A("GET /admin/api/system_config", a.listConfig)
	A("GET /admin/api/system_config/quiz_limit", a.quizLimit)
	A("GET /admin/api/system_config/{key}", a.getConfig)
	A("PUT /admin/api/system_config/{key}", a.putConfig)
	A("GET /admin/api/users/{id}/quiz_stats", a.quizStats)
	A("POST /admin/api/users/{id}/reset_quiz_count", a.resetQuizCount)
	A("POST /admin/api/users/batch_reset_quiz_count", a.batchResetQuizCount)

	// §4.3 mail settings.
	A("GET /admin/api/settings/mail", a.getMail)
	A("POST /admin/api/settings/mail", a.saveMail)
	route("POST /admin/api/settings/mail/test", d.Guard.Admin, "5 per minute", a.testMail)
	A("POST /admin/api/settings/mail/template-preview", a.previewMail)

	// §4.4 subjects and subject permissions.
	S("GET /admin/api/subjects", a.listSubjects)
	S("POST /admin/api/subjects", a.createSubject)
	S("PUT /admin/api/subjects/{id}", a.renameSubject)
	S("DELETE /admin/api/subjects/{id}", a.deleteSubject)
	S("POST /admin/api/subjects/{id}/lock", a.lockSubject(true))
	S("POST /admin/api/subjects/{id}/unlock", a.lockSubject(false))
	A("GET /admin/api/users/{id}/subjects", a.userSubjects)
	A("POST /admin/api/users/{id}/subjects", a.restrictSubjects)
	A("DELETE /admin/api/users/{id}/subjects/{sid}", a.unrestrictSubject)
	A("POST /admin/api/users/{id}/subjects/batch", a.batchUserSubjects)
	A("GET /admin/api/subjects/{id}/restricted_users", a.restrictedUsers)
	A("GET /admin/api/subject_permissions/overview", a.permissionsOverview)
	A("POST /admin/api/subject_permissions/batch", a.batchPermissions)

	// §4.5 questions.
	S("GET /admin/api/types", a.types)
	S("GET /admin/api/questions", a.listQuestions)
	S("POST /admin/api/questions", a.createQuestion(true))
	S("GET /admin/api/questions/{id}", a.getQuestion)
	S("PUT /admin/api/questions/{id}", a.updateQuestion)
	S("DELETE /admin/api/questions/{id}", a.deleteQuestion)
	S("POST /admin/api/questions/batch_delete", a.batchDelete)
	S("POST /admin/api/questions/batch_change_type", a.batchChangeType)
	S("POST /admin/api/questions/batch_move_subject", a.batchMoveSubject)
	S("POST /admin/api/questions/batch_set_difficulty", a.batchSetDifficulty)
	S("POST /admin/api/questions/batch_tags", a.batchTags)
	S("POST /admin/api/questions/duplicate-check/start", a.duplicateStart)
	S("GET /admin/api/questions/duplicate-check/results", a.duplicateResults)
	S("POST /admin/api/questions/upload_image", a.uploadImage)
	S("POST /admin/api/questions/import", a.importJSON(false))
	S("GET /admin/api/questions/export", a.exportJSON)
	S("GET /admin/api/download_template", a.downloadTemplate)
	S("POST /admin/api/questions/import/excel", a.importExcel)
	S("GET /admin/api/questions/export/excel", a.exportExcel)
	S("GET /admin/api/questions/export/word", a.exportWord)
	S("GET /admin/api/questions/export_package", a.exportPackage)
	S("POST /admin/api/questions/import_package", a.importPackage)

	// §4.6 users (the list is exempt from rate limits).
	route("GET /admin/api/users", d.Guard.Admin, "", a.listUsers)
	A("POST /admin/api/users/create", a.createUser)
	A("POST /admin/api/users/{id}/toggle_admin", a.toggleFlag(flagAdmin))
	A("POST /admin/api/users/{id}/toggle_subject_admin", a.toggleFlag(flagSubjectAdmin))
	A("POST /admin/api/users/{id}/toggle_notification_admin", a.toggleFlag(flagNotificationAdmin))
	A("POST /admin/api/users/{id}/toggle_lock", a.toggleLock)
	A("POST /admin/api/users/{id}/force_logout", a.forceLogout)
	A("POST /admin/api/users/{id}/reset_password", a.resetPassword)
	A("DELETE /admin/api/users/{id}", a.deleteUser)
	A("GET /admin/api/users/export", a.exportUsers)
	A("POST /admin/api/permissions/batch", a.batchRoles)

	// §4.0 legacy aliases, including the two the web admin calls that
	// the original lacked (batch_tags, force_logout).
	S("GET /admin/types", a.types)
	S("GET /admin/questions", a.listQuestions)
	S("POST /admin/questions", a.createQuestion(false))
	S("GET /admin/questions/{id}", a.getQuestion)
	S("PUT /admin/questions/{id}", a.updateQuestion)
	S("DELETE /admin/questions/{id}", a.deleteQuestion)
	S("POST /admin/questions/import", a.importJSON(true))
	S("POST /admin/questions/batch_delete", a.batchDelete)
	S("POST /admin/questions/batch_change_type", a.batchChangeType)
	S("POST /admin/questions/batch_move_subject", a.batchMoveSubject)
	S("POST /admin/questions/batch_set_difficulty", a.batchSetDifficulty)
	S("POST /admin/questions/batch_tags", a.batchTags)
	S("GET /admin/questions/export", a.exportJSON)
	S("GET /admin/questions/export_package", a.exportPackage)
	S("POST /admin/questions/import_package", a.importPackage)
	S("GET /admin/download_template", a.downloadTemplate)
	A("POST /admin/users/{id}/toggle_admin", a.toggleFlag(flagAdmin))
	A("POST /admin/users/{id}/toggle_subject_admin", a.toggleFlag(flagSubjectAdmin))
	A("POST /admin/users/{id}/toggle_notification_admin", a.toggleFlag(flagNotificationAdmin))
	A("POST /admin/users/{id}/toggle_lock", a.toggleLock)
	A("POST /admin/users/{id}/reset_password", a.resetPassword)
	A("POST /admin/users/{id}/force_logout", a.forceLogout)
	A("GET /admin/users/export", a.exportUsers)
	A("POST /admin/users/create", a.createUser)
	A("DELETE /admin/users/{id}", a.deleteUser)
}
