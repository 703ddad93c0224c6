package quiz

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
)

// searchEntry is one question's searchable text, lower-cased the way
// SQLite's LIKE folds ASCII.
type searchEntry struct {
	id        int64
	subjectID int64
	qtype     string
	text      string
}

// corpus is the search text of the whole bank, newest first, rebuilt
// when the content version changes. Keyword search scans it in memory
// instead of running LIKE '%…%' over the table on every request.
type corpus struct {
	mu      sync.Mutex
	version int64
	local   int64
	entries []searchEntry
}

func (s *service) searchEntries(ctx context.Context) ([]searchEntry, error) {
	if err := s.cat.fresh(ctx); err != nil {
		return nil, err
	}
	s.cat.mu.RLock()
	v, l := s.cat.version, s.cat.local
	s.cat.mu.RUnlock()
	c := s.corpus
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries != nil && c.version == v && c.local == l {
		return c.entries, nil
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT id, COALESCE(subject_id, 0), q_type,
		content || char(10) || COALESCE(explanation, '') || char(10) || COALESCE(options, '') || char(10) || COALESCE(answer, '')
		FROM questions ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("load search corpus: %w", err)
	}
	defer rows.Close()
	entries := []searchEntry{}
	for rows.Next() {
		var e searchEntry
		if err := rows.Scan(&e.id, &e.subjectID, &e.qtype, &e.text); err != nil {
			return nil, fmt.Errorf("scan search corpus: %w", err)
		}
		e.text = asciiLower(e.text)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load search corpus: %w", err)
	}
	c.entries, c.version, c.local = entries, v, l
	return entries, nil
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
	page, perPage := paging(r, 20, 50)
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
	entries, err := s.searchEntries(ctx)
	if err != nil {
		return err
	}
	needle := asciiLower(keyword)
	var matched []int64
	for i := range entries {
		e := &entries[i]
		if subjectID > 0 && e.subjectID != subjectID || qtype != "" && e.qtype != qtype {
			continue
		}
		if e.subjectID > 0 && (contains(locked, e.subjectID) || contains(black, e.subjectID)) {
			continue
		}
		if strings.Contains(e.text, needle) {
			matched = append(matched, e.id)
		}
	}
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
	fav, mis, err := s.flags(ctx, u.ID, pageIDs)
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
