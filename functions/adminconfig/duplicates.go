package adminconfig

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"quizbank/shared/httpx"
)

// maxDuplicateScan bounds one run: pairwise comparison is quadratic.
const maxDuplicateScan = 3000

type dupQuestion struct {
	ID      int64  `json:"id"`
	Content string `json:"content"`
	QType   string `json:"q_type"`
	grams   map[string]struct{}
}

// DuplicatePair is two similar questions of one subject.
type DuplicatePair struct {
	Question1  dupQuestion `json:"question1"`
	Question2  dupQuestion `json:"question2"`
	Similarity float64     `json:"similarity"`
}

// bigrams of the normalised stem (single runes for one-rune stems).
func bigrams(s string) map[string]struct{} {
	r := []rune(normalizeText(s))
	out := map[string]struct{}{}
	if len(r) == 1 {
		out[string(r)] = struct{}{}
	}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])] = struct{}{}
	}
	return out
}

// dice is the Sørensen–Dice coefficient of two bigram sets.
func dice(a, b map[string]struct{}) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for g := range a {
		if _, ok := b[g]; ok {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

func findDuplicates(qs []dupQuestion, threshold float64) []DuplicatePair {
	out := []DuplicatePair{}
	for i := range qs {
		for j := i + 1; j < len(qs); j++ {
			la, lb := float64(len(qs[i].grams)), float64(len(qs[j].grams))
			if la+lb > 0 && 2*min(la, lb)/(la+lb) < threshold {
				continue // cannot reach the threshold
			}
			if s := dice(qs[i].grams, qs[j].grams); s >= threshold {
				out = append(out, DuplicatePair{qs[i], qs[j], float64(int(s*10000+0.5)) / 10000})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Similarity > out[j].Similarity })
	return out
}

func (a *api) subjectNameOf(r *http.Request, id int64) (string, error) {
	var name string
	err := a.d.DB.QueryRowContext(r.Context(), `SELECT name FROM subjects WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", httpx.NotFound("科目不存在")
	}
	return name, err
}

// runDuplicateCheck compares the subject's questions and stores the run.
func (a *api) runDuplicateCheck(r *http.Request, sid int64, name string, threshold float64) (httpx.M, error) {
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT id, content, q_type FROM questions
		WHERE subject_id = ? ORDER BY id LIMIT ?`, sid, maxDuplicateScan)
	if err != nil {
		return nil, fmt.Errorf("load questions for duplicate check: %w", err)
	}
	var qs []dupQuestion
	for rows.Next() {
		var q dupQuestion
		if err := rows.Scan(&q.ID, &q.Content, &q.QType); err != nil {
			rows.Close()
			return nil, err
		}
		q.grams = bigrams(q.Content)
		qs = append(qs, q)
	}
	rows.Close()
	pairs := findDuplicates(qs, threshold)
	raw, _ := json.Marshal(pairs)
	at := a.now()
	var id int64
	err = a.d.DB.QueryRowContext(r.Context(), `INSERT INTO duplicate_check_records (subject_id, total_pairs,
		duplicates_json, similarity_threshold, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		sid, len(pairs), string(raw), threshold, callerID(r), at).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("save duplicate check: %w", err)
	}
	var list []any
	_ = json.Unmarshal(raw, &list)
	return httpx.M{"record_id": id, "total_pairs": len(pairs), "duplicates": list, "subject_id": sid,
		"subject_name": name, "created_at": at, "is_new": true}, nil
}

func floatQuery(r *http.Request, name string, def float64) (float64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1 {
		return 0, httpx.BadRequest(name + " 必须是 0 到 1 之间的数")
	}
	return f, nil
}

func (a *api) duplicateStart(w http.ResponseWriter, r *http.Request) error {
	sid := queryInt(r, "subject_id", 0)
	if sid <= 0 {
		return httpx.BadRequest("缺少 subject_id")
	}
	threshold, err := floatQuery(r, "similarity_threshold", 0.8)
	if err != nil {
		return err
	}
	name, err := a.subjectNameOf(r, sid)
	if err != nil {
		return err
	}
	res, err := a.runDuplicateCheck(r, sid, name, threshold)
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"message": fmt.Sprintf("检测完成，发现 %d 对相似题目", res["total_pairs"]), "data": res})
	return nil
}

func (a *api) duplicateResults(w http.ResponseWriter, r *http.Request) error {
	sid := queryInt(r, "subject_id", 0)
	if sid <= 0 {
		return httpx.BadRequest("缺少 subject_id")
	}
	lo, err := floatQuery(r, "min_similarity", 0)
	if err != nil {
		return err
	}
	hi, err := floatQuery(r, "max_similarity", 1)
	if err != nil {
		return err
	}
	name, err := a.subjectNameOf(r, sid)
	if err != nil {
		return err
	}
	var id, total int64
	var raw, at string
	err = a.d.DB.QueryRowContext(r.Context(), `SELECT id, total_pairs, duplicates_json, created_at
		FROM duplicate_check_records WHERE subject_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, sid).
		Scan(&id, &total, &raw, &at)
	if errors.Is(err, sql.ErrNoRows) || truthy(r.URL.Query().Get("force_new")) {
		res, err := a.runDuplicateCheck(r, sid, name, 0.8)
		if err != nil {
			return err
		}
		res["duplicates"] = filterPairs(res["duplicates"].([]any), lo, hi)
		httpx.Data(w, res)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load duplicate check: %w", err)
	}
	var list []any
	_ = json.Unmarshal([]byte(raw), &list)
	httpx.Data(w, httpx.M{"record_id": id, "total_pairs": total, "duplicates": filterPairs(list, lo, hi),
		"subject_id": sid, "subject_name": name, "created_at": at, "is_new": false})
	return nil
}

func filterPairs(list []any, lo, hi float64) []any {
	out := []any{}
	for _, p := range list {
		m, _ := p.(map[string]any)
		s, _ := m["similarity"].(float64)
		if s >= lo && s <= hi {
			out = append(out, p)
		}
	}
	return out
}
