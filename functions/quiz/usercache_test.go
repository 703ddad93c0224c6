package quiz_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"quizbank/functions/adminconfig"
	"quizbank/functions/quiz"
	"quizbank/shared/testkit"
)

// cachedWorld serves quiz and admin-config from one process, as `local
// serve` does, with a user cache that would hide for an hour anything
// not announced through users.Store.Changed.
func cachedWorld(t *testing.T) *world {
	t.Helper()
	env := testkit.New(t, testkit.WithEnv("USER_CACHE_TTL", "1m"))
	w := &world{env: env}
	w.admin = env.CreateUser("admin", "AdminPass123", true)
	w.student = env.CreateUser("student1", "Student123", false)
	w.bank = env.ImportTemplate()
	w.srv = env.Serve(quiz.Register, adminconfig.Register)
	w.tok = testkit.Bearer(env.Token(w.student))
	return w
}

// flagsOf lists the first subject's page and returns is_fav/is_mistake
// of question id.
func (w *world) flagsOf(t *testing.T, subject string, id int64) (fav, mis float64) {
	t.Helper()
	d := data(t, w.call(t, "GET", "/api/quiz/questions?per_page=50&subject="+url.QueryEscape(subject), nil, w.tok))
	for _, q := range d["questions"].([]any) {
		m := q.(map[string]any)
		if int64(num(t, m["id"])) == id {
			return num(t, m["is_fav"]), num(t, m["is_mistake"])
		}
	}
	t.Fatalf("question %d not on the page of %s", id, subject)
	return 0, 0
}

func TestCachedMarksFollowTheUsersOwnWrites(t *testing.T) {
	w := cachedWorld(t)
	q := w.bank[0]
	if fav, mis := w.flagsOf(t, q.Subject, q.ID); fav != 0 || mis != 0 {
		t.Fatalf("fresh user: is_fav %v is_mistake %v", fav, mis)
	}
	w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": q.ID}, w.tok)
	if fav, _ := w.flagsOf(t, q.Subject, q.ID); fav != 1 {
		t.Errorf("after favouriting: is_fav %v, want 1", fav)
	}
	w.call(t, "POST", "/api/quiz/record_result", map[string]any{"question_id": q.ID, "is_correct": false}, w.tok)
	if _, mis := w.flagsOf(t, q.Subject, q.ID); mis != 1 {
		t.Errorf("after a wrong answer: is_mistake %v, want 1", mis)
	}
	d := data(t, w.call(t, "GET", fmt.Sprintf("/api/quiz/questions/%d", q.ID), nil, w.tok))
	if num(t, d["is_fav"]) != 1 || num(t, d["is_mistake"]) != 1 {
		t.Errorf("detail after both: %v", d)
	}
	w.call(t, "POST", "/api/quiz/favorite", map[string]any{"question_id": q.ID}, w.tok)
	if fav, mis := w.flagsOf(t, q.Subject, q.ID); fav != 0 || mis != 1 {
		t.Errorf("after un-favouriting: is_fav %v is_mistake %v, want 0 1", fav, mis)
	}
}

func TestCachedMarksFollowAdminChanges(t *testing.T) {
	w := cachedWorld(t)
	admin := testkit.Bearer(w.env.Token(w.admin))
	q := w.bank[0]
	var subjectID int64
	if err := w.env.Deps.DB.QueryRow(`SELECT subject_id FROM questions WHERE id = ?`, q.ID).Scan(&subjectID); err != nil {
		t.Fatal(err)
	}
	list := "/api/quiz/questions?subject=" + url.QueryEscape(q.Subject)
	if d := data(t, w.call(t, "GET", list, nil, w.tok)); num(t, d["total"]) == 0 {
		t.Fatalf("subject %s is empty before the blacklist", q.Subject)
	}

	r := w.call(t, "POST", fmt.Sprintf("/admin/api/users/%d/subjects", w.student.ID),
		map[string]any{"subject_ids": []int64{subjectID}}, admin)
	if r.Status != http.StatusOK {
		t.Fatalf("blacklist: %d %s", r.Status, r.Raw)
	}
	if d := data(t, w.call(t, "GET", list, nil, w.tok)); num(t, d["total"]) != 0 {
		t.Errorf("blacklisted subject still lists %v questions", d["total"])
	}
	if d := data(t, w.call(t, "GET", "/api/quiz/questions?subject=all&per_page=50", nil, w.tok)); containsID(t, d, q.ID) {
		t.Errorf("the all-subjects list still holds question %d of the blacklisted subject", q.ID)
	}

	r = w.call(t, "DELETE", fmt.Sprintf("/admin/api/users/%d/subjects/%d", w.student.ID, subjectID), nil, admin)
	if r.Status != http.StatusOK {
		t.Fatalf("lift blacklist: %d %s", r.Status, r.Raw)
	}
	if d := data(t, w.call(t, "GET", list, nil, w.tok)); num(t, d["total"]) == 0 {
		t.Errorf("subject still empty after the blacklist was lifted")
	}

	r = w.call(t, "POST", fmt.Sprintf("/admin/api/users/%d/toggle_lock", w.student.ID), nil, admin)
	if r.Status != http.StatusOK {
		t.Fatalf("lock: %d %s", r.Status, r.Raw)
	}
	if r := w.call(t, "GET", list, nil, w.tok); r.Status != http.StatusUnauthorized {
		t.Errorf("locked user's list: %d %s, want 401", r.Status, r.Raw)
	}
}

func containsID(t *testing.T, page map[string]any, id int64) bool {
	t.Helper()
	for _, q := range page["questions"].([]any) {
		if int64(num(t, q.(map[string]any)["id"])) == id {
			return true
		}
	}
	return false
}

// A write behind the process's back (another process) is what the time
// to live bounds: with a minute, it stays unseen, which shows the list
// really answers from memory; with the cache off it is seen at once.
func TestMarksWrittenByAnotherProcess(t *testing.T) {
	for _, tc := range []struct {
		ttl     string
		wantFav float64
	}{{"1m", 0}, {"0", 1}} {
		t.Run("ttl="+tc.ttl, func(t *testing.T) {
			env := testkit.New(t, testkit.WithEnv("USER_CACHE_TTL", tc.ttl))
			w := &world{env: env, student: env.CreateUser("student1", "Student123", false)}
			w.bank = env.ImportTemplate()
			w.srv = env.Serve(quiz.Register)
			w.tok = testkit.Bearer(env.Token(w.student))
			q := w.bank[0]
			w.flagsOf(t, q.Subject, q.ID)
			if _, err := env.Deps.DB.Exec(`INSERT INTO favorites (user_id, question_id) VALUES (?, ?)`, w.student.ID, q.ID); err != nil {
				t.Fatal(err)
			}
			if fav, _ := w.flagsOf(t, q.Subject, q.ID); fav != tc.wantFav {
				t.Errorf("is_fav %v, want %v", fav, tc.wantFav)
			}
			env.Deps.Users.Changed(w.student.ID)
			if fav, _ := w.flagsOf(t, q.Subject, q.ID); fav != 1 {
				t.Errorf("after Changed: is_fav %v, want 1", fav)
			}
		})
	}
}

// A user with more marks than the cache holds is read page by page and
// still gets every flag right.
func TestManyMarksAreReadFromTheDatabase(t *testing.T) {
	env := testkit.New(t, testkit.WithEnv("USER_CACHE_TTL", "1m"), testkit.WithEnv("RATELIMIT_ENABLED", "false"))
	u := env.CreateUser("hoarder", "Hoarder1234", false)
	env.SeedBankT(2_400, 1)
	for id := 1; id <= 2_400; id++ {
		table := "favorites"
		if id%2 == 0 {
			table = "mistakes"
		}
		if _, err := env.Deps.DB.Exec(`INSERT INTO `+table+` (user_id, question_id) VALUES (?, ?)`, u.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	srv := env.Serve(quiz.Register)
	tok := testkit.Bearer(env.Token(u))
	for _, page := range []int{1, 2} {
		r := testkit.Call(t, srv.URL, "GET", fmt.Sprintf("/api/quiz/questions?subject=all&page=%d&per_page=10", page), nil, tok)
		d := data(t, r)
		for _, q := range d["questions"].([]any) {
			m := q.(map[string]any)
			id := int64(num(t, m["id"]))
			wantFav, wantMis := float64(id%2), float64(1-id%2)
			if num(t, m["is_fav"]) != wantFav || num(t, m["is_mistake"]) != wantMis {
				t.Errorf("question %d: is_fav %v is_mistake %v, want %v %v", id, m["is_fav"], m["is_mistake"], wantFav, wantMis)
			}
		}
	}
}
