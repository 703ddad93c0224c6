package testkit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"quizbank/shared/store"
)

// SeededQuestion is one question a quiz helper inserted.
type SeededQuestion struct {
	ID          int64
	Subject     string
	QType       string
	Content     string
	Options     []string
	Answer      string
	Explanation string
}

// CreateSubject inserts a subject (or finds it) and returns its id.
func (e *Env) CreateSubject(name string, locked bool) int64 {
	e.T.Helper()
	id, err := ensureSubject(context.Background(), e.Deps.DB, name)
	if err != nil {
		e.T.Fatal(err)
	}
	if locked {
		if _, err := e.Deps.DB.Exec(`UPDATE subjects SET is_locked = 1 WHERE id = ?`, id); err != nil {
			e.T.Fatal(err)
		}
	}
	return id
}

func ensureSubject(ctx context.Context, db interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, name string) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `INSERT INTO subjects (name) VALUES (?)
		ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("subject %s: %w", name, err)
	}
	return id, nil
}

// InsertQuestion stores one question; options is the stored JSON text.
func (e *Env) InsertQuestion(subjectID int64, qtype, content, options, answer, explanation string) int64 {
	e.T.Helper()
	var id int64
	var subj any
	if subjectID > 0 {
		subj = subjectID
	}
	err := e.Deps.DB.QueryRow(`INSERT INTO questions (subject_id, content, q_type, options, answer, explanation)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, subj, content, qtype, options, answer, explanation).Scan(&id)
	if err != nil {
		e.T.Fatalf("insert question: %v", err)
	}
	return id
}

// ImportTemplate inserts the rows of ../shared/fixtures/question_import_template.xlsx
// the way the admin Excel import stores them: missing subjects created,
// choice options as a JSON array of their texts, fill-in blanks joined
// with ";;". It returns the questions in row order.
func (e *Env) ImportTemplate() []SeededQuestion {
	e.T.Helper()
	rows, err := readTemplate(filepath.Join(SharedDir(e.T), "fixtures", "question_import_template.xlsx"))
	if err != nil {
		e.T.Fatal(err)
	}
	for i := range rows {
		q := &rows[i]
		subjectID := e.CreateSubject(q.Subject, false)
		opts, _ := json.Marshal(q.Options)
		if q.Options == nil {
			opts = []byte("[]")
		}
		q.ID = e.InsertQuestion(subjectID, q.QType, q.Content, string(opts), q.Answer, q.Explanation)
	}
	return rows
}

// readTemplate reads the first sheet by its header names.
func readTemplate(path string) ([]SeededQuestion, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("open template: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("template has no sheets")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil || len(rows) < 2 {
		return nil, fmt.Errorf("read template rows: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	cell := func(r []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(r) {
			return "" // GetRows drops trailing empty cells
		}
		return strings.TrimSpace(r[i])
	}
	var out []SeededQuestion
	for _, r := range rows[1:] {
		q := SeededQuestion{Subject: cell(r, "subject"), QType: cell(r, "q_type"), Content: cell(r, "content"),
			Answer: cell(r, "answer"), Explanation: cell(r, "explanation")}
		if q.Content == "" {
			continue
		}
		for _, l := range "ABCDEFGH" {
			if v := cell(r, "option_"+string(l)); v != "" {
				q.Options = append(q.Options, v)
			}
		}
		var blanks []string
		for i := 1; i <= 10; i++ {
			if v := cell(r, fmt.Sprintf("blank_%d", i)); v != "" {
				blanks = append(blanks, v)
			}
		}
		if len(blanks) > 0 {
			q.Answer = strings.Join(blanks, ";;")
		}
		out = append(out, q)
	}
	return out, nil
}

// TranscriptBank builds the bank the recorded transcripts ran on: the
// subject of transcript 16, the five questions added in 21–25 (read from
// those files), then the template import of 27 — ids 1…11 as recorded.
func (e *Env) TranscriptBank() []SeededQuestion {
	e.T.Helper()
	var subj struct {
		Name string `json:"name"`
	}
	tr := LoadTranscript(e.T, 16)
	if err := json.Unmarshal(tr.Request.Body, &subj); err != nil || subj.Name == "" {
		e.T.Fatalf("transcript 16 body: %v", err)
	}
	subjectID := e.CreateSubject(subj.Name, false)
	var out []SeededQuestion
	for n := 21; n <= 25; n++ {
		var body struct {
			QType       string `json:"q_type"`
			Content     string `json:"content"`
			Options     string `json:"options"`
			Answer      string `json:"answer"`
			Explanation string `json:"explanation"`
		}
		tr := LoadTranscript(e.T, n)
		if err := json.Unmarshal(tr.Request.Body, &body); err != nil {
			e.T.Fatalf("transcript %d body: %v", n, err)
		}
		id := e.InsertQuestion(subjectID, body.QType, body.Content, body.Options, body.Answer, body.Explanation)
		out = append(out, SeededQuestion{ID: id, Subject: subj.Name, QType: body.QType, Content: body.Content,
			Answer: body.Answer, Explanation: body.Explanation})
	}
	return append(out, e.ImportTemplate()...)
}

// SeedBank fills db with n generated questions spread over m subjects
// ("科目01"…), cycling through the five types, in one transaction. It is
// for benchmarks and load tests; it returns the subject ids.
func SeedBank(ctx context.Context, db *store.DB, n, m int) ([]int64, error) {
	types := []string{"选择题", "多选题", "判断题", "填空题", "问答题"}
	var subjects []int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= m; i++ {
			id, err := ensureSubject(ctx, tx, fmt.Sprintf("科目%02d", i))
			if err != nil {
				return err
			}
			subjects = append(subjects, id)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO questions (subject_id, content, q_type, options, answer, explanation)
			VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i := 0; i < n; i++ {
			qt := types[i%len(types)]
			opts, answer := "[]", ""
			switch qt {
			case "选择题":
				opts, answer = `["A. 选项一 alpha","B. 选项二 beta","C. 选项三 gamma","D. 选项四 delta"]`, "ABCD"[i%4:i%4+1]
			case "多选题":
				opts, answer = `["A. 选项一","B. 选项二","C. 选项三","D. 选项四"]`, "AC"
			case "判断题":
				answer = "正确"
			case "填空题":
				answer = fmt.Sprintf("答案%d;;第二空%d", i, i)
			case "问答题":
				answer = "参考答案：" + strings.Repeat("要点。", 10)
			}
			content := fmt.Sprintf("第 %d 题：关于主题 %d 的题干，包含一些说明文字以接近真实长度。__ 关键词 kw%d", i+1, i%97, i)
			if _, err := stmt.ExecContext(ctx, subjects[i%m], content, qt, opts, answer,
				"解析："+strings.Repeat("这里是解析文字。", 4)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed bank: %w", err)
	}
	return subjects, nil
}

// SeedBankT is SeedBank for a test environment.
func (e *Env) SeedBankT(n, m int) []int64 {
	e.T.Helper()
	ids, err := SeedBank(context.Background(), e.Deps.DB, n, m)
	if err != nil {
		e.T.Fatal(err)
	}
	return ids
}
