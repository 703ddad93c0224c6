package quiz

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"quizbank/shared/httpx"
	"quizbank/shared/store"
)

// Limits of the private tags (api.md §2.5).
const (
	maxTagsPerUser     = 200
	maxTagsPerQuestion = 20
	maxTagName         = 20
)

// normaliseTag trims a tag name, collapses inner whitespace and cuts it
// to maxTagName characters.
func normaliseTag(name string) string {
	s := strings.Join(strings.Fields(name), " ")
	if utf8.RuneCountInString(s) > maxTagName {
		s = strings.TrimSpace(string([]rune(s)[:maxTagName]))
	}
	return s
}

// checkTagName refuses empty and reserved names.
func checkTagName(name string) error {
	if name == "" {
		return httpx.BadRequest("标签名不能为空")
	}
	if strings.EqualFold(name, "all") {
		return httpx.BadRequest("标签名 all 为保留字")
	}
	return nil
}

type tagCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (s *service) tagID(ctx context.Context, userID int64, name string) (int64, bool, error) {
	var id int64
	err := s.stmts.queryRow(ctx, `SELECT id FROM user_tags WHERE user_id = ? AND name = ?`, userID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find tag: %w", err)
	}
	return id, true, nil
}

func (s *service) tagList(ctx context.Context, userID int64) ([]tagCount, error) {
	rows, err := s.d.DB.QueryContext(ctx, `SELECT t.name, COUNT(b.id) FROM user_tags t
		LEFT JOIN user_question_tags b ON b.tag_id = t.id
		WHERE t.user_id = ? GROUP BY t.id ORDER BY t.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	out := []tagCount{}
	for rows.Next() {
		var t tagCount
		if err := rows.Scan(&t.Name, &t.Count); err != nil {
			return nil, fmt.Errorf("scan tag: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ensureTag creates the tag when missing, within the per-user limit.
func ensureTag(ctx context.Context, tx *sql.Tx, userID int64, name string, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM user_tags WHERE user_id = ? AND name = ?`, userID, name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find tag: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_tags WHERE user_id = ?`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count tags: %w", err)
	}
	if n >= maxTagsPerUser {
		return 0, httpx.BadRequest(fmt.Sprintf("标签数量已达上限（%d个）", maxTagsPerUser))
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO user_tags (user_id, name, created_at) VALUES (?, ?, ?) RETURNING id`,
		userID, name, now).Scan(&id); err != nil {
		return 0, fmt.Errorf("create tag: %w", err)
	}
	return id, nil
}

type tagBody struct {
	Name    *string `json:"name"`
	Tag     *string `json:"tag"`
	TagName *string `json:"tag_name"`
}

func (b tagBody) value() string {
	for _, p := range []*string{b.Name, b.Tag, b.TagName} {
		if p != nil {
			return *p
		}
	}
	return ""
}

// listTags is GET /api/quiz/tags.
func (s *service) listTags(w http.ResponseWriter, r *http.Request) error {
	tags, err := s.tagList(r.Context(), caller(r).ID)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"tags": tags})
	return nil
}

// createTag is POST /api/quiz/tags (idempotent).
func (s *service) createTag(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var body tagBody
	if err := httpx.DecodeJSONLenient(r, &body); err != nil {
		return err
	}
	name := normaliseTag(body.value())
	if err := checkTagName(name); err != nil {
		return err
	}
	now := store.Timestamp(s.d.Now())
	if err := s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := ensureTag(ctx, tx, u.ID, name, now)
		return err
	}); err != nil {
		return err
	}
	tags, err := s.tagList(ctx, u.ID)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"tag": name, "tags": tags})
	return nil
}

// deleteTag is DELETE /api/quiz/tags: the tag and all its bindings go.
func (s *service) deleteTag(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	var body tagBody
	if err := httpx.DecodeJSONLenient(r, &body); err != nil {
		return err
	}
	raw := body.value()
	if raw == "" {
		raw = r.URL.Query().Get("name")
	}
	name := normaliseTag(raw)
	if err := checkTagName(name); err != nil {
		return err
	}
	if _, err := s.d.DB.ExecContext(ctx, `DELETE FROM user_tags WHERE user_id = ? AND name = ?`, u.ID, name); err != nil {
		return fmt.Errorf("delete tag: %w", err)
	}
	tags, err := s.tagList(ctx, u.ID)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"tags": tags})
	return nil
}

func (s *service) questionTagNames(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, userID, questionID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.name FROM user_question_tags b JOIN user_tags t ON t.id = b.tag_id
		WHERE b.user_id = ? AND b.question_id = ? ORDER BY b.id`, userID, questionID)
	if err != nil {
		return nil, fmt.Errorf("read question tags: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("scan question tag: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// getQuestionTags is GET /api/quiz/questions/{id}/tags.
func (s *service) getQuestionTags(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.visibleQuestion(ctx, u, id); err != nil {
		return err
	}
	names, err := s.questionTagNames(ctx, s.d.DB, u.ID, id)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"question_id": id, "tags": names})
	return nil
}

// nameList reads a list of names given as an array or a single string.
type nameList struct {
	Names []string
	Set   bool
}

func (n *nameList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*n = nameList{Names: []string{one}, Set: true}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*n = nameList{Names: many, Set: true}
	return nil
}

type questionTagsBody struct {
	Tags   *[]string `json:"tags"`
	Add    nameList  `json:"add"`
	Remove nameList  `json:"remove"`
}

// setQuestionTags is POST /api/quiz/questions/{id}/tags: replace with
// "tags", or change with "add"/"remove". Unknown names are created.
func (s *service) setQuestionTags(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var body questionTagsBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	if body.Tags == nil && !body.Add.Set && !body.Remove.Set {
		return httpx.BadRequest("请提供 tags 或 add/remove")
	}
	// No list can mean more than the user may own; longer ones are
	// refused before any work is done on them.
	for _, n := range []int{lenOrZero(body.Tags), len(body.Add.Names), len(body.Remove.Names)} {
		if n > maxTagsPerUser {
			return httpx.BadRequest(fmt.Sprintf("标签列表过长（最多 %d 个）", maxTagsPerUser))
		}
	}
	if _, err := s.visibleQuestion(ctx, u, id); err != nil {
		return err
	}
	now := store.Timestamp(s.d.Now())
	var names []string
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		current, err := s.questionTagNames(ctx, tx, u.ID, id)
		if err != nil {
			return err
		}
		want := current
		if body.Tags != nil {
			want = cleanNames(*body.Tags)
		} else {
			want = append(append([]string{}, current...), cleanNames(body.Add.Names)...)
			drop := map[string]bool{}
			for _, n := range cleanNames(body.Remove.Names) {
				drop[n] = true
			}
			want = filterNames(cleanNames(want), drop)
		}
		if len(want) > maxTagsPerQuestion {
			return httpx.BadRequest(fmt.Sprintf("每道题最多 %d 个标签", maxTagsPerQuestion))
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_question_tags WHERE user_id = ? AND question_id = ?`, u.ID, id); err != nil {
			return fmt.Errorf("clear question tags: %w", err)
		}
		for _, n := range want {
			tagID, err := ensureTag(ctx, tx, u.ID, n, now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO user_question_tags (user_id, tag_id, question_id, created_at)
				VALUES (?, ?, ?, ?)`, u.ID, tagID, id, now); err != nil {
				return fmt.Errorf("bind tag: %w", err)
			}
		}
		names = want
		return nil
	})
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"question_id": id, "tags": names})
	return nil
}

func lenOrZero(p *[]string) int {
	if p == nil {
		return 0
	}
	return len(*p)
}

// cleanNames normalises names, drops empty and reserved ones and repeats.
func cleanNames(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, n := range in {
		n = normaliseTag(n)
		if n == "" || strings.EqualFold(n, "all") || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	return out
}

func filterNames(in []string, drop map[string]bool) []string {
	out := []string{}
	for _, n := range in {
		if !drop[n] {
			out = append(out, n)
		}
	}
	return out
}
