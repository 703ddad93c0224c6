package excel

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The five question types (api.md §0.7).
const (
	Single   = "选择题"
	Multiple = "多选题"
	TrueFals = "判断题"
	Blank    = "填空题"
	Essay    = "问答题"
)

var types = map[string]bool{Single: true, Multiple: true, TrueFals: true, Blank: true, Essay: true}

// Record is one valid question row.
type Record struct {
	Row         int // 1-based sheet row
	Subject     string
	QType       string
	Content     string
	Options     []string // stored form "A. text"; empty cells skipped, letters kept
	Answer      string   // letters, 正确/错误, reference text, or blanks joined by ";;"
	Explanation string
}

// RowError is a row the import skips, with its sheet row number.
type RowError struct {
	Row int
	Msg string
}

func (e RowError) String() string { return fmt.Sprintf("第%d行: %s", e.Row, e.Msg) }

// layout maps the header row to column indexes.
type layout struct {
	subject, qtype, content, answer, explanation int
	options                                      []int // sorted by letter
	blanks                                       []int // sorted by number
}

// suffixOrder sorts option_X / blank_N columns by their suffix: numbers
// numerically, letters alphabetically (so option_B < option_AA and
// blank_2 < blank_10).
func suffixOrder(s string) (int, string) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, ""
	}
	return 1 << 30, fmt.Sprintf("%08d%s", len(s), strings.ToUpper(s))
}

func parseHeader(cells []string) (layout, error) {
	l := layout{subject: -1, qtype: -1, content: -1, answer: -1, explanation: -1}
	type col struct {
		i   int
		num int
		key string
	}
	var opts, blanks []col
	for i, c := range cells {
		name := strings.ToLower(strings.TrimSpace(c))
		switch {
		case name == "subject":
			l.subject = i
		case name == "q_type":
			l.qtype = i
		case name == "content":
			l.content = i
		case name == "answer":
			l.answer = i
		case name == "explanation":
			l.explanation = i
		case strings.HasPrefix(name, "option_"):
			n, k := suffixOrder(name[len("option_"):])
			opts = append(opts, col{i, n, k})
		case strings.HasPrefix(name, "blank_"):
			n, k := suffixOrder(name[len("blank_"):])
			blanks = append(blanks, col{i, n, k})
		}
	}
	var missing []string
	for i, idx := range []int{l.subject, l.qtype, l.content} {
		if idx < 0 {
			missing = append(missing, []string{"subject", "q_type", "content"}[i])
		}
	}
	if len(missing) > 0 {
		return l, refuse("缺少必需的列: %s", strings.Join(missing, ", "))
	}
	less := func(s []col) func(i, j int) bool {
		return func(i, j int) bool {
			if s[i].num != s[j].num {
				return s[i].num < s[j].num
			}
			return s[i].key < s[j].key
		}
	}
	sort.SliceStable(opts, less(opts))
	sort.SliceStable(blanks, less(blanks))
	for _, c := range opts {
		l.options = append(l.options, c.i)
	}
	for _, c := range blanks {
		l.blanks = append(l.blanks, c.i)
	}
	return l, nil
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// trueFalse accepts the usual spellings of a true/false answer.
func trueFalse(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "正确", "对", "√", "true", "t", "yes", "1":
		return "正确", true
	case "错误", "错", "×", "false", "f", "no", "0":
		return "错误", true
	}
	return "", false
}

// record validates one data row.
func (l layout) record(row int, cells []string) (Record, *RowError) {
	r := Record{Row: row, Subject: cell(cells, l.subject), QType: cell(cells, l.qtype),
		Content: cell(cells, l.content), Explanation: cell(cells, l.explanation)}
	answer := cell(cells, l.answer)
	fail := func(format string, args ...any) (Record, *RowError) {
		return Record{}, &RowError{Row: row, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case r.Subject == "":
		return fail("科目不能为空")
	case r.QType == "":
		return fail("题型不能为空")
	case r.Content == "":
		return fail("题干不能为空")
	case !types[r.QType]:
		return fail("题型「%s」无效，只能是 选择题、多选题、判断题、填空题、问答题", r.QType)
	}
	switch r.QType {
	case Single, Multiple:
		letters := map[rune]bool{}
		for i, idx := range l.options {
			letter := rune('A' + i)
			if v := cell(cells, idx); v != "" {
				r.Options = append(r.Options, string(letter)+". "+v)
				letters[letter] = true
			}
		}
		if len(r.Options) == 0 {
			return fail("选择题至少需要一个选项")
		}
		ans := strings.ToUpper(strings.NewReplacer(",", "", "，", "", " ", "", "、", "").Replace(answer))
		if ans == "" {
			return fail("答案不能为空")
		}
		for _, c := range ans {
			if !letters[c] {
				return fail("答案「%s」中的 %c 不是已填写的选项", answer, c)
			}
		}
		if r.QType == Single && len([]rune(ans)) != 1 {
			return fail("单选题答案只能是一个选项字母")
		}
		if r.QType == Multiple && len([]rune(ans)) < 2 {
			return fail("多选题答案至少需要两个选项")
		}
		r.Answer = ans
	case Blank:
		var parts []string
		for _, idx := range l.blanks {
			if v := cell(cells, idx); v != "" {
				parts = append(parts, v)
			}
		}
		if len(parts) == 0 {
			return fail("填空题至少需要一个 blank_ 列的答案")
		}
		r.Answer = strings.Join(parts, ";;")
	case TrueFals:
		v, ok := trueFalse(answer)
		if !ok {
			return fail("判断题答案只能是 正确 或 错误")
		}
		r.Answer = v
	default:
		if answer == "" {
			return fail("答案不能为空")
		}
		r.Answer = answer
	}
	return r, nil
}

// Read checks data against lim, then streams the question sheet row by
// row: fn gets every valid row, and the row errors come back. A
// *FileError refuses the whole file; an error from fn stops the read.
func Read(data []byte, lim Limits, fn func(Record) error) ([]RowError, error) {
	if err := inspect(data, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.MaxUnpacked, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, refuse("无法读取工作簿: 文件已损坏或不是 .xlsx 格式")
	}
	defer f.Close()
	rows, err := f.Rows(SheetName)
	if err != nil {
		return nil, refuse("缺少工作表「%s」", SheetName)
	}
	defer rows.Close()
	var (
		l       layout
		header  bool
		errs    []RowError
		rowNum  int
		dataRow int
	)
	for rows.Next() {
		rowNum++
		cells, err := rows.Columns()
		if err != nil {
			return nil, refuse("工作表第 %d 行无法读取", rowNum)
		}
		for _, c := range cells {
			if len(c) > lim.MaxCellBytes {
				return nil, refuse("第%d行有单元格超过 %d KB", rowNum, lim.MaxCellBytes>>10)
			}
		}
		if !header {
			if blankRow(cells) {
				continue
			}
			if l, err = parseHeader(cells); err != nil {
				return nil, err
			}
			header = true
			continue
		}
		if blankRow(cells) {
			continue
		}
		dataRow++
		if dataRow > lim.MaxRows {
			return nil, refuse("题目过多（最多 %d 行）", lim.MaxRows)
		}
		rec, rerr := l.record(rowNum, cells)
		if rerr != nil {
			errs = append(errs, *rerr)
			continue
		}
		if err := fn(rec); err != nil {
			return errs, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, refuse("工作表「%s」已损坏", SheetName)
	}
	if !header {
		return nil, refuse("工作表「%s」是空的", SheetName)
	}
	if dataRow == 0 {
		return nil, refuse("工作表「%s」没有题目数据", SheetName)
	}
	return errs, nil
}

func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
