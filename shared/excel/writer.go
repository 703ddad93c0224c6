package excel

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Choice is one option of an exported question.
type Choice struct {
	Key   string // letter
	Value string
}

// Question is one exported row.
type Question struct {
	Subject     string
	QType       string
	Content     string
	Options     []Choice
	Answer      string // for 填空题: blanks joined by ";;"
	Explanation string
}

// letterIndex maps A…Z to 0…25 (-1 otherwise).
func letterIndex(k string) int {
	if len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z' {
		return int(k[0] - 'A')
	}
	return -1
}

// placeOptions puts each option in the column of its letter; options
// without a usable letter fill the next free column.
func placeOptions(opts []Choice) []string {
	var out []string
	set := func(i int, v string) {
		for len(out) <= i {
			out = append(out, "")
		}
		out[i] = v
	}
	for _, o := range opts {
		i := letterIndex(strings.ToUpper(strings.TrimSpace(o.Key)))
		if i < 0 || (i < len(out) && out[i] != "") {
			i = len(out)
		}
		set(i, o.Value)
	}
	return out
}

// Guide is the second sheet of the template, explaining the columns.
var Guide = [][2]string{
	{"subject", "科目名称（必填），不存在的科目会自动创建"},
	{"q_type", "题型（必填）：选择题、多选题、判断题、填空题、问答题"},
	{"content", "题干（必填），填空题用 __ 表示空位"},
	{"option_A…", "选项内容，仅选择题/多选题填写，不要加 A. 前缀"},
	{"answer", "答案：选择题填字母（多选如 ABC），判断题填 正确/错误，问答题填参考答案，填空题留空"},
	{"blank_1…", "填空题每个空一列，同一空的多个可接受答案用 ; 分隔"},
	{"explanation", "解析（可选）"},
}

// Write writes qs as a workbook in the template's layout, so that reading
// it back yields the same questions.
func Write(w io.Writer, qs []Question) error {
	nOpt, nBlank := 5, 2
	placed := make([][]string, len(qs))
	for i, q := range qs {
		if q.QType == Single || q.QType == Multiple {
			placed[i] = placeOptions(q.Options)
			nOpt = max(nOpt, len(placed[i]))
		}
		if q.QType == Blank {
			nBlank = max(nBlank, len(strings.Split(q.Answer, ";;")))
		}
	}
	if nOpt > 26 {
		return fmt.Errorf("a question has %d options; the layout holds 26", nOpt)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return fmt.Errorf("stream sheet: %w", err)
	}
	header := []any{"subject", "q_type", "content"}
	for i := 0; i < nOpt; i++ {
		header = append(header, "option_"+string(rune('A'+i)))
	}
	header = append(header, "answer")
	for i := 1; i <= nBlank; i++ {
		header = append(header, fmt.Sprintf("blank_%d", i))
	}
	header = append(header, "explanation")
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	row := make([]any, len(header))
	for i, q := range qs {
		for j := range row {
			row[j] = ""
		}
		row[0], row[1], row[2] = q.Subject, q.QType, q.Content
		for j, v := range placed[i] {
			row[3+j] = v
		}
		if q.QType == Blank {
			for j, b := range strings.Split(q.Answer, ";;") {
				row[3+nOpt+1+j] = b
			}
		} else {
			row[3+nOpt] = q.Answer
		}
		row[len(row)-1] = q.Explanation
		cellRef, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cellRef, row); err != nil {
			return fmt.Errorf("write row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush sheet: %w", err)
	}
	if _, err := f.NewSheet("填写说明"); err != nil {
		return fmt.Errorf("guide sheet: %w", err)
	}
	_ = f.SetSheetRow("填写说明", "A1", &[]any{"列名", "说明"})
	for i, g := range Guide {
		_ = f.SetSheetRow("填写说明", fmt.Sprintf("A%d", i+2), &[]any{g[0], g[1]})
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
