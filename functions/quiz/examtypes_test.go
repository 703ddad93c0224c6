package quiz_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
)

// TestExamTypesKeepOnlyTheFiveTypes: made-up keys in "types" draw no
// questions and are not kept (each kept type costs a query in the exam
// transaction); the real types keep their object order.
func TestExamTypesKeepOnlyTheFiveTypes(t *testing.T) {
	w := newWorld(t)
	var b strings.Builder
	b.WriteString(`{"types":{"判断题":1`)
	for i := range 5000 {
		fmt.Fprintf(&b, `,"made-up %d":500`, i)
	}
	b.WriteString(`,"选择题":1},"scores":{"选择题":2,"made-up 1":9}}`)
	r := testkit.Call(t, w.srv.URL, "POST", "/api/exams/create", b.String(), w.tok, "Content-Type", "application/json")
	if r.Status != http.StatusOK {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := int64(num(t, r.JSON["exam_id"]))
	var raw string
	if err := w.env.Deps.DB.QueryRow(`SELECT config_json FROM exams WHERE id = ?`, id).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Types  map[string]int
		Scores map[string]float64
	}
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cfg.Types) != "map[判断题:1 选择题:1]" || fmt.Sprint(cfg.Scores) != "map[判断题:1 选择题:2]" {
		t.Fatalf("stored config types %v scores %v", cfg.Types, cfg.Scores)
	}
	qs := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%d", id), nil, w.tok))["questions"].([]any)
	var types []string
	for _, q := range qs {
		types = append(types, q.(map[string]any)["q_type"].(string))
	}
	if fmt.Sprint(types) != fmt.Sprint([]string{question.TrueFalse, question.Single}) {
		t.Fatalf("drawn types %v", types)
	}
}
