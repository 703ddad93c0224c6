package adminconfig

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"quizbank/shared/names"
	"strings"
	"unicode"
)

// NewQuestion is a question about to be inserted by an import.
type NewQuestion struct {
	Subject     string // subject name (imports that carry one)
	SubjectID   int64  // used when Subject is empty (0: none)
	QType       string
	Content     string
	Options     string // JSON array text
	Answer      string
	Explanation string
	Difficulty  int64
	ImagePath   any // NULL or a JSON-array string
	Tags        string
	CreatedBy   int64
	CreatedAt   string
	UpdatedAt   string
}

// subjectCache resolves subject names inside one import transaction,
// creating unknown subjects.
type subjectCache struct {
	tx      *sql.Tx
	now     string
	ids     map[string]int64
	created []string
}

func newSubjectCache(tx *sql.Tx, now string) *subjectCache {
	return &subjectCache{tx: tx, now: now, ids: map[string]int64{}}
}

func (c *subjectCache) id(ctx context.Context, name string, create bool) (int64, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	var id int64
	err := c.tx.QueryRowContext(ctx, `SELECT id FROM subjects WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		if !create {
			return 0, nil
		}
		err = c.tx.QueryRowContext(ctx, `INSERT INTO subjects (name, created_at) VALUES (?, ?) RETURNING id`,
			name, c.now).Scan(&id)
		c.created = append(c.created, name)
	}
	if err != nil {
		return 0, fmt.Errorf("subject %q: %w", name, err)
	}
	c.ids[name] = id
	return id, nil
}

// resolve is id with creation, refusing to create a subject whose name
// names.Subject rejects: refusal is the row's error message (the row is
// skipped), err a database failure.
func (c *subjectCache) resolve(ctx context.Context, name string) (id int64, refusal string, err error) {
	if id, err = c.id(ctx, name, false); err != nil || id > 0 {
		return id, "", err
	}
	if _, nameErr := names.Subject(name); nameErr != nil {
		return 0, nameErr.Error(), nil
	}
	id, err = c.id(ctx, name, true)
	return id, "", err
}

// prepareInsert prepares the question INSERT once per import
// transaction; parsing it per row costs more than the write itself.
func prepareInsert(ctx context.Context, tx *sql.Tx) (*sql.Stmt, error) {
	st, err := tx.PrepareContext(ctx, `INSERT INTO questions (subject_id, content, q_type, options, answer,
		explanation, difficulty, image_path, tags, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("prepare question insert: %w", err)
	}
	return st, nil
}

// insertQuestion writes q with a statement from prepareInsert.
func insertQuestion(ctx context.Context, st *sql.Stmt, subjectID int64, q NewQuestion) (int64, error) {
	var sid any
	if subjectID > 0 {
		sid = subjectID
	}
	var by any
	if q.CreatedBy > 0 {
		by = q.CreatedBy
	}
	if q.Options == "" {
		q.Options = "[]"
	}
	if q.Difficulty <= 0 {
		q.Difficulty = 1
	}
	res, err := st.ExecContext(ctx, sid, q.Content, q.QType, q.Options, q.Answer, q.Explanation,
		q.Difficulty, q.ImagePath, q.Tags, by, q.CreatedAt, q.UpdatedAt)
	if err != nil {
		return 0, fmt.Errorf("insert question: %w", err)
	}
	return res.LastInsertId()
}

// Fingerprint identifies a question for duplicate detection: subject,
// type, the stem with whitespace and punctuation dropped and case folded,
// and the option texts normalised the same way.
func Fingerprint(subjectID int64, qtype, content, optionsJSON string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\x1f%s\x1f%s", subjectID, qtype, normalizeText(content))
	for _, o := range ParseOptions(optionsJSON) {
		b.WriteString("\x1f")
		b.WriteString(normalizeText(o.Value))
	}
	return b.String()
}

func normalizeText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// existingFingerprints loads the fingerprints of the given subjects'
// questions (subject ids known before the import).
func existingFingerprints(ctx context.Context, q queryer, subjectIDs []int64) (map[string]int64, error) {
	out := map[string]int64{}
	if len(subjectIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(subjectIDs)
	rows, err := q.QueryContext(ctx, `SELECT id, subject_id, q_type, content, options FROM questions
		WHERE subject_id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("load fingerprints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sid int64
		var t, c, o string
		if err := rows.Scan(&id, &sid, &t, &c, &o); err != nil {
			return nil, err
		}
		out[Fingerprint(sid, t, c, o)] = id
	}
	return out, rows.Err()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
