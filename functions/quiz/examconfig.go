package quiz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"quizbank/shared/question"
)

// typeCount is one entry of an exam's "types" object, kept in the order
// the client wrote them (questions are drawn type by type in that order).
type typeCount struct {
	Type  string
	Count int
}

// orderedCounts reads {"<q_type>": <count>} keeping key order; counts
// are clamped to 0…500 and non-numeric counts are refused. Keys that are
// not one of the five question types are dropped: no question has them,
// and each kept type costs a query in the exam's write transaction, so
// an object with many made-up keys must not turn into many queries.
func orderedCounts(raw json.RawMessage) ([]typeCount, error) {
	var out []typeCount
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return out, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("types must be an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := kt.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		n, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("count of %s is not a number", key)
		}
		c := int(math.Max(0, math.Min(500, math.Trunc(n))))
		if c == 0 || seen[key] || !question.ValidType(key) {
			continue
		}
		seen[key] = true
		out = append(out, typeCount{Type: key, Count: c})
	}
	return out, nil
}

// number reads a JSON number or numeric string.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// scoreMap reads {"<q_type>": <points>}, clamped to 0…1000.
func scoreMap(raw json.RawMessage) (map[string]float64, error) {
	out := map[string]float64{}
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return out, nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("scores must be an object")
	}
	for k, v := range m {
		f, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("score of %s is not a number", k)
		}
		out[k] = math.Max(0, math.Min(1000, f))
	}
	return out, nil
}

// examConfig is what config_json stores.
type examConfig struct {
	Subject       string             `json:"subject"`
	Duration      int                `json:"duration"`
	Types         map[string]int     `json:"types"`
	Scores        map[string]float64 `json:"scores"`
	Source        string             `json:"source"`
	BankID        *int64             `json:"bank_id,omitempty"`
	PartialCredit bool               `json:"partial_credit,omitempty"`
}
