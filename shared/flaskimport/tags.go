package flaskimport

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"quizbank/shared/store"
)

// The original kept each user's private tags of public questions as one
// JSON document in user_progress (key question_tags_v1). The quiz group
// keeps them in the tables user_tags and user_question_tags (migration
// 0200), which is where they go when the target has those tables.

const tagDocumentKey = "question_tags_v1"

const reasonTagsMoved = "private tag document (" + tagDocumentKey + "), copied into user_tags / user_question_tags"

// tagDocument is the original's document shape.
type tagDocument struct {
	Tags     []string            `json:"tags"`
	Bindings map[string][]string `json:"bindings"`
}

// hasTagTables reports whether the target has the quiz group's tag tables.
func (m *migrator) hasTagTables(ctx context.Context) (bool, error) {
	var n int
	err := m.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master
		WHERE type = 'table' AND name IN ('user_tags', 'user_question_tags')`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for the tag tables: %w", err)
	}
	return n == 2, nil
}

// tagName normalises a name the way the quiz group does (trim, collapse
// whitespace, at most 20 characters); "" means unusable.
func tagName(raw string) string {
	s := strings.Join(strings.Fields(raw), " ")
	if utf8.RuneCountInString(s) > 20 {
		s = strings.TrimSpace(string([]rune(s)[:20]))
	}
	if strings.EqualFold(s, "all") {
		return ""
	}
	return s
}

// importTags writes one user's document into the tag tables.
func (m *migrator) importTags(ctx context.Context, userID any, raw, createdAt string) error {
	tags := m.report.table("user_tags")
	bindings := m.report.table("user_question_tags")
	var doc tagDocument
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		tags.skip("tag document is not JSON")
		return nil
	}
	names := map[string]bool{}
	for _, n := range doc.Tags {
		if n = tagName(n); n != "" {
			names[n] = true
		}
	}
	qids := make([]string, 0, len(doc.Bindings))
	for qid, list := range doc.Bindings {
		qids = append(qids, qid)
		for _, n := range list {
			if n = tagName(n); n != "" {
				names[n] = true
			}
		}
	}
	sort.Strings(qids)
	ordered := make([]string, 0, len(names))
	for n := range names {
		ordered = append(ordered, n)
	}
	sort.Strings(ordered)

	// Each row is looked up before it is inserted: an upsert that does
	// nothing still advances the AUTOINCREMENT counter, and a second run
	// must change nothing.
	ids := map[string]int64{}
	for _, name := range ordered {
		tags.Source++
		var id int64
		err := m.tx.QueryRowContext(ctx, `SELECT id FROM user_tags WHERE user_id = ? AND name = ?`, userID, name).Scan(&id)
		if err == nil {
			tags.Present++
			ids[name] = id
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read tag %q of user %v: %w", name, userID, err)
		}
		err = m.tx.QueryRowContext(ctx, `INSERT INTO user_tags (user_id, name, created_at) VALUES (?, ?, ?) RETURNING id`,
			userID, name, createdAt).Scan(&id)
		if store.IsForeignKeyViolation(err) {
			tags.skip(reasonOrphan)
			continue
		}
		if err != nil {
			return fmt.Errorf("insert tag %q of user %v: %w", name, userID, err)
		}
		tags.Inserted++
		ids[name] = id
	}
	for _, qid := range qids {
		question, perr := strconv.ParseInt(qid, 10, 64)
		for _, n := range doc.Bindings[qid] {
			bindings.Source++
			tagID, ok := ids[tagName(n)]
			if perr != nil || !ok {
				bindings.skip(reasonOrphan)
				continue
			}
			var one int
			err := m.tx.QueryRowContext(ctx, `SELECT 1 FROM user_question_tags WHERE tag_id = ? AND question_id = ?`,
				tagID, question).Scan(&one)
			if err == nil {
				bindings.Present++
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read binding of tag %q to question %d: %w", n, question, err)
			}
			_, err = m.tx.ExecContext(ctx, `INSERT INTO user_question_tags (user_id, tag_id, question_id, created_at)
				VALUES (?, ?, ?, ?)`, userID, tagID, question, createdAt)
			switch {
			case store.IsForeignKeyViolation(err):
				bindings.skip(reasonOrphan)
			case err != nil:
				return fmt.Errorf("bind tag %q to question %d: %w", n, question, err)
			default:
				bindings.Inserted++
			}
		}
	}
	return nil
}
