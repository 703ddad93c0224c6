package grade

import (
	"testing"

	"quizbank/shared/question"
)

func TestCorrect(t *testing.T) {
	tests := []struct {
		qtype, standard, answer string
		want                    bool
	}{
		{question.Single, "B", "B", true},
		{question.Single, "B", "b", true},
		{question.Single, "B", " Ｂ ", true},
		{question.Single, "B", "C", false},
		{question.Single, "B", "", false},
		{question.Multiple, "ABC", "CBA", true},
		{question.Multiple, "ABC", "a, b, c", true},
		{question.Multiple, "ABC", "A;B;C", true},
		{question.Multiple, "ABC", "AB", false},
		{question.Multiple, "ABC", "ABCD", false},
		{question.Multiple, "", "", false},
		{question.TrueFalse, "正确", "正确", true},
		{question.TrueFalse, "正确", "对", true},
		{question.TrueFalse, "正确", "√", true},
		{question.TrueFalse, "正确", "T", true},
		{question.TrueFalse, "正确", "true", true},
		{question.TrueFalse, "错误", "×", true},
		{question.TrueFalse, "错误", "F", true},
		{question.TrueFalse, "错误", "false", true},
		{question.TrueFalse, "错误", "错", true},
		{question.TrueFalse, "正确", "错误", false},
		{question.TrueFalse, "正确", "", false},
		{question.TrueFalse, "正确", "maybe", false},
		{question.FillBlank, "go;;channel", `["go","channel"]`, true},
		{question.FillBlank, "go;;channel", "go;;channel", true},
		{question.FillBlank, "go;;channel", "GO;;Channel", true},
		{question.FillBlank, "go;;channel", "ｇｏ；；channel", true},
		{question.FillBlank, "go;;channel", "go;;chan", false},
		{question.FillBlank, "go;;channel", "go", false},
		{question.FillBlank, "go;;channel", `["go",""]`, false},
		{question.FillBlank, "存储;内存", "内存", true},
		{question.FillBlank, "存储；内存", " 存储 ", true},
		{question.FillBlank, "先进先出;FIFO;;后进先出;LIFO", `["fifo","后进先出"]`, true},
		{question.FillBlank, "先进先出;FIFO；；后进先出;LIFO", `["FIFO","LIFO"]`, true},
		{question.FillBlank, "先进先出;FIFO;;后进先出;LIFO", `["FIFO"]`, false},
		{question.FillBlank, "北京", "", false},
		{question.Essay, "anything", "some text", true},
		{question.Essay, "anything", "   ", false},
		{"简答题", "x", "y", true},
		{"计算题", "x", "", false},
	}
	for _, tc := range tests {
		if got := Correct(tc.qtype, tc.standard, tc.answer); got != tc.want {
			t.Errorf("Correct(%s, %q, %q) = %v, want %v", tc.qtype, tc.standard, tc.answer, got, tc.want)
		}
	}
}

func TestScorePartialCredit(t *testing.T) {
	if s, ok := Score(question.Multiple, "ABCD", "AB", 4, Policy{}); s != 0 || ok {
		t.Fatalf("partial answer without the policy scored %v %v", s, ok)
	}
	if s, ok := Score(question.Multiple, "ABCD", "AB", 4, Policy{PartialCredit: true}); s != 2 || ok {
		t.Fatalf("partial credit = %v %v, want 2 false", s, ok)
	}
	if s, _ := Score(question.Multiple, "ABCD", "AE", 4, Policy{PartialCredit: true}); s != 0 {
		t.Fatalf("a wrong letter still earned %v", s)
	}
	if s, ok := Score(question.Multiple, "ABCD", "DCBA", 4, Policy{PartialCredit: true}); s != 4 || !ok {
		t.Fatalf("full answer = %v %v", s, ok)
	}
	if s, _ := Score(question.Single, "A", "B", 4, Policy{PartialCredit: true}); s != 0 {
		t.Fatalf("single choice got partial credit %v", s)
	}
}
