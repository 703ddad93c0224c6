package adminconfig

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
)

// QuestionTypes are the five types the back office accepts (api.md §0.7).
var QuestionTypes = []string{"选择题", "多选题", "判断题", "填空题", "问答题"}

// ValidType reports whether t is one of QuestionTypes.
func ValidType(t string) bool {
	for _, x := range QuestionTypes {
		if x == t {
			return true
		}
	}
	return false
}

// Question is one row of the public bank as the back office edits it.
type Question struct {
	ID          int64
	SubjectID   sql.NullInt64
	Content     string
	QType       string
	Options     string // raw JSON text
	Answer      string
	Explanation string
	Difficulty  int64
	ImagePath   sql.NullString
	Tags        string
	CreatedBy   sql.NullInt64
	CreatedAt   string
	UpdatedAt   sql.NullString
	UpdatedBy   sql.NullInt64
}

const questionColumns = `id, subject_id, content, q_type, options, answer, explanation, difficulty,
	image_path, tags, created_by, created_at, updated_at, updated_by`

func scanQuestion(row interface{ Scan(...any) error }) (*Question, error) {
	var q Question
	err := row.Scan(&q.ID, &q.SubjectID, &q.Content, &q.QType, &q.Options, &q.Answer, &q.Explanation,
		&q.Difficulty, &q.ImagePath, &q.Tags, &q.CreatedBy, &q.CreatedAt, &q.UpdatedAt, &q.UpdatedBy)
	if err != nil {
		return nil, err
	}
	return &q, nil
}

// errNoQuestion means no question has the id.
var errNoQuestion = errors.New("question not found")

func loadQuestion(ctx context.Context, db queryer, id int64) (*Question, error) {
	q, err := scanQuestion(db.QueryRowContext(ctx, `SELECT `+questionColumns+` FROM questions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoQuestion
	}
	if err != nil {
		return nil, fmt.Errorf("load question %d: %w", id, err)
	}
	return q, nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// full is the admin JSON of a question: every column, image_path as a
// JSON-array string, tags null when empty (as the original's column).
func (q *Question) full() httpx.M {
	return httpx.M{
		"id": q.ID, "subject_id": nullInt(q.SubjectID), "content": q.Content, "q_type": q.QType,
		"options": q.Options, "answer": q.Answer, "explanation": q.Explanation,
		"difficulty": q.Difficulty, "image_path": imagePathJSON(q.ImagePath.String),
		"tags": nullText(q.Tags), "created_by": nullInt(q.CreatedBy), "created_at": q.CreatedAt,
		"updated_at": nullStr(q.UpdatedAt), "updated_by": nullInt(q.UpdatedBy),
	}
}

func nullInt(v sql.NullInt64) any {
	if !v.Valid {
		return nil
	}
	return v.Int64
}

func nullStr(v sql.NullString) any {
	if !v.Valid {
		return nil
	}
	return v.String
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ImagePaths reads a stored image_path: one relative path, a JSON array
// of paths, or nothing (the quiz group's reading, shared).
func ImagePaths(stored string) []string { return question.ImagePaths(&stored) }

// imagePathJSON normalises a stored image_path to a JSON-array string.
func imagePathJSON(stored string) string {
	paths := ImagePaths(stored)
	if paths == nil {
		paths = []string{}
	}
	b, _ := json.Marshal(paths)
	return string(b)
}

// storedImagePath is what to write for a list of paths ("" → NULL).
func storedImagePath(paths []string) any {
	if len(paths) == 0 {
		return nil
	}
	b, _ := json.Marshal(paths)
	return string(b)
}

// OptionKeys returns the letter of each stored option, following the
// normalisation of api.md §0.7 with its compatibility note: a leading
// letter counts as a key only before a delimiter; otherwise letters are
// assigned by position.
func OptionKeys(optionsJSON string) []string {
	items := ParseOptions(optionsJSON)
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	return keys
}

// Option is one normalised choice.
type Option = question.Option

// ParseOptions normalises every historical shape of the options column to
// key/value pairs exactly as the quiz endpoints show them, so admin
// validation and export agree with what students see.
func ParseOptions(optionsJSON string) []Option {
	return question.NormaliseOptions(optionsJSON, "")
}

// checkMultiAnswer applies the 多选题 rule: at least two letters, each one
// of the options' keys.
func checkMultiAnswer(answer, optionsJSON string) error {
	letters := []rune(strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(answer), ",", "")))
	if len(letters) < 2 {
		return httpx.BadRequest("多选题答案至少需要两个选项")
	}
	keys := OptionKeys(optionsJSON)
	valid := map[string]bool{}
	for _, k := range keys {
		valid[k] = true
	}
	var bad []string
	for _, l := range letters {
		if !valid[string(l)] {
			bad = append(bad, string(l))
		}
	}
	if len(bad) > 0 {
		return httpx.BadRequest(fmt.Sprintf("多选题答案中包含无效选项：%s。有效选项为：%s",
			strings.Join(bad, ", "), strings.Join(keys, ", ")))
	}
	return nil
}

// validOptionsJSON reports whether s is a JSON array.
func validOptionsJSON(s string) bool {
	var v []any
	return json.Unmarshal([]byte(s), &v) == nil
}

// TagSet splits a comma-separated tag string into a sorted, distinct list.
func TagSet(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		t = strings.TrimSpace(t)
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}
