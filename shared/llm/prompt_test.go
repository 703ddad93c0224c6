package llm_test

import (
	"strings"
	"testing"

	"quizbank/shared/llm"
)

func TestBuildChinese(t *testing.T) {
	q := llm.Question{
		Type:    "选择题",
		Content: "<p>下列哪个是&nbsp;<b>传输层</b>协议？</p>\r\n\r\n\r\n\r\n（单选）",
		Options: []llm.Option{{"A", "HTTP"}, {"B", "<i>TCP</i>"}, {"", "IP"}},
		Answer:  "B",
	}
	p := llm.Build(q)
	if !strings.Contains(p.System, "中文") {
		t.Errorf("system prompt should ask for Chinese: %q", p.System)
	}
	want := strings.Join([]string{
		"题型：选择题",
		"题目：下列哪个是\u00a0传输层协议？\n\n（单选）",
		"",
		"选项：",
		"A. HTTP",
		"B. TCP",
		"IP",
		"",
		"参考答案：B",
		"",
	}, "\n")
	if !strings.HasPrefix(p.User, want) {
		t.Fatalf("user prompt =\n%s\nwant prefix\n%s", p.User, want)
	}
	if strings.Contains(p.User, "学生的作答") {
		t.Errorf("no user answer was given: %s", p.User)
	}
}

func TestBuildEnglishWithUserAnswerAndExplanation(t *testing.T) {
	q := llm.Question{
		Type:        "选择题",
		Content:     "Which layer does TCP belong to?",
		Options:     []llm.Option{{"A", "Network"}, {"B", "Transport"}},
		Answer:      "B",
		Explanation: "TCP is a transport protocol.",
		UserAnswer:  "A",
	}
	if llm.DetectLanguage(q) != llm.English {
		t.Fatal("Latin-only text should be English")
	}
	p := llm.Build(q)
	for _, s := range []string{"Question: Which layer", "A. Network", "Reference answer: B",
		"TCP is a transport protocol.", "The learner answered: A", "where it goes wrong"} {
		if !strings.Contains(p.User, s) {
			t.Errorf("user prompt lacks %q:\n%s", s, p.User)
		}
	}
	if !strings.Contains(p.System, "English") {
		t.Errorf("system = %q", p.System)
	}
}

func TestDetectLanguageFormulaStaysChinese(t *testing.T) {
	if got := llm.DetectLanguage(llm.Question{Content: "1+1=?", Options: []llm.Option{{"A", "1"}, {"B", "2"}}}); got != llm.Chinese {
		t.Errorf("got %v, want Chinese", got)
	}
	if got := llm.DetectLanguage(llm.Question{Content: "CPU 的全称是？"}); got != llm.Chinese {
		t.Errorf("mixed text: got %v, want Chinese", got)
	}
}

func TestBuildCapsOptionsAt10(t *testing.T) {
	var opts []llm.Option
	for i := 0; i < 14; i++ {
		opts = append(opts, llm.Option{Key: string(rune('A' + i)), Value: "x"})
	}
	p := llm.Build(llm.Question{Content: "题", Options: opts})
	if !strings.Contains(p.User, "J. x") || strings.Contains(p.User, "K. x") {
		t.Errorf("want options A–J only:\n%s", p.User)
	}
}

func TestHashFollowsTheText(t *testing.T) {
	a := llm.Build(llm.Question{Content: "题目一", Answer: "A"})
	b := llm.Build(llm.Question{Content: "题目一", Answer: "A", UserAnswer: "B"})
	if a.Hash() == b.Hash() {
		t.Error("a user answer changes the prompt, so it must change the hash")
	}
	if a.Hash() != llm.Build(llm.Question{Content: "题目一", Answer: "A"}).Hash() {
		t.Error("the same question must hash the same")
	}
}

func TestBuildBoundsThePromptSize(t *testing.T) {
	huge := strings.Repeat("很长的题干", 100000)
	p := llm.Build(llm.Question{Content: huge, Answer: huge, Explanation: huge, UserAnswer: huge,
		Options: []llm.Option{{Key: "A", Value: huge}}})
	if n := len([]rune(p.User)); n > 15000 {
		t.Errorf("prompt has %d runes", n)
	}
	if !strings.Contains(p.User, "…") {
		t.Error("a cut should be marked")
	}
}
