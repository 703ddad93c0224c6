package quiz_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
)

// answerFor gives a right or wrong answer in a form clients send.
func answerFor(q testkit.SeededQuestion, right bool) string {
	switch q.QType {
	case question.Single:
		if right {
			return strings.ToLower(q.Answer)
		}
		return "A"
	case question.Multiple:
		if right {
			return "C,B,A"
		}
		return "AB"
	case question.TrueFalse:
		if right {
			return "对"
		}
		return "×"
	case question.FillBlank:
		if !right {
			return `["x","y"]`
		}
		if strings.Contains(q.Answer, ";;") {
			return `["FIFO","后进先出"]`
		}
		return " 内存 "
	default:
		if right {
			return "三次握手"
		}
		return ""
	}
}

func TestExamOfEveryType(t *testing.T) {
	w := newWorld(t)
	scores := map[string]float64{question.Single: 2, question.Multiple: 4, question.TrueFalse: 1, question.FillBlank: 3, question.Essay: 5}
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"subject": "all", "duration": 30,
		"types":  map[string]int{question.Single: 5, question.Multiple: 5, question.TrueFalse: 5, question.FillBlank: 5, question.Essay: 5},
		"scores": scores}, w.tok)
	examID := num(t, r.JSON["exam_id"])
	exam := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", examID), nil, w.tok))
	info := exam["exam"].(map[string]any)
	started, err := time.Parse("2006-01-02 15:04:05-07:00", info["started_at"].(string))
	if err != nil || !strings.HasSuffix(info["started_at"].(string), "+08:00") {
		t.Fatalf("started_at %v is not YYYY-MM-DD HH:MM:SS+08:00: %v", info["started_at"], err)
	}
	if time.Since(started) > time.Minute || num(t, info["remaining_seconds"]) < 29*60 {
		t.Fatalf("exam timer: %v", info)
	}
	qs := exam["questions"].([]any)
	if len(qs) != len(w.bank) {
		t.Fatalf("exam has %d questions, want %d", len(qs), len(w.bank))
	}
	// Right answers for all but the essay (left empty), in client forms.
	byID := map[float64]testkit.SeededQuestion{}
	for _, q := range w.bank {
		byID[float64(q.ID)] = q
	}
	var answers []map[string]any
	want, wantCorrect := 0.0, 0
	for _, q := range qs {
		sq := byID[num(t, q.(map[string]any)["id"])]
		right := sq.QType != question.Essay
		answers = append(answers, map[string]any{"question_id": sq.ID, "user_answer": answerFor(sq, right)})
		if right {
			want += scores[sq.QType]
			wantCorrect++
		}
	}
	r = w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": examID, "answers": answers}, w.tok)
	if r.Status != 200 || num(t, r.JSON["total_score"]) != want || num(t, r.JSON["correct"]) != float64(wantCorrect) ||
		num(t, r.JSON["total"]) != 6 || r.JSON["late"] != false {
		t.Fatalf("submit = %s, want score %v with %d correct", r.Raw, want, wantCorrect)
	}
	if again := w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": examID}, w.tok); again.Status != 400 {
		t.Fatalf("second submit: %d", again.Status)
	}
	r = w.call(t, "POST", fmt.Sprintf("/api/exams/%v/mistakes", examID), map[string]any{}, w.tok)
	if num(t, r.JSON["count"]) != 1 {
		t.Fatalf("to mistakes: %s", r.Raw)
	}
	list := data(t, w.call(t, "GET", "/api/exams?page=1&size=10", nil, w.tok))
	first := list["exams"].([]any)[0].(map[string]any)
	if num(t, list["total"]) != 1 || num(t, first["question_count"]) != 6 || num(t, first["correct_count"]) != 5 ||
		first["status"] != "submitted" {
		t.Fatalf("exam list = %v", list)
	}
	st := data(t, w.call(t, "GET", "/api/user/stats", nil, w.env.Cookie(w.student)))
	if num(t, st["finished_exam_count"]) != 1 {
		t.Fatalf("finished_exam_count = %v", st["finished_exam_count"])
	}

	// All wrong scores 0.
	r = w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{question.Single: 1, question.Multiple: 1,
		question.TrueFalse: 1, question.FillBlank: 2, question.Essay: 1}}, w.tok)
	second := num(t, r.JSON["exam_id"])
	answers = nil
	for _, q := range w.bank {
		answers = append(answers, map[string]any{"question_id": q.ID, "user_answer": answerFor(q, false)})
	}
	r = w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": second, "answers": answers}, w.tok)
	if num(t, r.JSON["total_score"]) != 0 || num(t, r.JSON["correct"]) != 0 {
		t.Fatalf("all-wrong submit = %s", r.Raw)
	}
}

func TestExamPartialCreditAndDraftFallback(t *testing.T) {
	w := newWorld(t)
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{question.Multiple: 1, question.Single: 1},
		"scores": map[string]float64{question.Multiple: 3, question.Single: 2}, "partial_credit": true}, w.tok)
	id := num(t, r.JSON["exam_id"])
	multi, single := w.byType(question.Multiple)[0], w.byType(question.Single)[0]
	w.call(t, "POST", "/api/exams/save_draft", map[string]any{"exam_id": id,
		"answers": []map[string]any{{"question_id": single.ID, "user_answer": single.Answer}}}, w.tok)
	// The single-choice answer is missing from submit: the draft counts.
	r = w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": id,
		"answers": []map[string]any{{"question_id": multi.ID, "user_answer": "AB"}}}, w.tok)
	if num(t, r.JSON["total_score"]) != 2+2 || num(t, r.JSON["correct"]) != 1 {
		t.Fatalf("partial credit + draft = %s, want 4 points, 1 correct", r.Raw)
	}
}

func TestLateSubmissionUsesTheDraft(t *testing.T) {
	w := newWorld(t)
	single := w.byType(question.Single)[0]
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"duration": 1, "types": map[string]int{question.Single: 1}}, w.tok)
	id := num(t, r.JSON["exam_id"])
	w.call(t, "POST", "/api/exams/save_draft", map[string]any{"exam_id": id,
		"answers": []map[string]any{{"question_id": single.ID, "user_answer": "A"}}}, w.tok)
	start := time.Now()
	w.env.Deps.SetClock(func() time.Time { return start.Add(10 * time.Minute) })
	t.Cleanup(func() { w.env.Deps.SetClock(time.Now) })
	if r := w.call(t, "POST", "/api/exams/save_draft", map[string]any{"exam_id": id, "answers": []any{}}, w.tok); r.Status != 400 {
		t.Fatalf("draft after the time limit: %d", r.Status)
	}
	info := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", id), nil, w.tok))["exam"].(map[string]any)
	if num(t, info["remaining_seconds"]) != 0 {
		t.Fatalf("remaining_seconds = %v", info["remaining_seconds"])
	}
	r = w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": id,
		"answers": []map[string]any{{"question_id": single.ID, "user_answer": single.Answer}}}, w.tok)
	if r.JSON["late"] != true || num(t, r.JSON["correct"]) != 0 {
		t.Fatalf("late submit = %s: want late, graded on the draft (wrong)", r.Raw)
	}
	info = data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", id), nil, w.tok))["exam"].(map[string]any)
	if info["is_late"] != true || info["submitted_at"] == nil {
		t.Fatalf("exam after late submit = %v", info)
	}
}
