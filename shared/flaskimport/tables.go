package flaskimport

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// The per-table steps of Run: what each of the original's rows becomes.

func describeFirst(label string, cols ...int) func([]any) string {
	return func(vals []any) string {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = fmt.Sprintf("%v", vals[c])
		}
		return label + " " + strings.Join(parts, "/")
	}
}

func (m *migrator) users(ctx context.Context) error {
	t := target{table: "users",
		columns: []string{"id", "username", "password_hash", "is_admin", "is_locked", "session_version",
			"avatar", "contact", "college", "last_active", "is_subject_admin", "is_notification_admin",
			"created_at", "email", "email_verified", "email_verified_at", "has_password_set", "openid"},
		identity: []string{"username"},
		describe: describeFirst("account", 1)}
	return m.copyTable(ctx, t, `SELECT * FROM users ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		// An empty hash (WeChat accounts) becomes NULL: no password login.
		hash := r.blankNull("password_hash")
		// NULL has_password_set means "yes when there is a hash" (data-model.md §1.1).
		hasPassword := int64(0)
		if n, ok := r.integer("has_password_set"); ok {
			hasPassword = boolInt(n != 0)
		} else if hash != nil {
			hasPassword = 1
		}
		return []any{r["id"], r.textOr("username", ""), hash, r.flag("is_admin"), r.flag("is_locked"),
			r.intOr("session_version", 0), r.orNull("avatar"), r.orNull("contact"), r.orNull("college"),
			m.clock.convert(r["last_active"], true), r.flag("is_subject_admin"), r.flag("is_notification_admin"),
			m.clock.required(r["created_at"], false), r.blankNull("email"), r.flag("email_verified"),
			m.clock.convert(r["email_verified_at"], false), hasPassword, r.blankNull("openid")}, nil
	})
}

func (m *migrator) subjects(ctx context.Context) error {
	t := target{table: "subjects", columns: []string{"id", "name", "description", "is_locked", "created_at"},
		identity: []string{"name"}, describe: describeFirst("subject", 1)}
	return m.copyTable(ctx, t, `SELECT * FROM subjects ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		if name := strings.TrimSpace(r.textOr("name", "")); strings.EqualFold(name, "all") {
			m.report.Warnings = append(m.report.Warnings, fmt.Sprintf("subject %v is named %q, which the question "+
				"lists read as \"every subject\": rename it (PUT /admin/api/subjects/%v)", r["id"], name, r["id"]))
		}
		return []any{r["id"], r.textOr("name", ""), r.orNull("description"), r.flag("is_locked"),
			m.clock.convert(r["created_at"], false)}, nil
	})
}

func (m *migrator) questions(ctx context.Context) error {
	t := target{table: "questions",
		columns: []string{"id", "subject_id", "content", "q_type", "options", "answer", "explanation",
			"difficulty", "image_path", "created_at", "tags", "created_by", "updated_at"},
		identity: []string{"q_type", "content"}, describe: describeFirst("question", 3, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM questions ORDER BY id`, func(ctx context.Context, r record, tally *Tally) ([]any, error) {
		subject, err := m.ref(ctx, tally, "subjects", r["subject_id"])
		if err != nil {
			return nil, err
		}
		author, err := m.ref(ctx, tally, "users", r["created_by"])
		if err != nil {
			return nil, err
		}
		options := r.textOr("options", "")
		if strings.TrimSpace(options) == "" {
			options = "[]"
		}
		// image_path keeps whichever form it has: one relative path, a
		// JSON array string of paths, '' or NULL (api.md §0.8).
		return []any{r["id"], subject, r.textOr("content", ""), r.textOr("q_type", ""), options,
			r.textOr("answer", ""), r.textOr("explanation", ""), r.intOr("difficulty", 1), r.orNull("image_path"),
			m.clock.required(r["created_at"], false), r.textOr("tags", ""), author,
			m.clock.convert(r["updated_at"], false)}, nil
	})
}

func (m *migrator) favorites(ctx context.Context) error {
	t := target{table: "favorites", columns: []string{"id", "user_id", "question_id", "created_at"},
		identity: []string{"user_id", "question_id"}, pairKey: true, describe: describeFirst("user/question", 1, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM favorites ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		return []any{r["id"], r["user_id"], r["question_id"], m.clock.required(r["created_at"], false)}, nil
	})
}

func (m *migrator) mistakes(ctx context.Context) error {
	t := target{table: "mistakes", columns: []string{"id", "user_id", "question_id", "created_at", "wrong_count", "updated_at"},
		identity: []string{"user_id", "question_id"}, pairKey: true, describe: describeFirst("user/question", 1, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM mistakes ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		created := m.clock.required(r["created_at"], false)
		updated := created
		if u, ok := m.clock.convert(r["updated_at"], false).(string); ok {
			updated = u
		}
		// Databases without the column counted every mistake once.
		wrong := r.intOr("wrong_count", 1)
		if wrong < 1 {
			wrong = 1
		}
		return []any{r["id"], r["user_id"], r["question_id"], created, wrong, updated}, nil
	})
}

func (m *migrator) userAnswers(ctx context.Context) error {
	t := target{table: "user_answers", columns: []string{"id", "user_id", "question_id", "user_answer", "is_correct", "created_at"},
		identity: []string{"user_id", "question_id"}, pairKey: true, describe: describeFirst("user/question", 1, 2)}
	// The original deletes the previous answer before inserting a new one,
	// so the highest id of a pair is the latest; older leftovers are dropped.
	err := m.copyTable(ctx, t, `SELECT * FROM user_answers WHERE id IN
		(SELECT MAX(id) FROM user_answers GROUP BY user_id, question_id) ORDER BY id`,
		func(_ context.Context, r record, _ *Tally) ([]any, error) {
			return []any{r["id"], r["user_id"], r["question_id"], r.orNull("user_answer"), r.nullableInt("is_correct"),
				m.clock.required(r["created_at"], false)}, nil
		})
	if err != nil {
		return err
	}
	var latest int
	if err := m.src.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM user_answers GROUP BY user_id, question_id)`).Scan(&latest); err != nil {
		return fmt.Errorf("count source user_answers: %w", err)
	}
	tally := m.report.table("user_answers")
	for i := latest; i < tally.Source; i++ {
		tally.skip(reasonOlder)
	}
	return nil
}

// ephemeralKeys are the login/bind records the original kept in
// user_progress under the "KV owner"; they expire within minutes and our
// auth group keeps them elsewhere (auth_ephemeral).
var ephemeralKeys = []string{"web_login_session:", "web_login_token:", "web_wechat_bind_session:", "wechat_temp_token:"}

func (m *migrator) userProgress(ctx context.Context) error {
	tagTables, err := m.hasTagTables(ctx)
	if err != nil {
		return err
	}
	t := target{table: "user_progress", columns: []string{"id", "user_id", "p_key", "data", "updated_at", "created_at"},
		identity: []string{"user_id", "p_key"}, pairKey: true, describe: describeFirst("user/key", 1, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM user_progress ORDER BY id`, func(ctx context.Context, r record, tally *Tally) ([]any, error) {
		key := r.textOr("p_key", "")
		for _, prefix := range ephemeralKeys {
			if strings.HasPrefix(key, prefix) {
				tally.skip(reasonEphemeral)
				return nil, nil
			}
		}
		updated := m.clock.required(r["updated_at"], false)
		created := updated
		if c, ok := m.clock.convert(r["created_at"], false).(string); ok {
			created = c
		}
		if key == tagDocumentKey && tagTables {
			tally.skip(reasonTagsMoved)
			return nil, m.importTags(ctx, r["user_id"], r.textOr("data", ""), created)
		}
		// Progress, bank tags and the profile signature stay documents
		// under their original keys (as does question_tags_v1 when the
		// target has no tag tables).
		return []any{r["id"], r["user_id"], key, r.textOr("data", "null"), updated, created}, nil
	})
}

func (m *migrator) exams(ctx context.Context) error {
	m.examSource = map[int64]string{}
	t := target{table: "exams",
		columns: []string{"id", "user_id", "subject", "duration_minutes", "config_json", "total_score",
			"status", "started_at", "submitted_at"},
		identity: []string{"user_id", "started_at"}, describe: describeFirst("exam of user/started", 1, 7)}
	return m.copyTable(ctx, t, `SELECT * FROM exams ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		config := r.orNull("config_json")
		if id, ok := r.integer("id"); ok {
			m.examSource[id] = examSource(config)
		}
		// started_at and submitted_at are UTC in the original (data-model.md §2.7).
		return []any{r["id"], r["user_id"], r.orNull("subject"), r.intOr("duration_minutes", 0), config,
			r.realOr("total_score", 0), r.textOr("status", "ongoing"), m.clock.required(r["started_at"], true),
			m.clock.convert(r["submitted_at"], true)}, nil
	})
}

// examSource reads where an exam's questions come from: config_json's
// "source", public unless it says user_bank.
func examSource(config any) string {
	s, _ := config.(string)
	var c struct {
		Source string `json:"source"`
	}
	if json.Unmarshal([]byte(s), &c) == nil && c.Source == "user_bank" {
		return "user_bank"
	}
	return "public"
}

func (m *migrator) examQuestions(ctx context.Context) error {
	t := target{table: "exam_questions",
		columns: []string{"id", "exam_id", "question_id", "source", "order_index", "score_val", "user_answer",
			"is_correct", "answered_at"},
		identity: []string{"exam_id", "question_id"}, pairKey: true, describe: describeFirst("exam/question", 1, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM exam_questions ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		source := "public"
		if id, ok := r.integer("exam_id"); ok && m.examSource[id] != "" {
			source = m.examSource[id]
		}
		return []any{r["id"], r["exam_id"], r["question_id"], source, r.intOr("order_index", 0),
			r.realOr("score_val", 1), r.orNull("user_answer"), r.nullableInt("is_correct"),
			m.clock.convert(r["answered_at"], false)}, nil
	})
}

func (m *migrator) userSubjects(ctx context.Context) error {
	t := target{table: "user_subjects", columns: []string{"id", "user_id", "subject_id", "restricted_at", "restricted_by"},
		identity: []string{"user_id", "subject_id"}, pairKey: true, describe: describeFirst("user/subject", 1, 2)}
	return m.copyTable(ctx, t, `SELECT * FROM user_subjects ORDER BY id`, func(ctx context.Context, r record, tally *Tally) ([]any, error) {
		by, err := m.ref(ctx, tally, "users", r["restricted_by"])
		if err != nil {
			return nil, err
		}
		return []any{r["id"], r["user_id"], r["subject_id"], m.clock.required(r["restricted_at"], false), by}, nil
	})
}

// userQuizStats copies the quiz-limit counters. The table came with the
// quiz-limit feature, so an older database may not have it.
func (m *migrator) userQuizStats(ctx context.Context) error {
	cols, err := columnsOf(ctx, m.src, "user_quiz_stats")
	if err != nil {
		return fmt.Errorf("read the schema of user_quiz_stats: %w", err)
	}
	if !cols["id"] || !cols["user_id"] {
		return nil
	}
	t := target{table: "user_quiz_stats", columns: []string{"id", "user_id", "total_answered", "last_reset_at", "updated_at"},
		identity: []string{"user_id"}, pairKey: true, describe: describeFirst("counter of user", 1)}
	return m.copyTable(ctx, t, `SELECT * FROM user_quiz_stats ORDER BY id`, func(_ context.Context, r record, _ *Tally) ([]any, error) {
		return []any{r["id"], r["user_id"], r.intOr("total_answered", 0), m.clock.convert(r["last_reset_at"], false),
			m.clock.required(r["updated_at"], false)}, nil
	})
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
