package quiz_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestQuestionTagListsAreBounded: tags/add/remove lists longer than the
// 200 tags a user may own are refused before any work, and change nothing.
func TestQuestionTagListsAreBounded(t *testing.T) {
	w := newWorld(t)
	path := fmt.Sprintf("/api/quiz/questions/%d/tags", w.bank[0].ID)
	if d := data(t, w.call(t, "POST", path, map[string]any{"tags": []string{"keep"}}, w.tok)); fmt.Sprint(d["tags"]) != "[keep]" {
		t.Fatalf("seed tag: %v", d)
	}
	repeat := func(n int, name string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = name
		}
		return out
	}
	before := snapshot(t, w.env)
	for name, body := range map[string]map[string]any{
		"tags":   {"tags": repeat(201, "x")},
		"add":    {"add": repeat(201, "x")},
		"remove": {"remove": repeat(201, "keep")},
	} {
		r := w.call(t, "POST", path, body, w.tok)
		if r.Status != http.StatusBadRequest || r.JSON["status"] != "error" {
			t.Errorf("%s of 201 names: %d %s", name, r.Status, r.Raw)
		}
	}
	if after := snapshot(t, w.env); after != before {
		t.Fatalf("refused lists changed the database:\n%s\n---\n%s", before, after)
	}
	// 200 repeats of one name are within the bound and bind it once.
	if d := data(t, w.call(t, "POST", path, map[string]any{"add": repeat(200, "x")}, w.tok)); fmt.Sprint(d["tags"]) != "[keep x]" {
		t.Fatalf("200 repeats: %v", d)
	}
}
