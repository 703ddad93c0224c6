package excel_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"quizbank/shared/excel"
)

func book(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", excel.SheetName)
	for i, r := range rows {
		if err := f.SetSheetRow(excel.SheetName, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t *testing.T, data []byte) ([]excel.Record, []excel.RowError) {
	t.Helper()
	var recs []excel.Record
	errs, err := excel.Read(data, excel.DefaultLimits, func(r excel.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs, errs
}

// Columns may come in any order; blank_N sort numerically, so blank_10
// comes after blank_2 (the original sorted them as strings).
func TestColumnOrder(t *testing.T) {
	header := []any{"explanation", "blank_10", "content", "blank_2", "q_type", "subject", "option_B", "option_A", "answer"}
	data := book(t, [][]any{header,
		{"", "十", "x __ y __", "二", "填空题", "S", "", "", ""},
		{"e", "", "选哪个", "", "选择题", "S", "乙", "甲", "B"},
	})
	recs, errs := readAll(t, data)
	if len(errs) != 0 || len(recs) != 2 {
		t.Fatalf("recs %v errs %v", recs, errs)
	}
	if recs[0].Answer != "二;;十" || recs[0].Row != 2 {
		t.Errorf("blanks: %+v", recs[0])
	}
	if !reflect.DeepEqual(recs[1].Options, []string{"A. 甲", "B. 乙"}) || recs[1].Explanation != "e" {
		t.Errorf("options: %+v", recs[1])
	}
}

// Write then Read gives back the questions, including more than five
// options, more than two blanks and an option key gap.
func TestWriteReadRoundTrip(t *testing.T) {
	in := []excel.Question{
		{Subject: "S", QType: excel.Multiple, Content: "多", Answer: "AG", Explanation: "x",
			Options: []excel.Choice{{"A", "1"}, {"B", "2"}, {"C", "3"}, {"D", "4"}, {"E", "5"}, {"F", "6"}, {"G", "7"}}},
		{Subject: "S", QType: excel.Single, Content: "单", Answer: "C", Options: []excel.Choice{{"A", "a"}, {"C", "c"}}},
		{Subject: "T", QType: excel.Blank, Content: "__ __ __", Answer: "a;b;;c;;d"},
		{Subject: "T", QType: excel.TrueFals, Content: "对吗", Answer: "错误"},
		{Subject: "T", QType: excel.Essay, Content: "=SUM(A1:A2)", Answer: "多行\n答案"},
	}
	var buf bytes.Buffer
	if err := excel.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	recs, errs := readAll(t, buf.Bytes())
	if len(errs) != 0 || len(recs) != len(in) {
		t.Fatalf("recs %d errs %v", len(recs), errs)
	}
	if len(recs[0].Options) != 7 || recs[0].Options[6] != "G. 7" || recs[0].Answer != "AG" {
		t.Errorf("multi: %+v", recs[0])
	}
	if !reflect.DeepEqual(recs[1].Options, []string{"A. a", "C. c"}) {
		t.Errorf("gap: %+v", recs[1])
	}
	if recs[2].Answer != "a;b;;c;;d" || recs[3].Answer != "错误" {
		t.Errorf("blank/tf: %+v %+v", recs[2], recs[3])
	}
	if recs[4].Content != "=SUM(A1:A2)" || recs[4].Answer != "多行\n答案" {
		t.Errorf("text that looks like a formula: %+v", recs[4])
	}
}
