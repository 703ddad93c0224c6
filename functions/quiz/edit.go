package quiz

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/question"
	"quizbank/shared/store"
)

// editBody holds the optional fields of PUT /api/quiz/questions/{id}.
type editBody struct {
	Content     json.RawMessage `json:"content"`
	QType       json.RawMessage `json:"q_type"`
	Answer      json.RawMessage `json:"answer"`
	Explanation json.RawMessage `json:"explanation"`
	Options     json.RawMessage `json:"options"`
}

// optionalString reads a string field: absent or null keeps the stored
// value, a non-string is refused.
func optionalString(raw json.RawMessage, name string, keep string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return keep, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", httpx.BadRequest(name + " 必须是字符串")
	}
	return strings.TrimSpace(s), nil
}

// given reports whether a JSON field was sent with a value.
func given(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// optionsText turns the options field into the stored text: arrays are
// stored as JSON, strings verbatim (trimmed).
func optionsText(raw json.RawMessage, keep string) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return keep, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), nil
	}
	var list []any
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", httpx.BadRequest("options 格式错误")
	}
	for _, it := range list {
		switch x := it.(type) {
		case string, float64:
		case map[string]any:
			if _, ok := x["value"]; !ok {
				return "", httpx.BadRequest("options 格式错误")
			}
		default:
			return "", httpx.BadRequest("options 格式错误")
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", httpx.BadRequest("options 格式错误")
	}
	return string(b), nil
}

// editQuestion is PUT /api/quiz/questions/{id}: admins and subject
// admins fix a question from the practice screen.
func (s *service) editQuestion(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), caller(r)
	if !u.IsAdmin && !u.IsSubjectAdmin {
		return httpx.Forbidden("需要管理员或科目管理员权限")
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var body editBody
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	var cur struct{ content, qtype, options, answer, explanation string }
	err = s.d.DB.QueryRowContext(ctx, `SELECT content, q_type, COALESCE(options, '[]'), COALESCE(answer, ''),
		COALESCE(explanation, '') FROM questions WHERE id = ?`, id).
		Scan(&cur.content, &cur.qtype, &cur.options, &cur.answer, &cur.explanation)
	if errors.Is(err, sql.ErrNoRows) {
		return httpx.NotFound("题目不存在")
	}
	if err != nil {
		return fmt.Errorf("read question: %w", err)
	}
	next := cur
	if next.content, err = optionalString(body.Content, "content", cur.content); err != nil {
		return err
	}
	if next.qtype, err = optionalString(body.QType, "q_type", cur.qtype); err != nil {
		return err
	}
	if next.answer, err = optionalString(body.Answer, "answer", cur.answer); err != nil {
		return err
	}
	if next.explanation, err = optionalString(body.Explanation, "explanation", cur.explanation); err != nil {
		return err
	}
	if next.options, err = optionsText(body.Options, cur.options); err != nil {
		return err
	}
	if next.content == "" {
		return httpx.BadRequest("题目内容不能为空")
	}
	if next.qtype == "" {
		return httpx.BadRequest("题型不能为空")
	}
	if given(body.QType) && !question.ValidType(next.qtype) {
		return httpx.BadRequest("题型无效，只能是：" + strings.Join(question.Types, "、"))
	}
	switch next.qtype {
	case question.Multiple:
		if err := checkMultipleAnswer(next.answer, next.options); err != nil {
			return err
		}
	case question.Single:
		// Only when this edit sets what the answer is checked against, so
		// a typo fix on an old row with a stray answer still saves.
		if given(body.Answer) || given(body.Options) || given(body.QType) {
			if err := checkSingleAnswer(next.answer, next.options); err != nil {
				return err
			}
		}
	}
	now := store.Timestamp(s.d.Now())
	err = s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE questions SET q_type = ?, content = ?, options = ?, answer = ?,
			explanation = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
			next.qtype, next.content, next.options, next.answer, next.explanation, now, u.ID, id); err != nil {
			return fmt.Errorf("update question: %w", err)
		}
		return question.BumpStored(ctx, tx)
	})
	if err != nil {
		return err
	}
	question.Changed()
	cq, err := s.cat.one(ctx, id)
	if err != nil {
		return err
	}
	if cq == nil {
		return httpx.NotFound("题目不存在")
	}
	fav, mis, _, err := s.flags(ctx, u.ID, []int64{id}, 0)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`{"data":`)
	b.Write(cq.JSON)
	fmt.Fprintf(&b, `,"is_fav":%d,"is_mistake":%d},"status":"success"}`, b2i(fav[id]), b2i(mis[id]))
	writeRaw(w, []byte(b.String()))
	return nil
}

// checkSingleAnswer requires a 选择题 answer to be one letter and, when
// the options parse, one of their keys: the practice screen must not be
// able to save a question nobody can answer right.
func checkSingleAnswer(answer, options string) error {
	letter := strings.ToUpper(strings.TrimSpace(answer))
	if len([]rune(letter)) != 1 {
		return httpx.BadRequest("选择题答案必须是一个选项字母")
	}
	opts := question.NormaliseOptions(options, question.Single)
	if len(opts) == 0 {
		return nil
	}
	var valid []string
	for _, o := range opts {
		if strings.ToUpper(o.Key) == letter {
			return nil
		}
		valid = append(valid, o.Key)
	}
	return httpx.BadRequest(fmt.Sprintf("答案 %s 不在选项中，可选：%s", letter, strings.Join(valid, ", ")))
}

// checkMultipleAnswer enforces ≥ 2 letters, each a key of the options
// (skipped when the options do not parse into any).
func checkMultipleAnswer(answer, options string) error {
	letters := strings.ToUpper(strings.Join(strings.Fields(answer), ""))
	if len([]rune(letters)) < 2 {
		return httpx.BadRequest("多选题答案至少包含两个选项")
	}
	opts := question.NormaliseOptions(options, question.Multiple)
	if len(opts) == 0 {
		return nil
	}
	keys := map[string]bool{}
	for _, o := range opts {
		keys[strings.ToUpper(o.Key)] = true
	}
	var valid []string
	for _, o := range opts {
		valid = append(valid, o.Key)
	}
	for _, r := range letters {
		if !keys[string(r)] {
			return httpx.BadRequest(fmt.Sprintf("答案 %s 不在选项中，可选：%s", string(r), strings.Join(valid, ", ")))
		}
	}
	return nil
}
