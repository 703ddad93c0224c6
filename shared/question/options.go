package question

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Option is one answer choice in the normalised {"key","value"} form
// every quiz and exam read endpoint returns.
type Option struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// trueFalseOptions are synthesised for a 判断题 stored without options.
func trueFalseOptions() []Option {
	return []Option{{Key: "正确", Value: "正确"}, {Key: "错误", Value: "错误"}}
}

// NormaliseOptions turns the stored options text, in any of its
// historical shapes, into keyed options. A leading letter or digit counts
// as a key only when a delimiter follows it, so "Apple" and "1.5" keep
// their text. When some option has no key (or keys repeat), every option
// is lettered A, B, C… by position; an option whose key was only
// separated by a space then keeps its whole text.
func NormaliseOptions(raw, qtype string) []Option {
	items := parseItems(raw)
	out := make([]Option, 0, len(items))
	positional := make([]string, 0, len(items))
	complete := len(items) > 0
	for _, it := range items {
		o, whole := normaliseItem(it)
		if o.Key == "" {
			complete = false
		}
		out = append(out, o)
		positional = append(positional, whole)
	}
	if !complete || hasDuplicateKeys(out) {
		for i := range out {
			out[i] = Option{Key: Letter(i), Value: positional[i]}
		}
	}
	if len(out) == 0 && qtype == TrueFalse {
		return trueFalseOptions()
	}
	return out
}

// Letter is the option key at position i: A…Z, then AA, AB….
func Letter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return Letter(i/26-1) + string(rune('A'+i%26))
}

func hasDuplicateKeys(opts []Option) bool {
	seen := map[string]bool{}
	for _, o := range opts {
		if o.Key == "" {
			continue
		}
		if seen[o.Key] {
			return true
		}
		seen[o.Key] = true
	}
	return false
}

// parseItems reads the stored text: a JSON array (of strings, numbers or
// objects), anything else non-blank as a single option.
func parseItems(raw string) []any {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return []any{s}
	}
	switch x := v.(type) {
	case []any:
		return x
	case string:
		// A JSON string that itself holds the array (double-encoded).
		if inner := strings.TrimSpace(x); strings.HasPrefix(inner, "[") {
			return parseItems(inner)
		}
		return nil
	}
	return nil
}

// normaliseItem reads one stored item. The second result is its text
// when options end up lettered by position.
func normaliseItem(it any) (Option, string) {
	switch x := it.(type) {
	case map[string]any:
		o := Option{Key: strings.TrimSpace(scalar(x["key"])), Value: strings.Trim(scalar(x["value"]), " \t")}
		return o, o.Value
	case string:
		return splitKeyed(x)
	case nil:
		return Option{}, ""
	default:
		return Option{Value: scalar(x)}, scalar(x)
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// keyDelims may follow an option key ("A.", "A、", "A．", "A:", "A：", "A)").
const keyDelims = ".、．:：)）"

// splitKeyed reads "A. text", "B、text", "c) text" or "D text" as keyed,
// and anything else ("Apple", "1.5", "中文") as an unkeyed value. The
// second result is the text to show if keys are assigned by position: the
// part after a punctuation delimiter, or the whole item otherwise.
func splitKeyed(s string) (Option, string) {
	t := strings.Trim(s, " \t\r\n\u3000")
	r, size := utf8.DecodeRuneInString(t)
	if size == 0 || !(isASCIILetter(r) || unicode.IsDigit(r)) {
		return Option{Value: t}, t
	}
	rest := t[size:]
	next, nsize := utf8.DecodeRuneInString(rest)
	if nsize == 0 {
		return Option{Value: t}, t
	}
	punct := strings.ContainsRune(keyDelims, next)
	if !punct && !unicode.IsSpace(next) {
		return Option{Value: t}, t
	}
	if unicode.IsDigit(r) && next == '.' {
		// "1.5" is a number, "1. text" an enumerated option.
		if n, _ := utf8.DecodeRuneInString(rest[nsize:]); unicode.IsDigit(n) {
			return Option{Value: t}, t
		}
	}
	value := strings.TrimLeft(rest[nsize:], " \t\u3000")
	o := Option{Key: strings.ToUpper(string(r)), Value: value}
	if punct {
		return o, value
	}
	return o, t
}

func isASCIILetter(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') }
