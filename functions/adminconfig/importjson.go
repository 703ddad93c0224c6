package adminconfig

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"quizbank/shared/httpx"
)

type jsonImportBody struct {
	SubjectID httpx.FlexInt    `json:"subject_id"`
	Questions []jsonImportItem `json:"questions"`
}

type jsonImportItem struct {
	Type        string `json:"题型"`
	Content     string `json:"题干"`
	Options     []any  `json:"选项"`
	Answer      any    `json:"答案"`
	Explanation string `json:"解析"`
}

var blankMark = regexp.MustCompile(`\{([^{}]*)\}`)

// fillBlanks turns "{ans;alt}" marks into "__" and collects the answers.
func fillBlanks(stem string) (string, string) {
	var answers []string
	out := blankMark.ReplaceAllStringFunc(stem, func(m string) string {
		answers = append(answers, strings.TrimSpace(m[1:len(m)-1]))
		return "__"
	})
	return out, strings.Join(answers, ";;")
}

func answerText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	case []any:
		parts := make([]string, 0, len(x))
		for _, p := range x {
			parts = append(parts, strings.TrimSpace(fmt.Sprint(p)))
		}
		return strings.Join(parts, "")
	case bool:
		if x {
			return "正确"
		}
		return "错误"
	}
	return fmt.Sprint(v)
}

// importJSON is the web "paste JSON" import. The legacy path answers
// failures with 500, the primary one with HTTP 200 and status "error";
// both roll back the whole batch.
func (a *api) importJSON(legacy bool) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var b jsonImportBody
		if err := httpx.DecodeJSON(r, &b); err != nil {
			return err
		}
		if !b.SubjectID.Set || b.SubjectID.Value <= 0 {
			return httpx.BadRequest("请选择科目")
		}
		if len(b.Questions) == 0 {
			return httpx.BadRequest("没有要导入的题目")
		}
		if err := a.subjectExists(r, sql.NullInt64{Int64: b.SubjectID.Value, Valid: true}); err != nil {
			return err
		}
		at, by := a.now(), callerID(r)
		count := 0
		err := a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
			ins, err := prepareInsert(r.Context(), tx)
			if err != nil {
				return err
			}
			defer ins.Close()
			for i, it := range b.Questions {
				q := NewQuestion{QType: strings.TrimSpace(it.Type), Content: it.Content, Options: "[]",
					Answer: answerText(it.Answer), Explanation: it.Explanation, CreatedBy: by,
					CreatedAt: at, UpdatedAt: at, Difficulty: 1}
				if strings.TrimSpace(q.Content) == "" || !ValidType(q.QType) {
					return fmt.Errorf("第 %d 题：题干为空或题型无效", i+1)
				}
				switch q.QType {
				case "选择题", "多选题":
					opts, _ := json.Marshal(it.Options)
					q.Options = string(opts)
					if q.QType == "多选题" && checkMultiAnswer(q.Answer, q.Options) != nil {
						continue // the original skips invalid multiple-choice rows
					}
				case "填空题":
					if stem, ans := fillBlanks(q.Content); ans != "" {
						q.Content, q.Answer = stem, ans
					}
				}
				if _, err := insertQuestion(r.Context(), ins, b.SubjectID.Value, q); err != nil {
					return err
				}
				count++
			}
			return nil
		})
		if err != nil {
			a.d.Logger.WarnContext(r.Context(), "json import failed", "err", err)
			msg := "导入失败: " + err.Error()
			if legacy {
				return httpx.Errorf(http.StatusInternalServerError, "%s", msg)
			}
			httpx.WriteJSON(w, http.StatusOK, httpx.M{"status": "error", "message": msg})
			return nil
		}
		a.contentChanged(r.Context())
		httpx.Message(w, fmt.Sprintf("成功导入 %d 道题目", count))
		return nil
	}
}

func (a *api) exportJSON(w http.ResponseWriter, r *http.Request) error {
	where, args := "1 = 1", []any{}
	if sid := queryInt(r, "subject_id", 0); sid > 0 {
		where, args = "q.subject_id = ?", append(args, sid)
	}
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT COALESCE(s.name, ''), q.q_type, q.content, q.options,
		q.answer, q.explanation FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id
		WHERE `+where+` ORDER BY q.id`, args...)
	if err != nil {
		return fmt.Errorf("export questions: %w", err)
	}
	defer rows.Close()
	list := []httpx.M{}
	for rows.Next() {
		var subject, t, content, options, answer, expl string
		if err := rows.Scan(&subject, &t, &content, &options, &answer, &expl); err != nil {
			return err
		}
		opts := []string{}
		for _, o := range ParseOptions(options) {
			opts = append(opts, o.Key+". "+o.Value)
		}
		list = append(list, httpx.M{"科目": subject, "题型": t, "题干": content, "选项": opts, "答案": answer, "解析": expl})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"count": len(list), "questions": list})
	return nil
}
