package quiz_test

import (
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// The hot paths' statements must find rows through an index: a plan
// line "SCAN <table>" without an index is a full-table scan. (json_each
// is the bound id list, not a table.)
func TestHotPathsUseIndexes(t *testing.T) {
	env := testkit.New(t)
	env.SeedBankT(500, 5)
	queries := map[string]string{
		"subject page ids":   `SELECT q.id FROM questions q WHERE q.subject_id = 1 ORDER BY q.id`,
		"subject + type ids": `SELECT q.id FROM questions q WHERE q.subject_id = 1 AND q.q_type = '选择题' ORDER BY q.id`,
		"rows of a page":     `SELECT q.id, s.name FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id WHERE q.id IN (SELECT value FROM json_each('[1,2,3]'))`,
		"caller flags":       `SELECT question_id, 1 FROM favorites WHERE user_id = 1 AND question_id IN (SELECT value FROM json_each('[1,2]')) UNION ALL SELECT question_id, 2 FROM mistakes WHERE user_id = 1 AND question_id IN (SELECT value FROM json_each('[1,2]'))`,
		"blacklist":          `SELECT subject_id FROM user_subjects WHERE user_id = 1 ORDER BY subject_id`,
		"favourites filter":  `SELECT q.id FROM questions q JOIN favorites f ON f.question_id = q.id AND f.user_id = 1 WHERE q.subject_id = 1 ORDER BY q.id`,
		"mistakes filter":    `SELECT q.id FROM questions q JOIN mistakes m ON m.question_id = q.id AND m.user_id = 1 ORDER BY q.id`,
		"tag filter":         `SELECT q.id FROM questions q JOIN user_question_tags t ON t.question_id = q.id AND t.tag_id = 1 ORDER BY q.id`,
		"mistake upsert":     `INSERT INTO mistakes (user_id, question_id, created_at, wrong_count, updated_at) VALUES (1, 1, 'x', 1, 'x') ON CONFLICT(user_id, question_id) DO UPDATE SET wrong_count = wrong_count + 1`,
		"mistake delete":     `DELETE FROM mistakes WHERE user_id = 1 AND question_id = 1`,
		"answer upsert":      `INSERT INTO user_answers (user_id, question_id, is_correct, created_at) VALUES (1, 1, 1, 'x') ON CONFLICT(user_id, question_id) DO UPDATE SET is_correct = excluded.is_correct`,
		"quiz counter":       `SELECT total_answered FROM user_quiz_stats WHERE user_id = 1`,
		"favourite toggle":   `DELETE FROM favorites WHERE user_id = 1 AND question_id = 1`,
		"content version":    `SELECT version FROM quiz_content_version WHERE id = 1`,
		"caller row":         `SELECT id FROM users WHERE id = 1`,
		"user counts":        `SELECT COUNT(*) FROM favorites x JOIN questions q ON q.id = x.question_id WHERE x.user_id = 1 AND q.subject_id = 1`,
		"question tags":      `SELECT t.name FROM user_question_tags b JOIN user_tags t ON t.id = b.tag_id WHERE b.user_id = 1 AND b.question_id = 1 ORDER BY b.id`,
		"progress":           `SELECT data FROM user_progress WHERE user_id = 1 AND p_key = 'k'`,
		"exam questions":     `SELECT eq.question_id FROM exam_questions eq LEFT JOIN questions q ON q.id = eq.question_id WHERE eq.exam_id = 1 ORDER BY eq.order_index, eq.id`,
		"exam list":          `SELECT e.id FROM exams e WHERE e.user_id = 1 ORDER BY e.id DESC LIMIT 10`,
		"exam draft write":   `UPDATE exam_questions SET user_answer = 'A' WHERE exam_id = 1 AND question_id = 1`,
		"subject type list":  `SELECT DISTINCT q_type FROM questions WHERE subject_id = 1 AND TRIM(q_type) <> ''`,
	}
	for name, q := range queries {
		rows, err := env.Deps.DB.Query("EXPLAIN QUERY PLAN " + q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, line := range plan {
			if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "INDEX") && !strings.Contains(line, "json_each") {
				t.Errorf("%s scans a whole table: %s\nplan: %s", name, line, strings.Join(plan, " | "))
			}
		}
	}
}
