package adminconfig

import (
	"bytes"
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"quizbank/shared/excel"
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/question"
	"quizbank/shared/store"
)

//go:embed assets/question_import_template.xlsx
var importTemplate []byte

func (a *api) downloadTemplate(w http.ResponseWriter, r *http.Request) error {
	sendFile(w, "question_import_template.xlsx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", importTemplate)
	return nil
}

// sendFile answers with an attachment; non-ASCII names go in filename*.
func sendFile(w http.ResponseWriter, name, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// ImportOptions tune an Excel import.
type ImportOptions struct {
	DryRun          bool  // validate and report, write nothing
	AllowDuplicates bool  // import rows that duplicate a stored question
	CreatedBy       int64 // the importing admin (0: none)
	// Progress, when set, is called every 1000 rows and at the end with
	// the number of rows written so far and the total.
	Progress func(done, total int)
}

// ImportResult is what an import did (or, for a dry run, would do).
type ImportResult struct {
	Imported        int
	Errors          []string // "第N行: …", row errors and skipped duplicates
	Duplicates      int
	CreatedSubjects []string
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// ImportWorkbook imports the question sheet of an .xlsx file in one
// transaction: valid rows go in, unknown subjects are created, row errors
// and duplicates (same subject, type, normalised stem and options) are
// reported with their row numbers. A refused file returns an
// *excel.FileError and leaves the database unchanged.
func ImportWorkbook(ctx context.Context, d *platform.Deps, data []byte, opt ImportOptions) (*ImportResult, error) {
	var recs []excel.Record
	rowErrs, err := excel.Read(data, excel.DefaultLimits, func(rec excel.Record) error {
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{}
	for _, e := range rowErrs {
		res.Errors = append(res.Errors, e.String())
	}
	at := store.Timestamp(d.Now())
	err = d.DB.InTx(ctx, func(tx *sql.Tx) error {
		ins, err := prepareInsert(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.Close()
		subjects := newSubjectCache(tx, at)
		var known []int64
		for _, rec := range recs {
			id, err := subjects.id(ctx, rec.Subject, false)
			if err != nil {
				return err
			}
			if id > 0 {
				known = append(known, id)
			}
		}
		seen, err := existingFingerprints(ctx, tx, dedupe(known))
		if err != nil {
			return err
		}
		inFile := map[string]int{}
		for i, rec := range recs {
			sid, refusal, err := subjects.resolve(ctx, rec.Subject)
			if err != nil {
				return err
			}
			if refusal != "" {
				res.Errors = append(res.Errors, fmt.Sprintf("第%d行: %s", rec.Row, refusal))
				continue
			}
			opts := optionsJSON(rec.Options)
			fp := Fingerprint(sid, rec.QType, rec.Content, opts)
			if !opt.AllowDuplicates {
				if id, dup := seen[fp]; dup {
					res.Duplicates++
					res.Errors = append(res.Errors, fmt.Sprintf("第%d行: 与已有题目 #%d 重复，已跳过", rec.Row, id))
					continue
				}
				if row, dup := inFile[fp]; dup {
					res.Duplicates++
					res.Errors = append(res.Errors, fmt.Sprintf("第%d行: 与第%d行重复，已跳过", rec.Row, row))
					continue
				}
			}
			inFile[fp] = rec.Row
			q := NewQuestion{QType: rec.QType, Content: rec.Content, Options: opts, Answer: rec.Answer,
				Explanation: rec.Explanation, Difficulty: 1, CreatedBy: opt.CreatedBy, CreatedAt: at, UpdatedAt: at}
			if _, err := insertQuestion(ctx, ins, sid, q); err != nil {
				return err
			}
			res.Imported++
			if opt.Progress != nil && (i+1)%1000 == 0 {
				opt.Progress(i+1, len(recs))
			}
		}
		res.CreatedSubjects = subjects.created
		if opt.Progress != nil {
			opt.Progress(len(recs), len(recs))
		}
		if opt.DryRun {
			return errDryRun
		}
		if res.Imported > 0 {
			return question.BumpStored(ctx, tx)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	if err == nil && res.Imported > 0 {
		question.Changed()
	}
	return res, nil
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func optionsJSON(opts []string) string {
	if len(opts) == 0 {
		return "[]"
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, o := range opts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(jsonString(o))
	}
	b.WriteByte(']')
	return b.String()
}

// readUpload reads the "file" part, checking its extension.
func readUpload(r *http.Request, ext, wrongExt string) ([]byte, string, error) {
	data, name, err := formFile(r)
	if err != nil {
		return nil, "", err
	}
	if !strings.EqualFold(filepath.Ext(name), ext) {
		return nil, "", httpx.BadRequest(wrongExt)
	}
	if len(data) == 0 {
		return nil, "", httpx.BadRequest("文件为空")
	}
	return data, name, nil
}

func (a *api) importExcel(w http.ResponseWriter, r *http.Request) error {
	data, _, err := readUpload(r, ".xlsx", "只允许上传 .xlsx 文件")
	if err != nil {
		return err
	}
	opt := ImportOptions{DryRun: truthy(r.FormValue("dry_run")), AllowDuplicates: truthy(r.FormValue("allow_duplicates")),
		CreatedBy: callerID(r)}
	res, err := ImportWorkbook(r.Context(), a.d, data, opt)
	if excel.IsFileError(err) {
		return httpx.BadRequest(err.Error())
	}
	if err != nil {
		return err
	}
	if !opt.DryRun && res.Imported > 0 {
		a.contentChanged(r.Context())
	}
	a.d.Logger.InfoContext(r.Context(), "excel import", "imported", res.Imported, "errors", len(res.Errors),
		"dry_run", opt.DryRun, "by", callerID(r))
	renderImport(w, res, opt.DryRun)
	return nil
}

func renderImport(w http.ResponseWriter, res *ImportResult, dryRun bool) {
	status, msg := "success", fmt.Sprintf("成功导入 %d 道题。", res.Imported)
	if dryRun {
		msg = fmt.Sprintf("检查完成：可导入 %d 道题（未写入）。", res.Imported)
	}
	if len(res.Errors) > 0 {
		status = "warning"
		msg += fmt.Sprintf(" %d 行未导入，请查看错误列表。", len(res.Errors))
	}
	errs := res.Errors
	if errs == nil {
		errs = []string{}
	}
	body := httpx.M{"status": status, "message": msg, "imported_count": res.Imported, "errors": errs}
	if dryRun {
		body["dry_run"] = true
	}
	httpx.WriteJSON(w, http.StatusOK, body)
}

// ExportQuestions loads the questions to export in the workbook layout;
// subjectID 0 and qtype "" or "all" mean every one.
func ExportQuestions(ctx context.Context, db queryer, subjectID int64, qtype string) ([]excel.Question, string, error) {
	where, args := []string{"1 = 1"}, []any{}
	if subjectID > 0 {
		where, args = append(where, "q.subject_id = ?"), append(args, subjectID)
	}
	if qtype != "" && qtype != "all" {
		where, args = append(where, "q.q_type = ?"), append(args, qtype)
	}
	rows, err := db.QueryContext(ctx, `SELECT COALESCE(s.name, ''), q.q_type, q.content, q.options, q.answer,
		q.explanation FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY q.id`, args...)
	if err != nil {
		return nil, "", fmt.Errorf("export questions: %w", err)
	}
	defer rows.Close()
	var out []excel.Question
	subject := ""
	for rows.Next() {
		var q excel.Question
		var options string
		if err := rows.Scan(&q.Subject, &q.QType, &q.Content, &options, &q.Answer, &q.Explanation); err != nil {
			return nil, "", err
		}
		for _, o := range ParseOptions(options) {
			q.Options = append(q.Options, excel.Choice{Key: o.Key, Value: o.Value})
		}
		subject = q.Subject
		out = append(out, q)
	}
	if subjectID == 0 {
		subject = "all_subjects"
	}
	return out, subject, rows.Err()
}

func (a *api) exportExcel(w http.ResponseWriter, r *http.Request) error {
	qs, subject, err := ExportQuestions(r.Context(), a.d.DB, queryInt(r, "subject_id", 0), r.URL.Query().Get("type"))
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return httpx.BadRequest("没有可导出的题目")
	}
	var buf bytes.Buffer
	if err := excel.Write(&buf, qs); err != nil {
		return err
	}
	name := fmt.Sprintf("questions_export_%s_%s.xlsx", fileSafe(subject), time.Now().Format("20060102_150405"))
	sendFile(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	return nil
}

// fileSafe keeps a subject name usable inside a file name.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
	if s == "" {
		return "all_subjects"
	}
	return s
}
