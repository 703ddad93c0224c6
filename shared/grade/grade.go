// Package grade decides whether an answer is right, per question type, in
// one place: practice and exams both call it, and the README's grading
// table describes exactly these rules.
package grade

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"quizbank/shared/question"
)

// Correct reports whether answer is right for a question of qtype whose
// reference answer is standard.
func Correct(qtype, standard, answer string) bool {
	switch qtype {
	case question.Single, question.Multiple:
		return choice(standard, answer)
	case question.TrueFalse:
		return trueFalse(standard, answer)
	case question.FillBlank:
		return fill(standard, answer)
	default:
		// No manual grading exists: any non-empty text counts (api.md §2.8).
		return strings.TrimSpace(answer) != ""
	}
}

// Policy adjusts exam scoring.
type Policy struct {
	// PartialCredit gives a multiple-choice answer that picks only right
	// letters the share of the points those letters make up (off by
	// default; any wrong letter still scores 0).
	PartialCredit bool
}

// Score is the points an answer earns out of points, and whether it is
// fully correct.
func Score(qtype, standard, answer string, points float64, p Policy) (float64, bool) {
	if Correct(qtype, standard, answer) {
		return points, true
	}
	if p.PartialCredit && qtype == question.Multiple {
		want, got := letters(standard), letters(answer)
		if len(got) == 0 || len(want) == 0 {
			return 0, false
		}
		for _, l := range got {
			if !slices.Contains(want, l) {
				return 0, false
			}
		}
		return points * float64(len(got)) / float64(len(want)), false
	}
	return 0, false
}

// letters is the sorted set of option letters in s: case, order, spaces
// and separators do not matter ("b, a" = "AB").
func letters(s string) []string {
	var out []string
	for _, r := range fold(s) {
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		if r < 'A' || r > 'Z' {
			continue
		}
		if l := string(r); !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return out
}

func choice(standard, answer string) bool {
	want := letters(standard)
	return len(want) > 0 && slices.Equal(want, letters(answer))
}

// truthWords are the spellings of true and false the clients send.
var truthWords = map[string]bool{
	"正确": true, "对": true, "√": true, "✓": true, "✔": true, "t": true, "true": true, "是": true, "y": true, "yes": true,
	"错误": false, "错": false, "×": false, "✗": false, "✘": false, "x": false, "f": false, "false": false, "否": false, "n": false, "no": false,
}

func truth(s string) (value, ok bool) {
	v, ok := truthWords[strings.ToLower(strings.TrimSpace(fold(s)))]
	return v, ok
}

func trueFalse(standard, answer string) bool {
	want, ok1 := truth(standard)
	got, ok2 := truth(answer)
	if !ok1 || !ok2 {
		a, b := strings.TrimSpace(standard), strings.TrimSpace(answer)
		return a != "" && a == b
	}
	return want == got
}

// Blanks splits a fill-in reference answer into its blanks, each a list
// of accepted alternatives: ";;" (or "；；") between blanks, ";" (or "；")
// between alternatives, blank alternatives dropped.
func Blanks(standard string) [][]string {
	s := strings.ReplaceAll(standard, "；", ";")
	var out [][]string
	for _, blank := range strings.Split(s, ";;") {
		var alts []string
		for _, a := range strings.Split(blank, ";") {
			if a = strings.TrimSpace(a); a != "" {
				alts = append(alts, a)
			}
		}
		if len(alts) == 0 {
			alts = []string{strings.TrimSpace(blank)}
		}
		out = append(out, alts)
	}
	return out
}

// userBlanks reads a fill-in answer: a JSON array of strings (one per
// blank, the mini-program's form) or text with ";;" between blanks.
func userBlanks(answer string) []string {
	s := strings.TrimSpace(answer)
	if strings.HasPrefix(s, "[") {
		var list []any
		if err := json.Unmarshal([]byte(s), &list); err == nil {
			out := make([]string, len(list))
			for i, v := range list {
				switch x := v.(type) {
				case string:
					out[i] = x
				case float64:
					b, _ := json.Marshal(x)
					out[i] = string(b)
				}
			}
			return out
		}
	}
	return strings.Split(strings.ReplaceAll(s, "；；", ";;"), ";;")
}

func fill(standard, answer string) bool {
	blanks := Blanks(standard)
	got := userBlanks(answer)
	if len(got) != len(blanks) {
		return false
	}
	for i, alts := range blanks {
		g := comparable(got[i])
		if g == "" {
			return false
		}
		ok := false
		for _, a := range alts {
			if comparable(a) == g {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// comparable is a blank as compared: full-width folded to half-width,
// trimmed, inner runs of spaces collapsed, ASCII letters lower-cased.
func comparable(s string) string {
	s = strings.Join(strings.Fields(fold(s)), " ")
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII {
			return unicode.ToLower(r)
		}
		return r
	}, s)
}

// fold maps full-width ASCII forms (ＡＢＣ，１２３) and the ideographic
// space to their half-width counterparts.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}
