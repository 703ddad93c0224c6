package explain

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"quizbank/shared/httpx"
)

// explainRequest is the body of POST /api/quiz/ai/explain. The inline
// fields describe a question the client has (e.g. from a private bank);
// they are used only when question_id names no stored question.
type explainRequest struct {
	QuestionID httpx.FlexInt   `json:"question_id"`
	Content    looseText       `json:"content"`
	QType      looseText       `json:"q_type"`
	Options    json.RawMessage `json:"options"`
	Answer     looseText       `json:"answer"`
	// UserAnswer is the learner's answer; the explanation then also says
	// where it goes wrong.
	UserAnswer looseText `json:"user_answer"`
}

// looseText accepts a string, a number, a boolean or an array of those,
// since clients send answers as "AC", ["A","C"] or 1. Arrays of single
// characters are concatenated (multiple choice); longer items are joined
// with ";;", the blank separator of fill-in answers.
type looseText string

// UnmarshalJSON implements the rules above; null leaves the value empty
// and objects are refused.
func (t *looseText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	switch x := v.(type) {
	case []any:
		parts := make([]string, 0, len(x))
		single := true
		for _, it := range x {
			if _, ok := it.(map[string]any); ok {
				return &json.UnmarshalTypeError{Value: "object", Type: textType}
			}
			if _, ok := it.([]any); ok {
				return &json.UnmarshalTypeError{Value: "array", Type: textType}
			}
			s := strings.TrimSpace(scalarText(it))
			if utf8.RuneCountInString(s) != 1 {
				single = false
			}
			parts = append(parts, s)
		}
		sep := ";;"
		if single {
			sep = ""
		}
		*t = looseText(strings.Join(parts, sep))
	case map[string]any:
		return &json.UnmarshalTypeError{Value: "object", Type: textType}
	default:
		*t = looseText(scalarText(x))
	}
	return nil
}

var textType = reflect.TypeFor[string]()
