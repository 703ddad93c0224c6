package quiz_test

import (
	"fmt"
	"testing"

	"quizbank/shared/testkit"
)

func TestUsersCannotSeeOrChangeEachOthersData(t *testing.T) {
	w := newWorld(t)
	a := w.tok
	bUser := w.env.CreateUser("bob", "BobPass1234", false)
	b := testkit.Bearer(w.env.Token(bUser))
	q1, q2, q3 := w.bank[0].ID, w.bank[1].ID, w.bank[2].ID

	// A's data.
	w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": q1}, a)
	w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q2, "is_correct": false}, a)
	w.call(t, "POST", "/api/progress", map[string]any{"key": "k", "data": map[string]any{"order": []int{3, 2, 1}}}, a)
	w.call(t, "POST", fmt.Sprintf("/api/quiz/questions/%d/tags", q3), map[string]any{"tags": []string{"私有"}}, a)
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{"选择题": 1}}, a)
	exam := int(num(t, r.JSON["exam_id"]))

	// B sees none of it.
	for _, path := range []string{"/api/quiz/questions?mode=favorites", "/api/quiz/questions?source=mistakes",
		"/api/quiz/questions?tag=私有"} {
		if d := data(t, w.call(t, "GET", path, nil, b)); num(t, d["total"]) != 0 {
			t.Errorf("B sees %v questions at %s", d["total"], path)
		}
	}
	if r := w.call(t, "GET", "/api/questions/user_counts", nil, b); num(t, r.JSON["favorites"])+num(t, r.JSON["mistakes"]) != 0 {
		t.Errorf("B's counts: %s", r.Raw)
	}
	if d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d", q1), nil, b)); num(t, d["is_fav"]) != 0 {
		t.Errorf("B sees A's favourite flag")
	}
	if r := w.call(t, "GET", "/api/progress?key=k", nil, b); r.JSON["data"] != nil {
		t.Errorf("B reads A's progress: %s", r.Raw)
	}
	if d := data(t, w.call(t, "GET", "/api/quiz/tags", nil, b)); len(d["tags"].([]any)) != 0 {
		t.Errorf("B lists A's tags: %v", d)
	}
	if d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d/tags", q3), nil, b)); len(d["tags"].([]any)) != 0 {
		t.Errorf("B sees A's question tags: %v", d)
	}
	if d := data(t, w.call(t, "GET", "/api/exams", nil, b)); num(t, d["total"]) != 0 {
		t.Errorf("B lists A's exams: %v", d)
	}

	// B's changes stay B's.
	w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": q1}, b)
	w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q2, "is_correct": true}, b)
	w.call(t, "DELETE", "/api/progress?key=k", nil, b)
	w.call(t, "DELETE", "/api/quiz/tags", map[string]any{"name": "私有"}, b)
	w.call(t, "DELETE", fmt.Sprintf("/api/exams/%d", exam), nil, b)
	w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": exam, "answers": []any{}}, b)

	if r := w.call(t, "GET", "/api/questions/user_counts", nil, a); num(t, r.JSON["favorites"]) != 1 || num(t, r.JSON["mistakes"]) != 1 {
		t.Errorf("A's counts changed: %s", r.Raw)
	}
	if r := w.call(t, "GET", "/api/progress?key=k", nil, a); fmt.Sprint(r.JSON["data"]) != "map[order:[3 2 1]]" {
		t.Errorf("A's progress changed: %s", r.Raw)
	}
	if d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d/tags", q3), nil, a)); fmt.Sprint(d["tags"]) != "[私有]" {
		t.Errorf("A's tags changed: %v", d)
	}
	e := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%d", exam), nil, a))
	if e["exam"].(map[string]any)["status"] != "ongoing" {
		t.Errorf("A's exam changed: %v", e["exam"])
	}
}
