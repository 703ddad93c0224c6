package quiz

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
	"quizbank/shared/users"
)

// selection is a parsed question filter (list, count, search).
type selection struct {
	subjectID int64 // 0: all accessible subjects
	empty     bool  // the named subject is locked or blacklisted
	qtype     string
	restrict  string // "", "favorites" or "mistakes"
	tag       string
}

// restriction picks favorites/mistakes from mode, else from source.
func restriction(mode, source string) string {
	for _, v := range []string{mode, source} {
		if v == "favorites" || v == "mistakes" {
			return v
		}
	}
	return ""
}

// resolveSubject maps a subject name to its id. An unknown name is
// reported; a locked or blacklisted one selects nothing.
func (s *service) resolveSubject(ctx context.Context, name string, black []int64, sel *selection) (bool, error) {
	if name == "" {
		return true, nil
	}
	sub, ok, err := s.cat.subjectByName(ctx, name)
	if err != nil || !ok {
		return false, err
	}
	sel.subjectID = sub.ID
	sel.empty = sub.Locked || contains(black, sub.ID)
	return true, nil
}

// selectIDs returns the ascending ids a selection matches for u.
func (s *service) selectIDs(ctx context.Context, u *users.User, sel selection, black []int64) ([]int64, error) {
	if sel.empty {
		return []int64{}, nil
	}
	if sel.restrict == "" && sel.tag == "" {
		k := filterKey{subjectID: sel.subjectID, qtype: sel.qtype}
		if sel.subjectID == 0 {
			k.excluded = idsJSON(black)
		}
		return s.cat.filterIDs(ctx, k, black)
	}
	if u == nil {
		return []int64{}, nil
	}
	where, args, err := s.cat.scope(ctx, sel.subjectID, sel.qtype, black)
	if err != nil {
		return nil, err
	}
	// The caller's own rows drive the query (CROSS JOIN keeps them the
	// outer loop), read in question order from their unique index, so no
	// question is scanned that the caller has not marked and nothing is
	// sorted.
	var from, key string
	var fargs []any
	switch sel.restrict {
	case "favorites":
		from, key, fargs = "favorites d", "d.user_id = ?", []any{u.ID}
	case "mistakes":
		from, key, fargs = "mistakes d", "d.user_id = ?", []any{u.ID}
	}
	if sel.tag != "" {
		tagID, ok, err := s.tagID(ctx, u.ID, sel.tag)
		if err != nil {
			return nil, err
		}
		if !ok {
			return []int64{}, nil
		}
		if from == "" {
			from, key, fargs = "user_question_tags d", "d.tag_id = ?", []any{tagID}
		} else {
			from += " JOIN user_question_tags t ON t.question_id = d.question_id AND t.tag_id = ?"
			fargs = append([]any{tagID}, fargs...)
		}
	}
	query := `SELECT d.question_id FROM ` + from
	if where != "1 = 1" {
		query += ` CROSS JOIN questions q ON q.id = d.question_id`
	}
	query += ` WHERE ` + key
	if where != "1 = 1" {
		query += ` AND ` + where
	}
	return queryIDs(ctx, s.stmts, query+` ORDER BY d.question_id`, append(fargs, args...)...)
}

// listQuestions is GET /api/quiz/questions.
func (s *service) listQuestions(w http.ResponseWriter, r *http.Request) error {
	ctx, u, q := r.Context(), caller(r), r.URL.Query()
	page, perPage := paging(q, 20, 1000)
	sel := selection{qtype: allOrEmpty(q.Get("q_type")), restrict: restriction(q.Get("mode"), q.Get("source")),
		tag: normaliseTag(q.Get("tag"))}
	if strings.EqualFold(sel.tag, "all") {
		sel.tag = ""
	}
	shuffleQuestions := truthy(q.Get("shuffle_questions"))
	shuffleOptions := truthy(q.Get("shuffle_options"))
	seed, seeded := int64(0), false
	if v := strings.TrimSpace(q.Get("seed")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return httpx.BadRequest("seed 参数错误")
		}
		seed, seeded = n, true
	}
	if shuffleQuestions && !seeded {
		seed = randomSeed()
	}

	// A named subject's blacklist entry is read with the caller's flags
	// below; only the all-subjects list needs the whole blacklist first.
	name := allOrEmpty(q.Get("subject"))
	var black []int64
	if name == "" {
		var err error
		if black, err = s.blacklist(ctx, u); err != nil {
			return err
		}
	}
	if ok, err := s.resolveSubject(ctx, name, black, &sel); err != nil {
		return err
	} else if !ok {
		return httpx.NotFound("科目不存在")
	}
	ids, err := s.selectIDs(ctx, u, sel, black)
	if err != nil {
		return err
	}
	total := len(ids)
	if shuffleQuestions {
		ids = question.ShuffleIDs(ids, seed)
	}
	start := min((page-1)*perPage, total)
	if page-1 > total/perPage { // avoids overflow on absurd pages
		start = total
	}
	pageIDs := ids[start:min(start+perPage, total)]
	cqs, err := s.cat.questions(ctx, pageIDs)
	if err != nil {
		return err
	}
	check := int64(0)
	if name != "" && !u.IsAdmin {
		check = sel.subjectID
	}
	fav, mis, blocked, err := s.flags(ctx, u.ID, pageIDs, check)
	if err != nil {
		return err
	}
	if blocked {
		cqs, total = nil, 0
	}

	b := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(b)
	size := 256
	for _, cq := range cqs {
		size += len(cq.JSON) + 32
	}
	b.Grow(size)
	b.WriteString(`{"data":{"page":`)
	b.WriteString(strconv.Itoa(page))
	b.WriteString(`,"per_page":`)
	b.WriteString(strconv.Itoa(perPage))
	b.WriteString(`,"questions":[`)
	for i, cq := range cqs {
		if i > 0 {
			b.WriteByte(',')
		}
		writeQuestion(b, cq, u.ID, shuffleOptions, seed, fav[cq.Q.ID], mis[cq.Q.ID])
	}
	b.WriteString(`],"total":`)
	b.WriteString(strconv.Itoa(total))
	if shuffleQuestions {
		b.WriteString(`,"seed":`)
		b.WriteString(strconv.FormatInt(seed, 10))
	}
	b.WriteString(`},"status":"success"}`)
	writeRaw(w, b.Bytes())
	return nil
}

// pageBuffers recycles the buffers list pages are rendered into; the
// response writer has copied a page by the time its buffer returns.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 { // a per_page=1000 page is not worth keeping
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// writeQuestion appends one question object with the caller's flags.
func writeQuestion(b *bytes.Buffer, cq *cachedQuestion, userID int64, shuffle bool, seed int64, fav, mis bool) {
	if shuffle && question.IsChoice(cq.Q.QType) {
		opts, ans := question.ShuffleOptions(cq.Q, userID, seed)
		b.Write(renderQuestion(cq.Q, opts, ans))
	} else {
		b.Write(cq.JSON)
	}
	b.WriteString(`,"is_fav":`)
	b.WriteByte(flag(fav))
	b.WriteString(`,"is_mistake":`)
	b.WriteByte(flag(mis))
	b.WriteByte('}')
}

func flag(v bool) byte {
	if v {
		return '1'
	}
	return '0'
}

func writeRaw(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func randomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 33) // small enough for JS clients
}

// questionDetail is GET /api/quiz/questions/{id}.
func (s *service) questionDetail(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	cq, err := s.cat.one(ctx, id)
	if err != nil {
		return err
	}
	if cq == nil {
		return httpx.NotFound("题目不存在")
	}
	check := cq.Q.SubjectID
	if u.IsAdmin {
		check = 0
	}
	fav, mis, blocked, err := s.flags(ctx, u.ID, []int64{id}, check)
	if err != nil {
		return err
	}
	if blocked {
		return errSubjectForbidden
	}
	seed := int64(intParam(r, "seed", 0))
	var b bytes.Buffer
	b.WriteString(`{"data":`)
	writeQuestion(&b, cq, u.ID, truthy(r.URL.Query().Get("shuffle_options")), seed, fav[id], mis[id])
	b.WriteString(`,"status":"success"}`)
	writeRaw(w, b.Bytes())
	return nil
}

var errSubjectForbidden = httpx.Errorf(http.StatusForbidden, "无权访问该科目")

// visibleQuestion loads a question the caller may see: 404 when it does
// not exist, 403 when its subject is blacklisted for the caller.
func (s *service) visibleQuestion(ctx context.Context, u *users.User, id int64) (*cachedQuestion, error) {
	cq, err := s.cat.one(ctx, id)
	if err != nil {
		return nil, err
	}
	if cq == nil {
		return nil, httpx.NotFound("题目不存在")
	}
	if cq.Q.SubjectID > 0 && !u.IsAdmin {
		black, err := s.blacklist(ctx, u)
		if err != nil {
			return nil, err
		}
		if contains(black, cq.Q.SubjectID) {
			return nil, errSubjectForbidden
		}
	}
	return cq, nil
}

// countQuestions is GET /api/quiz/questions/count and its anonymous
// alias. anonymousOK says whether the path admits callers without a
// credential (api.md §0.3).
func (s *service) countQuestions(anonymousOK bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, u, q := r.Context(), caller(r), r.URL.Query()
		restrict := restriction(q.Get("source"), q.Get("mode"))
		if u == nil {
			mode := q.Get("mode")
			if !anonymousOK || mode == "favorites" || mode == "mistakes" {
				return httpx.Unauthorized("请先登录")
			}
		}
		sel := selection{qtype: allOrEmpty(q.Get("type")), restrict: restrict, tag: normaliseTag(q.Get("tag"))}
		if strings.EqualFold(sel.tag, "all") {
			sel.tag = ""
		}
		if u == nil && (sel.restrict != "" || sel.tag != "") {
			httpx.Success(w, httpx.M{"count": 0})
			return nil
		}
		black, err := s.blacklist(ctx, u)
		if err != nil {
			return err
		}
		ok, err := s.resolveSubject(ctx, allOrEmpty(q.Get("subject")), black, &sel)
		if err != nil {
			return err
		}
		if !ok {
			httpx.Success(w, httpx.M{"count": 0})
			return nil
		}
		ids, err := s.selectIDs(ctx, u, sel, black)
		if err != nil {
			return err
		}
		httpx.Success(w, httpx.M{"count": len(ids)})
		return nil
	}
}

// userCounts is GET /api/quiz/questions/user_counts and its alias:
// the caller's favourites and mistakes in a subject/type/tag, with no
// lock or blacklist applied (api.md §2.2).
func (s *service) userCounts(anonymousOK bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, u, q := r.Context(), caller(r), r.URL.Query()
		if u == nil {
			if !anonymousOK {
				return httpx.Unauthorized("请先登录")
			}
			httpx.Success(w, httpx.M{"favorites": 0, "mistakes": 0})
			return nil
		}
		var conds []string
		var args []any
		if name := allOrEmpty(q.Get("subject")); name != "" {
			sub, ok, err := s.cat.subjectByName(ctx, name)
			if err != nil {
				return err
			}
			if !ok {
				httpx.Success(w, httpx.M{"favorites": 0, "mistakes": 0})
				return nil
			}
			conds, args = append(conds, "q.subject_id = ?"), append(args, sub.ID)
		}
		if t := allOrEmpty(q.Get("type")); t != "" {
			conds, args = append(conds, "q.q_type = ?"), append(args, t)
		}
		join, jargs := "", []any{}
		if tag := normaliseTag(q.Get("tag")); tag != "" && !strings.EqualFold(tag, "all") {
			tagID, ok, err := s.tagID(ctx, u.ID, tag)
			if err != nil {
				return err
			}
			if !ok {
				httpx.Success(w, httpx.M{"favorites": 0, "mistakes": 0})
				return nil
			}
			join, jargs = " JOIN user_question_tags t ON t.question_id = q.id AND t.tag_id = ?", []any{tagID}
		}
		where := ""
		if len(conds) > 0 {
			where = " AND " + strings.Join(conds, " AND ")
		}
		var favs, mistakes int
		for _, c := range []struct {
			table string
			dst   *int
		}{{"favorites", &favs}, {"mistakes", &mistakes}} {
			qs := `SELECT COUNT(*) FROM ` + c.table + ` x JOIN questions q ON q.id = x.question_id` + join +
				` WHERE x.user_id = ?` + where
			a := append(append(append([]any{}, jargs...), u.ID), args...)
			if err := s.d.DB.QueryRowContext(ctx, qs, a...).Scan(c.dst); err != nil {
				return fmt.Errorf("count %s: %w", c.table, err)
			}
		}
		httpx.Success(w, httpx.M{"favorites": favs, "mistakes": mistakes})
		return nil
	}
}
