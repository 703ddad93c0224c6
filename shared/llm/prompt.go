package llm

import (
	"crypto/sha256"
	"encoding/hex"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PromptVersion names the wording of the prompts below. It is part of
// every cache key, so changing the wording must change it too: answers
// written for an older prompt are then no longer served.
const PromptVersion = "explain-v1"

// maxPromptOptions caps how many options reach the prompt; longer lists
// are almost always import mistakes and only cost tokens.
const maxPromptOptions = 10

// Rune limits of each part of the prompt. Inline questions come from the
// client (up to the 16 MiB body cap), so the prompt's size — and the
// provider's bill — is bounded here; real questions fit well within.
const (
	maxStemRunes        = 6000
	maxOptionRunes      = 500
	maxAnswerRunes      = 2000
	maxExplanationRunes = 3000
)

// Option is one answer choice of a question, already normalised to a key
// (letter) and its text.
type Option struct {
	Key   string
	Value string
}

// Question is what the model is told about a question.
type Question struct {
	Type        string // q_type as stored, e.g. 选择题
	Content     string // the stem; may contain HTML
	Options     []Option
	Answer      string // the reference answer
	Explanation string // an explanation already stored with the question
	UserAnswer  string // what the learner answered, when known
}

// Prompt is the pair of chat messages sent to the model.
type Prompt struct {
	System string
	User   string
}

// Hash identifies the prompt's exact text together with PromptVersion;
// two requests that would send the same messages share a hash.
func (p Prompt) Hash() string {
	h := sha256.New()
	for _, part := range []string{PromptVersion, p.System, p.User} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Language is the language a prompt is written in.
type Language int

// The languages prompts exist in.
const (
	Chinese Language = iota
	English
)

// DetectLanguage picks the language of the question's own text: any Han
// character makes it Chinese; Latin letters without Han make it English;
// text with neither (formulas, numbers) stays Chinese, the product's
// language.
func DetectLanguage(q Question) Language {
	var latin bool
	check := func(s string) bool {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return true
			}
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				latin = true
			}
		}
		return false
	}
	texts := []string{StripHTML(q.Content), q.Answer, q.Explanation}
	for _, o := range q.Options {
		texts = append(texts, o.Value)
	}
	for _, s := range texts {
		if check(s) {
			return Chinese
		}
	}
	if latin {
		return English
	}
	return Chinese
}

// wording holds one language's fixed phrases.
type wording struct {
	system, qType, stem, options, answer, existing, learner string
	steps                                                   []string
	wrongHint, brief                                        string
}

var wordings = map[Language]wording{
	Chinese: {
		system:   "你是一位经验丰富的考试辅导老师，讲解题目时使用中文，条理清楚、要点分明、准确而简练。",
		qType:    "题型：",
		stem:     "题目：",
		options:  "选项：",
		answer:   "参考答案：",
		existing: "题库中已有的解析（可参考，如有错误请纠正）：",
		learner:  "学生的作答：",
		steps: []string{
			"请按下面的顺序讲解：",
			"1) 用一两句话点明本题考查的知识点；",
			"2) 写出正确答案或最终结论；",
			"3) 分步骤说明得出答案的理由；",
			"4) 列出一到两个常见的错误思路。",
		},
		wrongHint: "如果学生的作答与参考答案不一致，请说明错在哪里。",
		brief:     "请控制篇幅，不要展开与本题无关的内容。",
	},
	English: {
		system:   "You are an experienced exam tutor. Explain questions in English, point by point, accurately and concisely.",
		qType:    "Question type: ",
		stem:     "Question: ",
		options:  "Options:",
		answer:   "Reference answer: ",
		existing: "Explanation already in the question bank (use it, correct it if it is wrong):",
		learner:  "The learner answered: ",
		steps: []string{
			"Explain in this order:",
			"1) in one or two sentences, the knowledge point being tested;",
			"2) the correct answer or conclusion;",
			"3) the reasoning, step by step;",
			"4) one or two common mistakes.",
		},
		wrongHint: "If the learner's answer differs from the reference answer, say where it goes wrong.",
		brief:     "Keep it short and stay on this question.",
	},
}

// Build writes the prompt for q in q's language.
func Build(q Question) Prompt {
	w := wordings[DetectLanguage(q)]
	var lines []string
	if t := clip(strings.TrimSpace(q.Type), 20); t != "" {
		lines = append(lines, w.qType+t)
	}
	lines = append(lines, w.stem+clip(cleanText(q.Content), maxStemRunes))
	if len(q.Options) > 0 {
		lines = append(lines, "", w.options)
		for i, o := range q.Options {
			if i == maxPromptOptions {
				break
			}
			v := clip(cleanText(o.Value), maxOptionRunes)
			if o.Key != "" {
				v = clip(o.Key, 8) + ". " + v
			}
			lines = append(lines, v)
		}
	}
	if a := clip(strings.TrimSpace(q.Answer), maxAnswerRunes); a != "" {
		lines = append(lines, "", w.answer+a)
	}
	if e := clip(cleanText(q.Explanation), maxExplanationRunes); e != "" {
		lines = append(lines, "", w.existing, e)
	}
	userAnswer := clip(strings.TrimSpace(q.UserAnswer), maxAnswerRunes)
	if userAnswer != "" {
		lines = append(lines, "", w.learner+userAnswer)
	}
	lines = append(lines, "")
	lines = append(lines, w.steps...)
	if userAnswer != "" {
		lines = append(lines, w.wrongHint)
	}
	lines = append(lines, w.brief)
	return Prompt{System: w.system, User: strings.Join(lines, "\n")}
}

var (
	tagPattern      = regexp.MustCompile(`(?s)<[^>]*>`)
	manyNewlines    = regexp.MustCompile(`\n{3,}`)
	breakTagPattern = regexp.MustCompile(`(?i)<br\s*/?>`)
)

// StripHTML removes tags (a <br> becomes a newline) and decodes entities,
// since stems written by the web editor are HTML.
func StripHTML(s string) string {
	s = breakTagPattern.ReplaceAllString(s, "\n")
	s = tagPattern.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// cleanText is a stem or option as the model should read it: no HTML,
// Unix newlines, at most one blank line in a row, no outer blanks.
func cleanText(s string) string {
	s = StripHTML(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = manyNewlines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}

// clip keeps the first n runes of s, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
