package quiz_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"quizbank/functions/quiz"
	"quizbank/shared/question"
	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

// world is a served quiz group over the imported template.
type world struct {
	env     *testkit.Env
	srv     *httptest.Server
	admin   *users.User
	student *users.User
	bank    []testkit.SeededQuestion
	tok     string // the student's token
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t)
}

// newWorldWith is newWorld with testkit options (e.g. the environment).
func newWorldWith(t *testing.T, opts ...testkit.Option) *world {
	t.Helper()
	env := testkit.New(t, opts...)
	w := &world{env: env}
	w.admin = env.CreateUser("admin", "AdminPass123", true)
	w.student = env.CreateUser("student1", "Student123", false)
	w.bank = env.ImportTemplate()
	w.srv = env.Serve(quiz.Register)
	w.tok = testkit.Bearer(env.Token(w.student))
	return w
}

func (w *world) call(t *testing.T, method, path string, body any, auth any) testkit.Response {
	t.Helper()
	return testkit.Call(t, w.srv.URL, method, path, body, auth)
}

func (w *world) byType(qtype string) []testkit.SeededQuestion {
	var out []testkit.SeededQuestion
	for _, q := range w.bank {
		if q.QType == qtype {
			out = append(out, q)
		}
	}
	return out
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	return f
}

func data(t *testing.T, r testkit.Response) map[string]any {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Raw)
	}
	d, ok := r.JSON["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object: %s", r.Raw)
	}
	return d
}

func TestStudentPracticeFlow(t *testing.T) {
	w := newWorld(t)
	r := w.call(t, "GET", "/api/quiz/subjects", nil, w.tok)
	if fmt.Sprint(r.JSON["subjects"]) != "[计算机网络 操作系统 数据结构]" {
		t.Fatalf("subjects = %v", r.JSON["subjects"])
	}

	// Practise every question: the first half right, the rest wrong.
	for i, q := range w.bank {
		d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d", q.ID), nil, w.tok))
		if d["content"] != q.Content || d["q_type"] != q.QType || d["answer"] != q.Answer {
			t.Fatalf("detail of %d = %v", q.ID, d)
		}
		correct := i < 3
		r := w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q.ID, "is_correct": correct}, w.tok)
		want := "added_mistake"
		if correct {
			want = "removed_mistake"
		}
		if r.JSON["action"] != want {
			t.Fatalf("record %d: %s", q.ID, r.Raw)
		}
	}
	counts := w.call(t, "GET", "/api/questions/user_counts", nil, w.tok)
	if num(t, counts.JSON["mistakes"]) != 3 || num(t, counts.JSON["favorites"]) != 0 {
		t.Fatalf("user counts = %s", counts.Raw)
	}
	// "false" as a string is false (compatibility note), a second wrong
	// answer raises wrong_count, a correct one clears the mistake.
	last := w.bank[5].ID
	w.call(t, "POST", "/api/record_result", map[string]any{"question_id": fmt.Sprint(last), "is_correct": "false"}, w.tok)
	var wrong int
	_ = w.env.Deps.DB.QueryRow(`SELECT wrong_count FROM mistakes WHERE user_id = ? AND question_id = ?`, w.student.ID, last).Scan(&wrong)
	if wrong != 2 {
		t.Fatalf("wrong_count = %d, want 2", wrong)
	}
	r = w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": last, "is_correct": 1}, w.tok)
	if r.JSON["action"] != "removed_mistake" {
		t.Fatalf("correct answer: %s", r.Raw)
	}
	list := data(t, w.call(t, "GET", "/api/quiz/questions?mode=mistakes", nil, w.tok))
	if num(t, list["total"]) != 2 {
		t.Fatalf("mistake book = %v", list)
	}
	for _, it := range list["questions"].([]any) {
		if num(t, it.(map[string]any)["is_mistake"]) != 1 {
			t.Fatalf("mistake-book item without is_mistake: %v", it)
		}
	}

	// Favourites toggle and show in counts and lists.
	fav := w.bank[0].ID
	r = w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": fav}, w.tok)
	if fmt.Sprint(r.JSON["data"]) != "map[is_favorite:true]" {
		t.Fatalf("favorite: %s", r.Raw)
	}
	r = w.call(t, "GET", "/api/quiz/questions/count?source=favorites", nil, w.tok)
	if num(t, r.JSON["count"]) != 1 {
		t.Fatalf("favorites count: %s", r.Raw)
	}
	d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d", fav), nil, w.tok))
	if num(t, d["is_fav"]) != 1 {
		t.Fatalf("detail is_fav: %v", d)
	}
	w.call(t, "POST", "/api/favorite", map[string]any{"question_id": fav}, w.tok)
	if r := w.call(t, "GET", "/api/quiz/questions/user_counts", nil, w.tok); num(t, r.JSON["favorites"]) != 0 {
		t.Fatalf("favourite not removed: %s", r.Raw)
	}

	// Statistics (web session) see the answers.
	st := data(t, w.call(t, "GET", "/api/user/stats", nil, w.env.Cookie(w.student)))
	if num(t, st["answered_count"]) != 6 || num(t, st["correct_count"]) != 4 {
		t.Fatalf("stats = %v", st)
	}
	if r := w.call(t, "GET", "/api/user/stats", nil, w.tok); r.Status != http.StatusUnauthorized {
		t.Fatalf("stats accepted a JWT: %d", r.Status)
	}
	info := data(t, w.call(t, "GET", "/api/quiz/subjects/数据结构/info", nil, w.tok))
	us := info["user_stats"].(map[string]any)
	if num(t, info["total_count"]) != 2 || num(t, us["done_count"]) != 2 || us["last_activity"] == nil {
		t.Fatalf("subject info = %v", info)
	}
}

func TestShuffledOptionsStillGrade(t *testing.T) {
	w := newWorld(t)
	plain := data(t, w.call(t, "GET", "/api/quiz/questions?q_type=多选题", nil, w.tok))["questions"].([]any)[0].(map[string]any)
	mixed := data(t, w.call(t, "GET", "/api/quiz/questions?q_type=多选题&shuffle_options=1", nil, w.tok))["questions"].([]any)[0].(map[string]any)
	again := data(t, w.call(t, "GET", "/api/quiz/questions?q_type=多选题&shuffle_options=true", nil, w.tok))["questions"].([]any)[0].(map[string]any)
	if fmt.Sprint(mixed) != fmt.Sprint(again) {
		t.Fatal("shuffle is not stable across calls")
	}
	texts := func(q map[string]any) map[string]bool {
		out := map[string]bool{}
		for _, o := range q["options"].([]any) {
			o := o.(map[string]any)
			if strings.Contains(q["answer"].(string), o["key"].(string)) {
				out[o["value"].(string)] = true
			}
		}
		return out
	}
	if fmt.Sprint(texts(plain)) != fmt.Sprint(texts(mixed)) {
		t.Fatalf("shuffled answer %v picks %v, plain %v picks %v", mixed["answer"], texts(mixed), plain["answer"], texts(plain))
	}
}

func TestShuffledQuestionsAreReproducible(t *testing.T) {
	w := newWorld(t)
	order := func(path string) (string, any) {
		d := data(t, w.call(t, "GET", path, nil, w.tok))
		var ids []string
		for _, q := range d["questions"].([]any) {
			ids = append(ids, fmt.Sprint(q.(map[string]any)["id"]))
		}
		return strings.Join(ids, ","), d["seed"]
	}
	a, seed := order("/api/quiz/questions?shuffle_questions=1&seed=7")
	b, _ := order("/api/quiz/questions?shuffle_questions=1&seed=7")
	plain, _ := order("/api/quiz/questions")
	if a != b || num(t, seed) != 7 {
		t.Fatalf("seed 7 gave %s then %s (seed echoed %v)", a, b, seed)
	}
	differs := false
	for s := 8; s < 20 && !differs; s++ {
		o, _ := order(fmt.Sprintf("/api/quiz/questions?shuffle_questions=1&seed=%d", s))
		differs = o != a
	}
	if !differs || plain != "1,2,3,4,5,6" {
		t.Fatalf("shuffle never changes the order (plain %s)", plain)
	}
	_, generated := order("/api/quiz/questions?shuffle_questions=1")
	if generated == nil {
		t.Fatal("no seed echoed for a shuffled list without one")
	}
}

func TestBlacklistAndLockedSubjects(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var netID, osID int64
	_ = w.env.Deps.DB.QueryRow(`SELECT id FROM subjects WHERE name = '计算机网络'`).Scan(&netID)
	_ = w.env.Deps.DB.QueryRow(`SELECT id FROM subjects WHERE name = '操作系统'`).Scan(&osID)
	if _, err := w.env.Deps.DB.Exec(`INSERT INTO user_subjects (user_id, subject_id) VALUES (?, ?)`, w.student.ID, netID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.env.Deps.DB.Exec(`UPDATE subjects SET is_locked = 1 WHERE id = ?`, osID); err != nil {
		t.Fatal(err)
	}
	if err := question.BumpVersion(ctx, w.env.Deps.DB); err != nil {
		t.Fatal(err)
	}
	if r := w.call(t, "GET", "/api/quiz/subjects", nil, w.tok); fmt.Sprint(r.JSON["subjects"]) != "[数据结构]" {
		t.Fatalf("student subjects = %s", r.Raw)
	}
	adminTok := testkit.Bearer(w.env.Token(w.admin))
	if r := w.call(t, "GET", "/api/quiz/subjects", nil, adminTok); fmt.Sprint(r.JSON["subjects"]) != "[计算机网络 数据结构]" {
		t.Fatalf("admin subjects = %s", r.Raw)
	}
	netQ := w.bank[0]
	if r := w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d", netQ.ID), nil, w.tok); r.Status != http.StatusForbidden {
		t.Fatalf("blacklisted detail: %d", r.Status)
	}
	if d := data(t, w.call(t, "GET", "/api/quiz/questions", nil, w.tok)); num(t, d["total"]) != 2 {
		t.Fatalf("student sees %v questions, want the 2 of 数据结构", d["total"])
	}
	if d := data(t, w.call(t, "GET", "/api/quiz/questions?subject=计算机网络", nil, w.tok)); num(t, d["total"]) != 0 {
		t.Fatalf("blacklisted subject list total %v", d["total"])
	}
	if r := w.call(t, "GET", "/api/questions/count", nil, nil); num(t, r.JSON["count"]) != 4 {
		t.Fatalf("anonymous count skips locked only: %s", r.Raw)
	}
	if r := w.call(t, "GET", "/api/questions/count", nil, w.tok); num(t, r.JSON["count"]) != 2 {
		t.Fatalf("student count: %s", r.Raw)
	}
	if r := w.call(t, "POST", "/api/exams/create", map[string]any{"subject": "计算机网络", "types": map[string]int{"选择题": 1}}, w.tok); r.Status != http.StatusForbidden {
		t.Fatalf("exam on blacklisted subject: %d", r.Status)
	}
	r := w.call(t, "POST", "/api/exams/create", map[string]any{"types": map[string]int{"选择题": 5, "判断题": 5, "填空题": 5}}, w.tok)
	exam := data(t, w.call(t, "GET", fmt.Sprintf("/api/exams/%v", r.JSON["exam_id"]), nil, w.tok))
	if n := len(exam["questions"].([]any)); n != 1 {
		t.Fatalf("exam over all subjects drew %d questions, want the 1 fill-in of 数据结构", n)
	}
}

func TestEditFromPracticeScreen(t *testing.T) {
	w := newWorld(t)
	q := w.bank[0]
	path := fmt.Sprintf("/api/quiz/questions/%d", q.ID)
	if r := w.call(t, "PUT", path, map[string]any{"content": "x"}, w.tok); r.Status != http.StatusForbidden || r.JSON["status"] != "forbidden" {
		t.Fatalf("student edit: %d %s", r.Status, r.Raw)
	}
	adminCookie := w.env.Cookie(w.admin)
	r := w.call(t, "PUT", path, map[string]any{"content": "  新的题干  ", "options": []string{"Apple", "Banana", "1.5", "TCP"}, "answer": "D"}, adminCookie)
	d := data(t, r)
	if d["content"] != "新的题干" || fmt.Sprint(d["options"]) != "[map[key:A value:Apple] map[key:B value:Banana] map[key:C value:1.5] map[key:D value:TCP]]" {
		t.Fatalf("edited = %v", d)
	}
	// The cached list shows the edit at once.
	list := data(t, w.call(t, "GET", "/api/quiz/questions?subject=计算机网络&q_type=选择题", nil, w.tok))
	if list["questions"].([]any)[0].(map[string]any)["content"] != "新的题干" {
		t.Fatalf("list still shows the old stem: %v", list)
	}
	multi := w.byType(question.Multiple)[0]
	if r := w.call(t, "PUT", fmt.Sprintf("/api/quiz/questions/%d", multi.ID), map[string]any{"answer": "AZ"}, adminCookie); r.Status != 400 {
		t.Fatalf("multi answer with unknown letter: %d", r.Status)
	}
	if r := w.call(t, "PUT", "/api/quiz/questions/999999", map[string]any{"content": "x"}, adminCookie); r.Status != 404 {
		t.Fatalf("edit unknown: %d", r.Status)
	}
}

func TestQuizLimit(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if err := w.env.Deps.SysConfig.Set(ctx, "quiz_limit_enabled", "1", "", 0); err != nil {
		t.Fatal(err)
	}
	if err := w.env.Deps.SysConfig.Set(ctx, "quiz_limit_count", "2", "", 0); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"question_id": w.bank[0].ID, "is_correct": true}
	for i := 0; i < 2; i++ {
		if r := w.call(t, "POST", "/api/quiz/record_result", body, w.tok); r.Status != 200 {
			t.Fatalf("answer %d: %s", i, r.Raw)
		}
	}
	r := w.call(t, "POST", "/api/quiz/record_result", body, w.tok)
	extra, _ := r.JSON["data"].(map[string]any)
	if r.Status != 403 || r.JSON["code"] != "QUIZ_LIMIT_REACHED" || num(t, extra["current_count"]) != 2 || num(t, extra["limit_count"]) != 2 {
		t.Fatalf("over the limit: %d %s", r.Status, r.Raw)
	}
	adminTok := testkit.Bearer(w.env.Token(w.admin))
	for i := 0; i < 3; i++ {
		if r := w.call(t, "POST", "/api/quiz/record_result", body, adminTok); r.Status != 200 {
			t.Fatalf("admin limited: %s", r.Raw)
		}
	}
}

func TestSearch(t *testing.T) {
	w := newWorld(t)
	ids := func(path string) string {
		d := data(t, w.call(t, "GET", path, nil, w.tok))
		var out []string
		for _, q := range d["questions"].([]any) {
			out = append(out, fmt.Sprint(q.(map[string]any)["id"]))
		}
		return fmt.Sprint(num(t, d["total"])) + ":" + strings.Join(out, ",")
	}
	tests := map[string]string{
		"/api/quiz/search?keyword=tcp":                   "3:6,2,1", // stems, options and explanations, newest first, any case
		"/api/quiz/search?keyword=TCP&subject=计算机网络":     "2:2,1",
		"/api/quiz/search?keyword=tcp&q_type=问答题":        "1:6",
		"/api/quiz/search?keyword=tcp&type=多选题":          "1:2",
		"/api/quiz/search?keyword=LIFO":                  "1:5", // the answer text
		"/api/quiz/search?keyword=tcp&per_page=1&page=2": "3:2",
		"/api/quiz/search?keyword=没有的词":                  "0:",
		"/api/quiz/search?keyword=%20":                   "0:",
	}
	for path, want := range tests {
		if got := ids(path); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	d := data(t, w.call(t, "GET", "/api/quiz/search?keyword=LIFO", nil, w.tok))
	hit := d["questions"].([]any)[0].(map[string]any)
	if hit["content_preview"] != hit["content"] || hit["subject"] != "数据结构" {
		t.Errorf("hit = %v", hit)
	}
}

// Concurrent answers share transactions (group commit); every one of
// them must land exactly once.
func TestConcurrentAnswersAllLand(t *testing.T) {
	w := newWorld(t)
	const workers, each = 16, 25
	toks := make([]string, workers)
	for i := range toks {
		u := w.env.CreateUser(fmt.Sprintf("u%02d", i), "Parallel123", false)
		toks[i] = testkit.Bearer(w.env.Token(u))
	}
	errs := make(chan error, workers)
	for i := 0; i < workers; i++ {
		go func(tok string) {
			for j := 0; j < each; j++ {
				q := w.bank[j%len(w.bank)].ID
				r := testkit.Call(t, w.srv.URL, "POST", "/api/quiz/record_result", map[string]any{"question_id": q, "is_correct": false}, tok)
				if r.Status != 200 {
					errs <- fmt.Errorf("answer: %d %s", r.Status, r.Raw)
					return
				}
			}
			errs <- nil
		}(toks[i])
	}
	for i := 0; i < workers; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var rows, wrong, answers int
	_ = w.env.Deps.DB.QueryRow(`SELECT COUNT(*), SUM(wrong_count) FROM mistakes`).Scan(&rows, &wrong)
	_ = w.env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM user_answers`).Scan(&answers)
	if rows != workers*len(w.bank) || wrong != workers*each || answers != workers*len(w.bank) {
		t.Fatalf("mistakes %d (wrong %d), answers %d; want %d, %d, %d", rows, wrong, answers,
			workers*len(w.bank), workers*each, workers*len(w.bank))
	}
}

func TestFiltersCombine(t *testing.T) {
	w := newWorld(t)
	q := func(i int) int64 { return w.bank[i].ID }
	for _, i := range []int{0, 1, 4} {
		w.call(t, "POST", fmt.Sprintf("/api/quiz/questions/%d/tags", q(i)), map[string]any{"add": "复习"}, w.tok)
	}
	for _, i := range []int{1, 4, 5} {
		w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q(i), "is_correct": false}, w.tok)
	}
	w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": q(4)}, w.tok)
	tests := map[string]string{
		"/api/quiz/questions?tag=复习":                            "1,2,5",
		"/api/quiz/questions?tag=复习&mode=mistakes":              "2,5",
		"/api/quiz/questions?tag=复习&source=favorites":           "5",
		"/api/quiz/questions?tag=复习&mode=mistakes&subject=数据结构": "5",
		"/api/quiz/questions?tag=复习&q_type=选择题":                 "1",
		"/api/quiz/questions?mode=mistakes&q_type=填空题":          "5",
		"/api/quiz/questions?tag=没有":                            "",
		"/api/quiz/questions?tag=all&mode=mistakes":             "2,5,6",
	}
	for path, want := range tests {
		d := data(t, w.call(t, "GET", path, nil, w.tok))
		var ids []string
		for _, it := range d["questions"].([]any) {
			ids = append(ids, fmt.Sprint(it.(map[string]any)["id"]))
		}
		if got := strings.Join(ids, ","); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	r := w.call(t, "GET", "/api/quiz/questions/count?tag=复习&source=mistakes", nil, w.tok)
	if num(t, r.JSON["count"]) != 2 {
		t.Errorf("count with tag and mistakes: %s", r.Raw)
	}
	r = w.call(t, "GET", "/api/quiz/questions/user_counts?tag=复习", nil, w.tok)
	if num(t, r.JSON["mistakes"]) != 2 || num(t, r.JSON["favorites"]) != 1 {
		t.Errorf("user counts with tag: %s", r.Raw)
	}
}
