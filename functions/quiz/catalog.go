package quiz

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"quizbank/shared/question"
	"quizbank/shared/store"
)

// recheckEvery bounds how long a change made by another process (an
// admin edit through another Lambda instance) can go unseen.
const recheckEvery = time.Second

// maxCachedRows caps the question cache; past it the cache starts over.
const maxCachedRows = 20_000

// subject is one row of subjects.
type subject struct {
	ID     int64
	Name   string
	Locked bool
}

// cachedQuestion is a question with its JSON, minus the caller's
// is_fav/is_mistake and the closing brace, rendered once.
type cachedQuestion struct {
	Q    *question.Question
	JSON []byte
}

// filterKey names a user-independent question selection.
type filterKey struct {
	subjectID int64 // 0: every accessible subject
	qtype     string
	excluded  string // the caller's blacklisted subject ids, sorted
}

// catalog caches the user-independent part of the public bank: subjects,
// rendered question rows and the id lists of filters. Everything is
// dropped when the content version changes.
type catalog struct {
	db    *store.DB
	stmts *stmtCache

	mu        sync.RWMutex
	version   int64
	local     int64
	checkedAt time.Time
	gen       int64     // bumped on every reset; loads that straddle one are not kept
	subjects  []subject // ordered by id; nil until loaded
	rows      map[int64]*cachedQuestion
	filters   map[filterKey][]int64
}

func newCatalog(db *store.DB) *catalog {
	return &catalog{db: db, stmts: &stmtCache{db: db}, version: -1, rows: map[int64]*cachedQuestion{}, filters: map[filterKey][]int64{}}
}

// fresh drops the caches when this process or another one changed the
// bank since they were filled.
func (c *catalog) fresh(ctx context.Context) error {
	now := time.Now()
	local := question.LocalBumps()
	c.mu.RLock()
	ok := c.local == local && now.Sub(c.checkedAt) < recheckEvery
	c.mu.RUnlock()
	if ok {
		return nil
	}
	v, err := question.Version(ctx, c.db)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version || local != c.local {
		c.version, c.local = v, local
		c.gen++
		c.subjects = nil
		c.rows = map[int64]*cachedQuestion{}
		c.filters = map[filterKey][]int64{}
	}
	c.checkedAt = now
	return nil
}

// invalidate is called after this group changes a question.
func (c *catalog) invalidate(ctx context.Context) error {
	return question.BumpVersion(ctx, c.db)
}

// allSubjects lists every subject (locked ones included), by id.
func (c *catalog) allSubjects(ctx context.Context) ([]subject, error) {
	if err := c.fresh(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	subs, gen := c.subjects, c.gen
	c.mu.RUnlock()
	if subs != nil {
		return subs, nil
	}
	rows, err := c.db.QueryContext(ctx, `SELECT id, name, is_locked FROM subjects ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	defer rows.Close()
	subs = []subject{}
	for rows.Next() {
		var s subject
		if err := rows.Scan(&s.ID, &s.Name, &s.Locked); err != nil {
			return nil, fmt.Errorf("scan subject: %w", err)
		}
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subjects: %w", err)
	}
	c.mu.Lock()
	if c.gen == gen {
		c.subjects = subs
	}
	c.mu.Unlock()
	return subs, nil
}

// subjectByName finds a subject by its exact name.
func (c *catalog) subjectByName(ctx context.Context, name string) (subject, bool, error) {
	subs, err := c.allSubjects(ctx)
	if err != nil {
		return subject{}, false, err
	}
	for _, s := range subs {
		if s.Name == name {
			return s, true, nil
		}
	}
	return subject{}, false, nil
}

// lockedIDs are the ids of locked subjects.
func (c *catalog) lockedIDs(ctx context.Context) ([]int64, error) {
	subs, err := c.allSubjects(ctx)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, s := range subs {
		if s.Locked {
			out = append(out, s.ID)
		}
	}
	return out, nil
}

const questionColumns = `q.id, COALESCE(q.subject_id, 0), COALESCE(s.name, ''), q.content, q.q_type,
	COALESCE(q.options, '[]'), COALESCE(q.answer, ''), COALESCE(q.explanation, ''), q.image_path`

func scanQuestion(row interface{ Scan(...any) error }) (*question.Question, error) {
	var q question.Question
	var img sql.NullString
	if err := row.Scan(&q.ID, &q.SubjectID, &q.Subject, &q.Content, &q.QType, &q.RawOptions,
		&q.Answer, &q.Explanation, &img); err != nil {
		return nil, err
	}
	if img.Valid {
		q.ImagePath = &img.String
	}
	q.Options = question.NormaliseOptions(q.RawOptions, q.QType)
	return &q, nil
}

// questionView is the question object of api.md §0.7 without the
// caller's flags.
type questionView struct {
	ID          int64             `json:"id"`
	Content     string            `json:"content"`
	QType       string            `json:"q_type"`
	Options     []question.Option `json:"options"`
	Answer      string            `json:"answer"`
	Explanation string            `json:"explanation"`
	ImagePath   *string           `json:"image_path"`
	Subject     string            `json:"subject"`
}

// renderQuestion encodes the object without its closing brace, so the
// caller's is_fav and is_mistake can be appended.
func renderQuestion(q *question.Question, opts []question.Option, answer string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(questionView{ID: q.ID, Content: q.Content, QType: q.QType, Options: opts,
		Answer: answer, Explanation: q.Explanation, ImagePath: q.ImagePath, Subject: q.Subject})
	b := bytes.TrimRight(buf.Bytes(), "\n")
	return b[:len(b)-1]
}

// questions returns the cached questions for ids, in the order of ids,
// loading the missing ones in one query. Unknown ids are skipped.
func (c *catalog) questions(ctx context.Context, ids []int64) ([]*cachedQuestion, error) {
	if err := c.fresh(ctx); err != nil {
		return nil, err
	}
	out := make([]*cachedQuestion, 0, len(ids))
	var missing []int64
	c.mu.RLock()
	gen := c.gen
	for _, id := range ids {
		if _, ok := c.rows[id]; !ok {
			missing = append(missing, id)
		}
	}
	c.mu.RUnlock()
	if len(missing) > 0 {
		loaded, err := c.load(ctx, missing)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.gen == gen {
			if len(c.rows)+len(loaded) > maxCachedRows {
				c.rows = map[int64]*cachedQuestion{}
			}
			for _, cq := range loaded {
				c.rows[cq.Q.ID] = cq
			}
		}
		c.mu.Unlock()
		byID := make(map[int64]*cachedQuestion, len(loaded))
		for _, cq := range loaded {
			byID[cq.Q.ID] = cq
		}
		c.mu.RLock()
		for _, id := range ids {
			if cq, ok := byID[id]; ok {
				out = append(out, cq)
			} else if cq, ok := c.rows[id]; ok {
				out = append(out, cq)
			}
		}
		c.mu.RUnlock()
		return out, nil
	}
	c.mu.RLock()
	for _, id := range ids {
		if cq, ok := c.rows[id]; ok {
			out = append(out, cq)
		}
	}
	c.mu.RUnlock()
	return out, nil
}

// one returns a single question, or nil when it does not exist.
func (c *catalog) one(ctx context.Context, id int64) (*cachedQuestion, error) {
	list, err := c.questions(ctx, []int64{id})
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

func (c *catalog) load(ctx context.Context, ids []int64) ([]*cachedQuestion, error) {
	var out []*cachedQuestion
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := c.stmts.query(ctx, `SELECT `+questionColumns+`
			FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id
			WHERE q.id IN (SELECT value FROM json_each(?))`, idsJSON(chunk))
		if err != nil {
			return nil, fmt.Errorf("load questions: %w", err)
		}
		for rows.Next() {
			q, err := scanQuestion(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan question: %w", err)
			}
			out = append(out, &cachedQuestion{Q: q, JSON: renderQuestion(q, q.Options, q.Answer)})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("load questions: %w", err)
		}
	}
	return out, nil
}

// filterIDs returns the ids, ascending, of the questions a
// user-independent filter selects, from the cache when it can.
func (c *catalog) filterIDs(ctx context.Context, k filterKey, excluded []int64) ([]int64, error) {
	if err := c.fresh(ctx); err != nil {
		return nil, err
	}
	c.mu.RLock()
	ids, ok := c.filters[k]
	gen := c.gen
	c.mu.RUnlock()
	if ok {
		return ids, nil
	}
	where, args, err := c.scope(ctx, k.subjectID, k.qtype, excluded)
	if err != nil {
		return nil, err
	}
	ids, err = queryIDs(ctx, c.stmts, `SELECT q.id FROM questions q WHERE `+where+` ORDER BY q.id`, args...)
	if err != nil {
		return nil, err
	}
	if len(k.qtype) > maxCachedNeedle {
		// A made-up type from the query string: answered, not kept, so
		// long keys cannot pile up in the cache.
		return ids, nil
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.filters) > 10_000 {
			c.filters = map[filterKey][]int64{}
		}
		c.filters[k] = ids
	}
	c.mu.Unlock()
	return ids, nil
}

// scope is the WHERE clause (over questions q) for a subject, a type and
// the subjects to leave out. Locked subjects are always left out.
func (c *catalog) scope(ctx context.Context, subjectID int64, qtype string, excluded []int64) (string, []any, error) {
	var conds []string
	var args []any
	if subjectID > 0 {
		conds = append(conds, "q.subject_id = ?")
		args = append(args, subjectID)
	} else {
		locked, err := c.lockedIDs(ctx)
		if err != nil {
			return "", nil, err
		}
		out := slices.Concat(locked, excluded)
		if len(out) > 0 {
			conds = append(conds, "(q.subject_id IS NULL OR q.subject_id NOT IN (SELECT value FROM json_each(?)))")
			args = append(args, idsJSON(out))
		}
	}
	if qtype != "" {
		conds = append(conds, "q.q_type = ?")
		args = append(args, qtype)
	}
	if len(conds) == 0 {
		return "1 = 1", nil, nil
	}
	return strings.Join(conds, " AND "), args, nil
}

// rowQuerier is a *sql.DB, a *sql.Tx or the statement cache.
type rowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryIDs(ctx context.Context, db rowQuerier, query string, args ...any) ([]int64, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	return scanIDs(rows, err)
}

// scanIDs reads a one-column result of ids and closes it.
func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, fmt.Errorf("select ids: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan id: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("select ids: %w", err)
	}
	return ids, nil
}

// idsJSON is a JSON array of ids, bound to one json_each(?) parameter
// so the statement text never depends on how many ids there are.
func idsJSON(ids []int64) string {
	b := make([]byte, 0, len(ids)*6+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}
