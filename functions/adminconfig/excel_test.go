package adminconfig_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"quizbank/functions/adminconfig"
)

type storedQuestion struct {
	Subject, QType, Content, Answer, Explanation string
	Options                                      []adminconfig.Option
}

func (s *site) bank(t *testing.T) []storedQuestion {
	t.Helper()
	rows, err := s.env.Deps.DB.Query(`SELECT COALESCE(s.name, ''), q.q_type, q.content, q.options, q.answer,
		q.explanation FROM questions q LEFT JOIN subjects s ON s.id = q.subject_id ORDER BY q.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedQuestion
	for rows.Next() {
		var q storedQuestion
		var opts string
		if err := rows.Scan(&q.Subject, &q.QType, &q.Content, &opts, &q.Answer, &q.Explanation); err != nil {
			t.Fatal(err)
		}
		if !json.Valid([]byte(opts)) {
			t.Fatalf("options are not JSON: %s", opts)
		}
		q.Options = adminconfig.ParseOptions(opts)
		out = append(out, q)
	}
	return out
}

func opts(vals ...string) []adminconfig.Option {
	var out []adminconfig.Option
	for i, v := range vals {
		out = append(out, adminconfig.Option{Key: string(rune('A' + i)), Value: v})
	}
	return out
}

// TestExcelRoundTrip imports the template through the API, checks its six
// questions, exports them, and imports the export into an empty database.
func TestExcelRoundTrip(t *testing.T) {
	s := newSite(t)
	r := s.upload(t, "/admin/api/questions/import/excel", "question_import_template.xlsx", fixture(t), nil)
	if r.Status != 200 || r.JSON["status"] != "success" || r.JSON["imported_count"] != float64(6) {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	got := s.bank(t)
	if len(got) != 6 {
		t.Fatalf("%d questions, want 6", len(got))
	}
	want := []struct {
		subject, qtype, stemPart, answer string
		options                          []adminconfig.Option
	}{
		{"计算机网络", "选择题", "不属于应用层协议", "C", opts("HTTP", "FTP", "TCP", "DNS")},
		{"计算机网络", "多选题", "TCP协议提供的服务", "ABC", opts("面向连接", "流量控制", "拥塞控制", "不可靠传输")},
		{"操作系统", "判断题", "进程是资源分配的基本单位", "正确", nil},
		{"操作系统", "填空题", "处理器管理、__管理", "存储;内存", nil},
		{"数据结构", "填空题", "队列是一种__的线性表，栈是一种__的线性表", "先进先出;FIFO;;后进先出;LIFO", nil},
		{"数据结构", "问答题", "三次握手", "", nil},
	}
	for i, w := range want {
		g := got[i]
		if g.Subject != w.subject || g.QType != w.qtype || !strings.Contains(g.Content, w.stemPart) {
			t.Errorf("question %d: %+v", i+1, g)
		}
		if w.answer != "" && g.Answer != w.answer {
			t.Errorf("question %d answer %q, want %q", i+1, g.Answer, w.answer)
		}
		if len(g.Options)+len(w.options) > 0 && !reflect.DeepEqual(g.Options, w.options) {
			t.Errorf("question %d options %+v, want %+v", i+1, g.Options, w.options)
		}
	}
	if !strings.HasPrefix(got[5].Answer, "第一次握手") || got[0].Explanation == "" {
		t.Errorf("essay answer / explanation lost: %+v %+v", got[5], got[0])
	}
	var subjects int64 = s.count(t, `SELECT COUNT(*) FROM subjects`)
	if subjects != 3 {
		t.Errorf("%d subjects, want 3", subjects)
	}

	// Export and re-import into a fresh database.
	exp := s.call(t, "GET", "/admin/api/questions/export/excel", nil)
	if exp.Status != 200 || !strings.Contains(exp.Header.Get("Content-Disposition"), "questions_export_all_subjects_") {
		t.Fatalf("export: %d %v", exp.Status, exp.Header)
	}
	fresh := newSite(t)
	r = fresh.upload(t, "/admin/api/questions/import/excel", "export.xlsx", exp.Raw, nil)
	if r.Status != 200 || r.JSON["imported_count"] != float64(6) {
		t.Fatalf("re-import: %d %s", r.Status, r.Raw)
	}
	if again := fresh.bank(t); !reflect.DeepEqual(again, got) {
		t.Errorf("round trip changed the questions:\n got %+v\nwant %+v", again, got)
	}

	// Importing the same file again flags every row as a duplicate.
	r = s.upload(t, "/admin/api/questions/import/excel", "question_import_template.xlsx", fixture(t), nil)
	if r.JSON["status"] != "warning" || r.JSON["imported_count"] != float64(0) || len(r.JSON["errors"].([]any)) != 6 {
		t.Errorf("duplicate import: %s", r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions`); n != 6 {
		t.Errorf("%d questions after duplicate import", n)
	}
}

func TestExcelDryRun(t *testing.T) {
	s := newSite(t)
	r := s.upload(t, "/admin/api/questions/import/excel", "t.xlsx", fixture(t), nil, "dry_run", "1")
	if r.Status != 200 || r.JSON["imported_count"] != float64(6) || r.JSON["dry_run"] != true {
		t.Fatalf("dry run: %d %s", r.Status, r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions`) + s.count(t, `SELECT COUNT(*) FROM subjects`); n != 0 {
		t.Errorf("dry run wrote %d rows", n)
	}
}

func TestExportExcelEmpty(t *testing.T) {
	s := newSite(t)
	r := s.call(t, "GET", "/admin/api/questions/export/excel?subject_id=9", nil)
	if r.Status != http.StatusBadRequest || r.JSON["status"] != "error" {
		t.Errorf("empty export: %d %s", r.Status, r.Raw)
	}
}

func TestDownloadTemplate(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/admin/api/download_template", "/admin/download_template"} {
		r := s.call(t, "GET", p, nil)
		if r.Status != 200 || string(r.Raw) != string(fixture(t)) {
			t.Errorf("%s: %d, %d bytes", p, r.Status, len(r.Raw))
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "question_import_template.xlsx") {
			t.Errorf("%s: disposition %q", p, cd)
		}
	}
}

func TestExportWord(t *testing.T) {
	s := newSite(t)
	s.upload(t, "/admin/api/questions/import/excel", "t.xlsx", fixture(t), nil)
	r := s.call(t, "GET", "/admin/api/questions/export/word?type=选择题", nil)
	if r.Status != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), ".docx") {
		t.Fatalf("word: %d %v", r.Status, r.Header)
	}
	zr, err := zip.NewReader(bytes.NewReader(r.Raw), int64(len(r.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !strings.Contains(string(b), "下列哪个协议不属于应用层协议") || !strings.Contains(string(b), "答案：C") ||
				strings.Contains(string(b), "进程是资源分配") {
				t.Errorf("document: %.300s", b)
			}
			return
		}
	}
	t.Error("no word/document.xml")
}
