package quiz

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/users"
)

// service holds what the group's handlers share.
type service struct {
	d      *platform.Deps
	cat    *catalog
	loc    *time.Location // TIMEZONE, for exam times
	corpus *corpus
	stmts  *stmtCache
	rec    *recorder
	marks  *markCache
}

func newService(d *platform.Deps) *service {
	cat := newCatalog(d.DB)
	s := &service{d: d, cat: cat, loc: d.Config.Location(), corpus: &corpus{}, stmts: cat.stmts}
	s.rec = &recorder{s: s}
	s.marks = &markCache{users: d.Users, stmts: cat.stmts}
	return s
}

// caller is the authenticated user (the guards guarantee one).
func caller(r *http.Request) *users.User {
	if id := authn.FromContext(r.Context()); id != nil {
		return id.User
	}
	return nil
}

// blacklist lists the subjects u may not access (none for admins).
func (s *service) blacklist(ctx context.Context, u *users.User) ([]int64, error) {
	if u == nil || u.IsAdmin {
		return nil, nil
	}
	if m, err := s.marks.of(ctx, u.ID); err != nil {
		return nil, err
	} else if m != nil {
		return m.blacklist(), nil
	}
	ids, err := s.queryIDs(ctx, `SELECT subject_id FROM user_subjects WHERE user_id = ? ORDER BY subject_id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("read subject blacklist: %w", err)
	}
	return ids, nil
}

// subjectBlocked reports whether subjectID is on u's blacklist (never
// for admins or questions without a subject). It is one indexed lookup,
// cheap enough for the answer and favourite write paths.
func (s *service) subjectBlocked(ctx context.Context, u *users.User, subjectID int64) (bool, error) {
	if u == nil || u.IsAdmin || subjectID <= 0 {
		return false, nil
	}
	var n int
	if err := s.stmts.queryRow(ctx, `SELECT COUNT(*) FROM user_subjects WHERE user_id = ? AND subject_id = ?`,
		u.ID, subjectID).Scan(&n); err != nil {
		return false, fmt.Errorf("check subject blacklist: %w", err)
	}
	return n > 0, nil
}

// examAccess refuses (403) a public exam that holds a question of a
// subject now on u's blacklist: an exam drawn before an admin restricted
// the subject must not keep serving, grading or copying its questions
// (never for admins).
func (s *service) examAccess(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, u *users.User, e *exam) error {
	if u == nil || u.IsAdmin || e.Config.Source != "public" {
		return nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM exam_questions eq
		JOIN questions qu ON qu.id = eq.question_id
		JOIN user_subjects us ON us.subject_id = qu.subject_id AND us.user_id = ?
		WHERE eq.exam_id = ?`, u.ID, e.ID).Scan(&n)
	if err != nil {
		return fmt.Errorf("check exam subjects against the blacklist: %w", err)
	}
	if n > 0 {
		return httpx.Forbidden("无权访问该科目")
	}
	return nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// flags reports which of ids the user has favourited, which are in the
// mistake book and — when subjectID is not 0 — whether that subject is on
// the user's blacklist. It answers from the user's cached marks when it
// can; otherwise one prepared query reads the id range of the page
// through the (user_id, question_id) unique indexes and keeps the ids on
// the page. The maps are the caller's to read, never to change.
func (s *service) flags(ctx context.Context, userID int64, ids []int64, subjectID int64) (fav, mis map[int64]bool, blocked bool, err error) {
	if len(ids) == 0 && subjectID == 0 {
		return nil, nil, false, nil
	}
	if m, err := s.marks.of(ctx, userID); err != nil {
		return nil, nil, false, err
	} else if m != nil {
		_, blocked = slices.BinarySearch(m.black, subjectID)
		return m.fav, m.mis, blocked, nil
	}
	lo, hi := int64(0), int64(-1)
	fav, mis = map[int64]bool{}, map[int64]bool{}
	onPage := make(map[int64]bool, len(ids))
	for i, id := range ids {
		if i == 0 {
			lo, hi = id, id
		}
		lo, hi = min(lo, id), max(hi, id)
		onPage[id] = true
	}
	rows, err := s.stmts.query(ctx, `
		SELECT question_id, 1 FROM favorites WHERE user_id = ?1 AND question_id BETWEEN ?2 AND ?3
		UNION ALL
		SELECT question_id, 2 FROM mistakes WHERE user_id = ?1 AND question_id BETWEEN ?2 AND ?3
		UNION ALL
		SELECT subject_id, 3 FROM user_subjects WHERE user_id = ?1 AND subject_id = ?4`, userID, lo, hi, subjectID)
	if err != nil {
		return nil, nil, false, fmt.Errorf("read favourites and mistakes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind int64
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, nil, false, fmt.Errorf("scan flags: %w", err)
		}
		switch {
		case kind == 3:
			blocked = true
		case !onPage[id]:
		case kind == 1:
			fav[id] = true
		default:
			mis[id] = true
		}
	}
	return fav, mis, blocked, rows.Err()
}

// queryIDs runs a prepared statement that selects one id column.
func (s *service) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	return scanIDs(s.stmts.query(ctx, query, args...))
}

// intParam reads an integer query parameter; a missing or non-numeric
// value gives def, as the original's type=int lookups do.
func intParam(r *http.Request, name string, def int) int {
	return intValue(r.URL.Query(), name, def)
}

// intValue is intParam over an already parsed query.
func intValue(q url.Values, name string, def int) int {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return def
	}
	const big = 1 << 40
	switch {
	case n > big:
		return big
	case n < -big:
		return -big
	}
	return int(n)
}

// paging reads page and per_page: page < 1 is 1, per_page < 1 is the
// default, above max it is max.
func paging(q url.Values, def, max int) (page, perPage int) {
	page = intValue(q, "page", 1)
	if page < 1 {
		page = 1
	}
	perPage = intValue(q, "per_page", def)
	if perPage < 1 {
		perPage = def
	}
	if perPage > max {
		perPage = max
	}
	return page, perPage
}

// truthy reads the flag forms of query strings (1/true/True/yes/on).
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// allOrEmpty maps the "no filter" spellings to "".
func allOrEmpty(v string) string {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "all") {
		return ""
	}
	return v
}
