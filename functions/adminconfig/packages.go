package adminconfig

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/qpackage"
)

func (a *api) exportPackage(w http.ResponseWriter, r *http.Request) error {
	where, args := []string{"1 = 1"}, []any{}
	sid := queryInt(r, "subject_id", 0)
	if sid > 0 {
		where, args = append(where, "q.subject_id = ?"), append(args, sid)
	}
	if t := r.URL.Query().Get("type"); t != "" && t != "all" {
		where, args = append(where, "q.q_type = ?"), append(args, t)
	}
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT `+prefixed("q.", questionColumns)+`, COALESCE(s.name, '')
		FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY q.id`, args...)
	if err != nil {
		return fmt.Errorf("export package: %w", err)
	}
	defer rows.Close()
	var items []httpx.M
	var images []string
	subject := "all_subjects"
	for rows.Next() {
		var q Question
		var name string
		err := rows.Scan(&q.ID, &q.SubjectID, &q.Content, &q.QType, &q.Options, &q.Answer, &q.Explanation,
			&q.Difficulty, &q.ImagePath, &q.Tags, &q.CreatedBy, &q.CreatedAt, &q.UpdatedAt, &q.UpdatedBy, &name)
		if err != nil {
			return err
		}
		m := q.full()
		m["subject_name"] = name
		m["tags"] = q.Tags
		items = append(items, m)
		images = append(images, ImagePaths(q.ImagePath.String)...)
		if sid > 0 {
			subject = name
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(items) == 0 {
		return httpx.BadRequest("没有可导出的题目")
	}
	data, err := json.MarshalIndent(items, "", "    ")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	pw := qpackage.NewWriter(&buf)
	if err := pw.Data(data); err != nil {
		return err
	}
	root, err := os.OpenRoot(a.d.Config.UploadDir)
	if err == nil {
		defer root.Close()
		for _, p := range images {
			rel := strings.TrimPrefix(strings.TrimPrefix(p, "/"), "uploads/")
			b, err := root.ReadFile(rel)
			if err != nil {
				continue // missing or outside the folder: exported without it
			}
			if err := pw.Image(rel, b); err != nil {
				continue
			}
		}
	}
	if err := pw.Close(); err != nil {
		return err
	}
	name := fmt.Sprintf("questions_export_%s_%s.zip", fileSafe(subject), time.Now().Format("20060102_150405"))
	sendFile(w, name, "application/zip", buf.Bytes())
	return nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// packageItem is one question of data.json; unknown fields are ignored.
type packageItem struct {
	SubjectName string          `json:"subject_name"`
	QType       string          `json:"q_type"`
	Content     string          `json:"content"`
	Options     json.RawMessage `json:"options"`
	Answer      string          `json:"answer"`
	Explanation string          `json:"explanation"`
	Difficulty  httpx.FlexInt   `json:"difficulty"`
	ImagePath   any             `json:"image_path"`
	Tags        string          `json:"tags"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
}

// itemOptions accepts options stored as a JSON string or as an array.
func itemOptions(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if validOptionsJSON(s) {
			return s
		}
		return "[]"
	}
	if validOptionsJSON(string(raw)) {
		return string(raw)
	}
	return "[]"
}

func (a *api) importPackage(w http.ResponseWriter, r *http.Request) error {
	data, _, err := readUpload(r, ".zip", "只允许上传 .zip 文件")
	if err != nil {
		return err
	}
	pkg, err := qpackage.Open(data, qpackage.DefaultLimits)
	if qpackage.IsRefusal(err) {
		return httpx.BadRequest(err.Error())
	}
	if err != nil {
		return err
	}
	doc, err := pkg.Data()
	if err != nil {
		return httpx.BadRequest(err.Error())
	}
	var items []packageItem
	if err := json.Unmarshal(doc, &items); err != nil {
		return httpx.BadRequest("data.json 格式错误：应为题目数组")
	}
	at := a.now()
	var errs []string
	var written []string
	imported := 0
	err = a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ins, err := prepareInsert(r.Context(), tx)
		if err != nil {
			return err
		}
		defer ins.Close()
		subjects := newSubjectCache(tx, at)
		for i, it := range items {
			n := i + 1
			it.SubjectName, it.QType = strings.TrimSpace(it.SubjectName), strings.TrimSpace(it.QType)
			if it.SubjectName == "" {
				errs = append(errs, fmt.Sprintf("第%d题: 缺少 subject_name", n))
				continue
			}
			if strings.TrimSpace(it.Content) == "" || it.QType == "" {
				errs = append(errs, fmt.Sprintf("第%d题: 题干或题型为空", n))
				continue
			}
			sid, refusal, err := subjects.resolve(r.Context(), it.SubjectName)
			if err != nil {
				return err
			}
			if refusal != "" {
				errs = append(errs, fmt.Sprintf("第%d题: %s", n, refusal))
				continue
			}
			paths, err := imagePathValue(it.ImagePath)
			if err != nil {
				errs = append(errs, fmt.Sprintf("第%d题: image_path 格式错误", n))
				continue
			}
			var kept []string
			for _, p := range paths {
				b, ok, err := pkg.Image(strings.TrimPrefix(p, "uploads/"))
				if err != nil || !ok {
					continue
				}
				ext, err := checkImage(p, b)
				if err != nil {
					errs = append(errs, fmt.Sprintf("第%d题: 图片 %s 无效", n, p))
					continue
				}
				rel, err := a.saveImage(b, fmt.Sprintf("pkg%d", n), ext)
				if err != nil {
					return err
				}
				written = append(written, rel)
				kept = append(kept, rel)
			}
			created, updated := it.CreatedAt, it.UpdatedAt
			if created == "" {
				created = at
			}
			if updated == "" {
				updated = at
			}
			q := NewQuestion{QType: it.QType, Content: it.Content, Options: itemOptions(it.Options),
				Answer: it.Answer, Explanation: it.Explanation, Difficulty: it.Difficulty.Value,
				ImagePath: storedImagePath(kept), Tags: strings.Join(TagSet(it.Tags), ","),
				CreatedBy: callerID(r), CreatedAt: created, UpdatedAt: updated}
			if _, err := insertQuestion(r.Context(), ins, sid, q); err != nil {
				return err
			}
			imported++
		}
		return nil
	})
	if err != nil {
		for _, rel := range written {
			_ = os.Remove(filepath.Join(a.d.Config.UploadDir, rel))
		}
		return err
	}
	if imported > 0 {
		a.contentChanged(r.Context())
	}
	renderImport(w, &ImportResult{Imported: imported, Errors: errs}, false)
	return nil
}
