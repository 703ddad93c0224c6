package adminconfig_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"quizbank/shared/excel"
)

var header = []any{"subject", "q_type", "content", "option_A", "option_B", "option_C", "option_D",
	"option_E", "answer", "blank_1", "blank_2", "explanation"}

// workbook builds an .xlsx with the given rows on sheet (header first),
// then lets edit change it before saving.
func workbook(t testing.TB, sheet string, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func goodRow(i int) []any {
	return []any{"科目", "选择题", fmt.Sprintf("第 %d 题的题干", i), "甲", "乙", "丙", "丁", "", "B", "", "", "解析"}
}

// rezip copies the fixture, replacing (or adding) entries.
func rezip(t testing.TB, replace map[string]func(w io.Writer)) []byte {
	t.Helper()
	src := fixture(t)
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	done := map[string]bool{}
	for _, f := range zr.File {
		w, _ := zw.Create(f.Name)
		if fn, ok := replace[f.Name]; ok {
			fn(w)
			done[f.Name] = true
			continue
		}
		rc, _ := f.Open()
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	for name, fn := range replace {
		if !done[name] {
			w, _ := zw.Create(name)
			fn(w)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bigSheet writes a sheet XML of about n bytes.
func bigSheet(n int) func(w io.Writer) {
	return func(w io.Writer) {
		_, _ = io.WriteString(w, `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		row := `<row><c t="inlineStr"><is><t>科目</t></is></c><c t="inlineStr"><is><t>问答题</t></is></c><c t="inlineStr"><is><t>题干题干题干</t></is></c></row>`
		for written := 0; written < n; written += len(row) {
			_, _ = io.WriteString(w, row)
		}
		_, _ = io.WriteString(w, `</sheetData></worksheet>`)
	}
}

// lyingZip has one entry whose header claims 4 GiB.
func lyingZip(t testing.TB) []byte {
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestCompression)
	_, _ = fw.Write(bytes.Repeat([]byte{'0'}, 1<<20))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/workbook.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(bytes.Repeat([]byte{'0'}, 1<<20)), CompressedSize64: uint64(raw.Len()),
		UncompressedSize64: 4 << 30})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(raw.Bytes())
	_ = zw.Close()
	return buf.Bytes()
}

func manyEntries(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < 5000; i++ {
		w, _ := zw.Create(fmt.Sprintf("xl/media/x%d.bin", i))
		_, _ = w.Write([]byte{1})
	}
	_ = zw.Close()
	return buf.Bytes()
}

func zeros(n int) func(w io.Writer) {
	return func(w io.Writer) {
		chunk := make([]byte, 1<<20)
		for i := 0; i < n>>20; i++ {
			_, _ = w.Write(chunk)
		}
	}
}

// TestHostileWorkbooks: every hostile upload gets a 4xx with a message and
// leaves the database unchanged.
func TestHostileWorkbooks(t *testing.T) {
	s := newSite(t)
	cases := []struct {
		name, file string
		data       func(t testing.TB) []byte
		want       string
	}{
		{"wrong extension", "questions.csv", func(t testing.TB) []byte { return []byte("subject,q_type\n") }, ".xlsx"},
		{"text named xlsx", "questions.xlsx", func(t testing.TB) []byte { return []byte("not a workbook at all\n") }, "不是有效"},
		{"empty file", "questions.xlsx", func(t testing.TB) []byte { return nil }, "文件为空"},
		{"no question sheet", "q.xlsx", func(t testing.TB) []byte { return workbook(t, "Sheet1", nil, nil) }, "缺少工作表"},
		{"empty sheet", "q.xlsx", func(t testing.TB) []byte { return workbook(t, excel.SheetName, nil, nil) }, "空的"},
		{"header only", "q.xlsx", func(t testing.TB) []byte {
			return workbook(t, excel.SheetName, [][]any{header}, nil)
		}, "没有题目"},
		{"missing columns", "q.xlsx", func(t testing.TB) []byte {
			return workbook(t, excel.SheetName, [][]any{{"subject", "answer"}, {"a", "b"}}, nil)
		}, "q_type, content"},
		{"formula", "q.xlsx", func(t testing.TB) []byte {
			return workbook(t, excel.SheetName, [][]any{header, goodRow(1), goodRow(2)}, func(f *excelize.File) {
				_ = f.SetCellFormula(excel.SheetName, "C3", `CONCAT("a","b")`)
			})
		}, "公式"},
		{"merged cells", "q.xlsx", func(t testing.TB) []byte {
			return workbook(t, excel.SheetName, [][]any{header, goodRow(1), goodRow(2)}, func(f *excelize.File) {
				_ = f.MergeCell(excel.SheetName, "A2", "A3")
			})
		}, "合并单元格"},
		{"1 MiB cell", "q.xlsx", func(t testing.TB) []byte {
			row := goodRow(1)
			row[2] = strings.Repeat("题", 1<<20/3+1)
			return workbook(t, excel.SheetName, [][]any{header, goodRow(2), row}, nil)
		}, "单元格超过"},
		{"50 MB sheet", "q.xlsx", func(t testing.TB) []byte {
			return rezip(t, map[string]func(io.Writer){"xl/worksheets/sheet1.xml": bigSheet(50 << 20)})
		}, "过大"},
		{"zip bomb (100 MB of zeros)", "q.xlsx", func(t testing.TB) []byte {
			return rezip(t, map[string]func(io.Writer){"xl/media/bomb.bin": zeros(100 << 20)})
		}, "过大"},
		{"zip bomb (lying header)", "q.xlsx", lyingZip, "过大"},
		{"zip bomb (entry count)", "q.xlsx", manyEntries, "过多"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.data(t)
			if len(data) > 16<<20 {
				t.Fatalf("test file is %d bytes, over the body cap", len(data))
			}
			r := s.upload(t, "/admin/api/questions/import/excel", c.file, data, nil)
			if r.Status < 400 || r.Status >= 500 || r.JSON["status"] != "error" {
				t.Fatalf("%d %s", r.Status, r.Raw)
			}
			if msg, _ := r.JSON["message"].(string); !strings.Contains(msg, c.want) {
				t.Errorf("message %q, want it to mention %q", msg, c.want)
			}
			if n := s.count(t, `SELECT (SELECT COUNT(*) FROM questions) + (SELECT COUNT(*) FROM subjects)`); n != 0 {
				t.Errorf("database changed: %d rows", n)
			}
		})
	}
}

// TestRowErrors: bad rows are reported with their sheet row numbers and
// good rows are imported.
func TestRowErrors(t *testing.T) {
	s := newSite(t)
	bad := func(f func(r []any)) []any { r := goodRow(9); f(r); return r }
	data := workbook(t, excel.SheetName, [][]any{header,
		goodRow(1),
		bad(func(r []any) { r[1] = "论述题" }),
		bad(func(r []any) { r[2] = "" }),
		bad(func(r []any) { r[8] = "Z" }),
		bad(func(r []any) { r[1] = "多选题"; r[8] = "A" }),
		bad(func(r []any) { r[1] = "填空题"; r[2] = "__ 是什么" }),
		bad(func(r []any) { r[1] = "判断题"; r[8] = "也许" }),
		goodRow(2),
	}, nil)
	r := s.upload(t, "/admin/api/questions/import/excel", "q.xlsx", data, nil)
	if r.Status != 200 || r.JSON["status"] != "warning" || r.JSON["imported_count"] != float64(2) {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	errs := r.JSON["errors"].([]any)
	for i, row := range []int{3, 4, 5, 6, 7, 8} {
		if i >= len(errs) || !strings.HasPrefix(errs[i].(string), fmt.Sprintf("第%d行", row)) {
			t.Errorf("errors %v: want row %d at %d", errs, row, i)
		}
	}
}
