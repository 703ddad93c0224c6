package quiz

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
)

// searchEntry is one question's place in the search corpus.
type searchEntry struct {
	id        int64
	subjectID int64
	qtype     string
	start     int // offset of its text in corpus.text
}

// searchKey is a normalised search, for the result cache.
type searchKey struct {
	needle    string
	subjectID int64
	qtype     string
	excluded  string
}

// corpus is the searchable text of the whole bank — stem, explanation,
// raw options and answer of every question, newest first, lower-cased
// the way SQLite's LIKE folds ASCII — in one byte slice, rebuilt when the
// content version changes. A search is one pass of bytes.Index over it
// instead of LIKE '%…%' over the table, and repeated searches come from
// a small result cache.
type corpus struct {
	mu      sync.Mutex
	version int64
	local   int64
	loaded  bool
	text    []byte
	entries []searchEntry
	results map[searchKey][]int64
	cached  int   // ids held in results
	gen     int64 // bumped on every reload
}

// Bounds of the result cache: how many searches, how many ids in all,
// and the longest keyword (in bytes) worth keeping. Longer keywords are
// still searched, just not cached, so nobody can pin large keys (a query
// string may be up to a megabyte) in memory.
const (
	maxCachedSearches = 2048
	maxCachedIDs      = 1 << 20
	maxCachedNeedle   = 64
)

// snapshot returns the corpus for the current content version.
func (s *service) snapshot(ctx context.Context) (*corpus, error) {
	if err := s.cat.fresh(ctx); err != nil {
		return nil, err
	}
	s.cat.mu.RLock()
	v, l := s.cat.version, s.cat.local
	s.cat.mu.RUnlock()
	c := s.corpus
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && c.version == v && c.local == l {
		return c, nil
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, COALESCE(subject_id, 0), q_type,
		content || char(10) || COALESCE(explanation, '') || char(10) || COALESCE(options, '') || char(10) || COALESCE(answer, '')
		FROM questions ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("load search corpus: %w", err)
	}
	defer rows.Close()
	var text []byte
	entries := []searchEntry{}
	for rows.Next() {
		var e searchEntry
		var body string
		if err := rows.Scan(&e.id, &e.subjectID, &e.qtype, &body); err != nil {
			return nil, fmt.Errorf("scan search corpus: %w", err)
		}
		e.start = len(text)
		text = append(text, asciiLower(strings.ReplaceAll(body, "\x00", ""))...)
		text = append(text, 0)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load search corpus: %w", err)
	}
	c.text, c.entries, c.version, c.local, c.loaded = text, entries, v, l, true
	c.results, c.cached = map[searchKey][]int64{}, 0
	c.gen++
	return c, nil
}

// find returns the ids (newest first) whose text contains k.needle and
// that pass the subject, type and exclusion filters.
func (c *corpus) find(k searchKey, excluded []int64) []int64 {
	c.mu.Lock()
	if ids, ok := c.results[k]; ok {
		c.mu.Unlock()
		return ids
	}
	text, entries, gen := c.text, c.entries, c.gen
	c.mu.Unlock()
	needle := []byte(k.needle)
	matched := []int64{}
	for pos := 0; pos < len(text); {
		i := bytes.Index(text[pos:], needle)
		if i < 0 {
			break
		}
		at := pos + i
		n := sort.Search(len(entries), func(j int) bool { return entries[j].start > at }) - 1
		e := entries[n]
		if (k.subjectID == 0 || e.subjectID == k.subjectID) && (k.qtype == "" || e.qtype == k.qtype) &&
			(e.subjectID == 0 || !contains(excluded, e.subjectID)) {
			matched = append(matched, e.id)
		}
		if n+1 < len(entries) {
			pos = entries[n+1].start
		} else {
			break
		}
	}
	if len(k.needle) > maxCachedNeedle || len(matched) > maxCachedIDs {
		return matched
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.results) >= maxCachedSearches || c.cached+len(matched) > maxCachedIDs {
			c.results, c.cached = map[searchKey][]int64{}, 0
		}
		if _, dup := c.results[k]; !dup {
			c.cached += len(matched)
		}
		c.results[k] = matched
	}
	c.mu.Unlock()
	return matched
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

type searchHit struct {
	ID             int64  `json:"id"`
	Content        string `json:"content"`
	ContentPreview string `json:"content_preview"`
	QType          string `json:"q_type"`
	Subject        string `json:"subject"`
	IsFav          int    `json:"is_fav"`
	IsMistake      int    `json:"is_mistake"`
}

// search is GET /api/quiz/search: keyword in stem, explanation, options
// or answer, accessible unlocked subjects, newest first.
func (s *service) search(w http.ResponseWriter, r *http.Request) error {
	ctx, u, q := r.Context(), caller(r), r.URL.Query()
	page, perPage := paging(q, 20, 50)
	keyword := strings.TrimSpace(q.Get("keyword"))
	hits := []searchHit{}
	if keyword == "" {
		httpx.Data(w, httpx.M{"questions": hits, "total": 0, "page": page, "per_page": perPage})
		return nil
	}
	qtype := allOrEmpty(q.Get("q_type"))
	if qtype == "" {
		qtype = allOrEmpty(q.Get("type"))
	}
	black, err := s.blacklist(ctx, u)
	if err != nil {
		return err
	}
	var subjectID int64
	if name := allOrEmpty(q.Get("subject")); name != "" {
		sub, ok, err := s.cat.subjectByName(ctx, name)
		if err != nil {
			return err
		}
		if !ok {
			return httpx.NotFound("科目不存在")
		}
		subjectID = sub.ID
	}
	locked, err := s.cat.lockedIDs(ctx)
	if err != nil {
		return err
	}
	c, err := s.snapshot(ctx)
	if err != nil {
		return err
	}
	excluded := slices.Concat(locked, black)
	needle := asciiLower(strings.ReplaceAll(keyword, "\x00", ""))
	matched := c.find(searchKey{needle: needle, subjectID: subjectID, qtype: qtype, excluded: idsJSON(excluded)}, excluded)
	total := len(matched)
	start := min((page-1)*perPage, total)
	if page-1 > total/perPage {
		start = total
	}
	pageIDs := matched[start:min(start+perPage, total)]
	cqs, err := s.cat.questions(ctx, pageIDs)
	if err != nil {
		return err
	}
	fav, mis, _, err := s.flags(ctx, u.ID, pageIDs, 0)
	if err != nil {
		return err
	}
	for _, cq := range cqs {
		hits = append(hits, searchHit{ID: cq.Q.ID, Content: cq.Q.Content, ContentPreview: question.Preview(cq.Q.Content),
			QType: cq.Q.QType, Subject: cq.Q.Subject, IsFav: b2i(fav[cq.Q.ID]), IsMistake: b2i(mis[cq.Q.ID])})
	}
	httpx.Data(w, httpx.M{"questions": hits, "total": total, "page": page, "per_page": perPage})
	return nil
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}
