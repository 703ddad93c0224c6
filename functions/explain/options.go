package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"quizbank/shared/llm"
)

// keyedOption matches an option that names its own key: one Latin letter
// or a number of up to two digits, then a delimiter — "A. text",
// "B、text", "C：text", "D) text", "E text". A "." followed by a digit is
// a decimal point, not a delimiter ("1.5" is not option 1).
var keyedOption = regexp.MustCompile(`(?s)^\s*([A-Za-z]|[0-9]{1,2})(\s*[、．:：)）.]|\s)(\s*)(.*)$`)

// splitKeyed returns the key and text of an option that names its key.
func splitKeyed(s string) (key, text string, ok bool) {
	m := keyedOption.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	if m[2] == "." && m[3] == "" && m[4] != "" && m[4][0] >= '0' && m[4][0] <= '9' {
		return "", "", false // a decimal such as 1.5
	}
	return strings.ToUpper(m[1]), strings.TrimSpace(m[4]), true
}

// normaliseOptions turns a stored or sent options value into keyed
// options (api.md §0.7, with its compatibility note: a leading letter is
// a key only when a delimiter follows it; options without one get letters
// by position).
func normaliseOptions(raw json.RawMessage) []llm.Option {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&items); err != nil {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return normaliseStoredText(s)
		}
		return nil // a number, object or broken JSON: no options
	}
	return normaliseItems(items)
}

// normaliseStoredText reads the options column, which holds JSON text; a
// value that is not JSON becomes a single option.
func normaliseStoredText(text string) []llm.Option {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return normaliseItems([]any{text})
	}
	items, ok := v.([]any)
	if !ok {
		return nil
	}
	return normaliseItems(items)
}

func normaliseItems(items []any) []llm.Option {
	out := make([]llm.Option, 0, len(items))
	for _, it := range items {
		switch x := it.(type) {
		case map[string]any:
			out = append(out, llm.Option{
				Key:   strings.TrimSpace(scalarText(x["key"])),
				Value: strings.Trim(scalarText(x["value"]), " \t"),
			})
		case nil:
			out = append(out, llm.Option{})
		default:
			s := scalarText(x)
			if key, text, ok := splitKeyed(s); ok {
				out = append(out, llm.Option{Key: key, Value: text})
			} else {
				out = append(out, llm.Option{Value: strings.TrimSpace(s)})
			}
		}
	}
	for i := range out {
		if out[i].Key == "" {
			out[i].Key = positionKey(i)
		}
	}
	return out
}

// positionKey is A, B, … Z, then AA, AB, … for absurdly long lists.
func positionKey(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return positionKey(i/26-1) + string(rune('A'+i%26))
}

// scalarText prints a decoded JSON scalar the way it was written.
func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}
