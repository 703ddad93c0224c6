package quiz_test

import (
	"fmt"
	"testing"
	"time"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
)

// TestExamTimesUseTheSpecLayoutWithOffset: started_at and submitted_at
// are "YYYY-MM-DD HH:MM:SS" in TIMEZONE with the offset appended, with no
// "T", in the exam detail and the exam list alike.
func TestExamTimesUseTheSpecLayoutWithOffset(t *testing.T) {
	for _, tc := range []struct {
		zone               string
		started, submitted string
	}{
		// Subtest names must not contain '#': testkit puts t.TempDir()
		// into a file: URL, where '#' would start a fragment.
		{"default", "2026-12-04 13:09:38+08:00", "2026-12-04 13:21:38+08:00"},
		{"Asia/Shanghai", "2026-12-04 13:09:38+08:00", "2026-12-04 13:21:38+08:00"},
		{"UTC", "2026-12-04 05:09:38+00:00", "2026-12-04 05:21:38+00:00"},
		{"America/New_York", "2026-12-04 00:09:38-05:00", "2026-12-04 00:21:38-05:00"},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			var opts []testkit.Option
			if tc.zone != "default" {
				opts = append(opts, testkit.WithEnv("TIMEZONE", tc.zone))
			}
			w := newWorldWith(t, opts...)
			start := time.Date(2026, 12, 4, 5, 9, 38, 0, time.UTC)
			w.env.Deps.SetClock(func() time.Time { return start })
			t.Cleanup(func() { w.env.Deps.SetClock(time.Now) })
			r := w.call(t, "POST", "/api/exams/create", map[string]any{"duration": 30, "types": map[string]int{question.Single: 1}}, w.tok)
			id := num(t, r.JSON["exam_id"])
			info := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", id), nil, w.tok))["exam"].(map[string]any)
			if info["started_at"] != tc.started || info["submitted_at"] != nil || num(t, info["remaining_seconds"]) != 1800 {
				t.Fatalf("ongoing exam = %v", info)
			}
			w.env.Deps.SetClock(func() time.Time { return start.Add(12 * time.Minute) })
			if r := w.call(t, "POST", "/api/exams/submit", map[string]any{"exam_id": id}, w.tok); r.Status != 200 {
				t.Fatalf("submit: %d %s", r.Status, r.Raw)
			}
			info = data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", id), nil, w.tok))["exam"].(map[string]any)
			if info["started_at"] != tc.started || info["submitted_at"] != tc.submitted || num(t, info["remaining_seconds"]) != 0 {
				t.Fatalf("submitted exam = %v", info)
			}
			list := data(t, w.call(t, "GET", "/api/exams", nil, w.tok))["exams"].([]any)
			if len(list) != 1 {
				t.Fatalf("exam list = %v", list)
			}
			row := list[0].(map[string]any)
			if row["started_at"] != tc.started || row["submitted_at"] != tc.submitted {
				t.Fatalf("exam list row = %v", row)
			}
			parsed, err := time.Parse("2006-01-02 15:04:05-07:00", row["started_at"].(string))
			if err != nil || !parsed.Equal(start) {
				t.Fatalf("started_at parses to %v (%v), want %v", parsed, err, start)
			}
		})
	}
}
