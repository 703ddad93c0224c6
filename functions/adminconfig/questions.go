package adminconfig

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"quizbank/shared/httpx"
)

func (a *api) types(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT DISTINCT q_type FROM questions ORDER BY q_type`)
	if err != nil {
		return fmt.Errorf("list question types: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) listQuestions(w http.ResponseWriter, r *http.Request) error {
	where, args := []string{"1 = 1"}, []any{}
	if sid := strings.TrimSpace(r.URL.Query().Get("subject_id")); sid != "" && sid != "all" {
		where, args = append(where, "q.subject_id = ?"), append(args, queryInt(r, "subject_id", 0))
	}
	if t := strings.TrimSpace(r.URL.Query().Get("type")); t != "" && t != "all" {
		where, args = append(where, "q.q_type = ?"), append(args, t)
	}
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT q.id, q.subject_id, q.q_type, q.content,
		q.difficulty, q.tags, q.image_path, u.username, q.updated_at
		FROM questions q LEFT JOIN users u ON u.id = q.created_by
		WHERE `+strings.Join(where, " AND ")+` ORDER BY q.id DESC`, args...)
	if err != nil {
		return fmt.Errorf("list questions: %w", err)
	}
	defer rows.Close()
	out := []httpx.M{}
	for rows.Next() {
		var id, difficulty int64
		var subject sql.NullInt64
		var qtype, content, tags string
		var image, author, updated sql.NullString
		if err := rows.Scan(&id, &subject, &qtype, &content, &difficulty, &tags, &image, &author, &updated); err != nil {
			return fmt.Errorf("scan question: %w", err)
		}
		out = append(out, httpx.M{"id": id, "subject_id": nullInt(subject), "q_type": qtype,
			"content": content, "difficulty": difficulty, "tags": nullText(tags),
			"image_path": imagePathJSON(image.String), "created_by": nullStr(author),
			"updated_at": nullStr(updated)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) getQuestion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	q, err := loadQuestion(r.Context(), a.d.DB, id)
	if errors.Is(err, errNoQuestion) {
		httpx.WriteJSON(w, http.StatusNotFound, httpx.M{"error": "not found"})
		return nil
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, q.full())
	return nil
}

// questionBody is the editor's form. Pointers tell "absent" from "empty"
// so PUT can update only what was sent.
type questionBody struct {
	SubjectID   *httpx.FlexInt `json:"subject_id"`
	QType       *string        `json:"q_type"`
	Content     *string        `json:"content"`
	Options     any            `json:"options"`
	Answer      *string        `json:"answer"`
	Explanation *string        `json:"explanation"`
	Difficulty  *httpx.FlexInt `json:"difficulty"`
	Tags        *string        `json:"tags"`
	ImagePath   any            `json:"image_path"`
}

// optionsText accepts the options as a JSON string of an array (what the
// editor sends) or as an array.
func optionsText(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "[]", nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return "[]", nil
		}
		if !validOptionsJSON(s) {
			return "", httpx.BadRequest("options 必须是 JSON 数组")
		}
		return s, nil
	case []any:
		b, _ := json.Marshal(x)
		return string(b), nil
	}
	return "", httpx.BadRequest("options 必须是 JSON 数组")
}

// imagePathValue accepts a JSON-array string, one path, an array or null.
func imagePathValue(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return ImagePaths(x), nil
	case []any:
		var out []string
		for _, p := range x {
			s, ok := p.(string)
			if !ok {
				return nil, httpx.BadRequest("image_path 必须是路径数组")
			}
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, httpx.BadRequest("image_path 必须是路径数组")
}

// apply merges the body into q (all fields on create, sent ones on PUT)
// and validates the result.
func (b *questionBody) apply(q *Question) error {
	// A stored type outside the five (the data model tolerates them, and
	// migrated banks carry some) stays editable as long as the edit does
	// not touch the type; a type that is sent, or a new question's, must
	// be one of the five.
	checkType := b.QType != nil || q.QType == ""
	if b.SubjectID != nil {
		q.SubjectID = sql.NullInt64{Int64: b.SubjectID.Value, Valid: b.SubjectID.Set && b.SubjectID.Value > 0}
	}
	if b.QType != nil {
		q.QType = strings.TrimSpace(*b.QType)
	}
	if b.Content != nil {
		q.Content = *b.Content
	}
	if b.Options != nil {
		s, err := optionsText(b.Options)
		if err != nil {
			return err
		}
		q.Options = s
	}
	if b.Answer != nil {
		q.Answer = strings.TrimSpace(*b.Answer)
	}
	if b.Explanation != nil {
		q.Explanation = *b.Explanation
	}
	if b.Difficulty != nil && b.Difficulty.Set {
		q.Difficulty = b.Difficulty.Value
	}
	if b.Tags != nil {
		q.Tags = strings.Join(TagSet(*b.Tags), ",")
	}
	if b.ImagePath != nil {
		paths, err := imagePathValue(b.ImagePath)
		if err != nil {
			return err
		}
		if v, ok := storedImagePath(paths).(string); ok {
			q.ImagePath = sql.NullString{String: v, Valid: true}
		} else {
			q.ImagePath = sql.NullString{}
		}
	}
	return q.validate(checkType)
}

func (q *Question) validate(checkType bool) error {
	if strings.TrimSpace(q.Content) == "" {
		return httpx.BadRequest("题干不能为空")
	}
	if checkType && !ValidType(q.QType) {
		return httpx.BadRequest("题型无效，只能是：" + strings.Join(QuestionTypes, "、"))
	}
	if q.Options == "" {
		q.Options = "[]"
	}
	if q.Difficulty < 1 || q.Difficulty > 5 {
		return httpx.BadRequest("难度必须是 1-5 之间的整数")
	}
	if q.QType == "多选题" {
		return checkMultiAnswer(q.Answer, q.Options)
	}
	return nil
}

func (a *api) subjectExists(r *http.Request, id sql.NullInt64) error {
	if !id.Valid {
		return nil
	}
	var n int64
	if err := a.d.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM subjects WHERE id = ?`, id.Int64).Scan(&n); err != nil {
		return fmt.Errorf("check subject: %w", err)
	}
	if n == 0 {
		return httpx.BadRequest("科目不存在")
	}
	return nil
}

func (a *api) createQuestion(withID bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b questionBody
		if err := httpx.DecodeJSON(r, &b); err != nil {
			return err
		}
		q := &Question{Options: "[]", Difficulty: 1}
		if err := b.apply(q); err != nil {
			return err
		}
		if err := a.subjectExists(r, q.SubjectID); err != nil {
			return err
		}
		by, at := callerID(r), a.now()
		var id int64
		err := a.d.DB.QueryRowContext(r.Context(), `INSERT INTO questions (subject_id, content, q_type,
			options, answer, explanation, difficulty, image_path, tags, created_by, created_at, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			nullInt(q.SubjectID), q.Content, q.QType, q.Options, q.Answer, q.Explanation, q.Difficulty,
			nullStr(q.ImagePath), q.Tags, by, at, at, by).Scan(&id)
		if err != nil {
			return fmt.Errorf("create question: %w", err)
		}
		a.contentChanged(r.Context())
		if withID {
			httpx.Success(w, httpx.M{"message": "题目新增成功", "id": id})
		} else {
			httpx.Message(w, "题目新增成功")
		}
		return nil
	}
}

func (a *api) updateQuestion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var b questionBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	q, err := loadQuestion(r.Context(), a.d.DB, id)
	if errors.Is(err, errNoQuestion) {
		return httpx.NotFound("题目不存在")
	}
	if err != nil {
		return err
	}
	if err := b.apply(q); err != nil {
		return err
	}
	if err := a.subjectExists(r, q.SubjectID); err != nil {
		return err
	}
	_, err = a.d.DB.ExecContext(r.Context(), `UPDATE questions SET subject_id = ?, content = ?, q_type = ?,
		options = ?, answer = ?, explanation = ?, difficulty = ?, image_path = ?, tags = ?,
		updated_at = ?, updated_by = ? WHERE id = ?`,
		nullInt(q.SubjectID), q.Content, q.QType, q.Options, q.Answer, q.Explanation, q.Difficulty,
		nullStr(q.ImagePath), q.Tags, a.now(), callerID(r), id)
	if err != nil {
		return fmt.Errorf("update question %d: %w", id, err)
	}
	a.contentChanged(r.Context())
	httpx.Message(w, "题目更新成功")
	return nil
}

func (a *api) deleteQuestion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.deleteQuestions(r, []int64{id})
	if err != nil {
		return err
	}
	if n == 0 {
		return httpx.NotFound("题目不存在")
	}
	httpx.Message(w, "题目删除成功")
	return nil
}
