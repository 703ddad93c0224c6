package quiz

import (
	"context"
	"sync"
	"testing"
	"time"

	"quizbank/shared/store"
	"quizbank/shared/testkit"
)

// Under concurrency the recorder shares commits; alone it writes at once.
func TestRecorderSharesCommits(t *testing.T) {
	env := testkit.New(t)
	var users []int64
	for i := 0; i < 32; i++ {
		users = append(users, env.CreateUser("r"+string(rune('a'+i)), "Recorder123", false).ID)
	}
	env.SeedBankT(100, 2)
	s := newService(env.Deps)
	start := time.Now()
	var wg sync.WaitGroup
	for _, uid := range users {
		wg.Add(1)
		go func(uid int64) {
			defer wg.Done()
			for j := int64(1); j <= 20; j++ {
				if err := s.rec.record(&answerOp{ctx: context.Background(), userID: uid, questionID: j,
					now: store.Timestamp(time.Now())}); err != nil {
					t.Error(err)
					return
				}
			}
		}(uid)
	}
	wg.Wait()
	b, n := s.rec.batches.Load(), s.rec.written.Load()
	t.Logf("%d answers in %d commits (%.1f per commit) in %v", n, b, float64(n)/float64(b), time.Since(start))
	if n != 32*20 || b >= n {
		t.Fatalf("%d answers in %d commits: no commit was shared", n, b)
	}
}

// One unknown question in a shared commit fails only its own answer.
func TestRecorderIsolatesABadAnswer(t *testing.T) {
	env := testkit.New(t)
	uid := env.CreateUser("solo", "Recorder123", false).ID
	env.SeedBankT(10, 1)
	s := newService(env.Deps)
	ops := []*answerOp{}
	for _, qid := range []int64{1, 2, 999, 3} {
		ops = append(ops, &answerOp{ctx: context.Background(), userID: uid, questionID: qid,
			now: store.Timestamp(time.Now()), done: make(chan error, 1)})
	}
	s.rec.flush(ops)
	for i, op := range ops {
		err := <-op.done
		if bad := op.questionID == 999; bad != (err != nil) {
			t.Fatalf("answer %d (question %d): err = %v", i, op.questionID, err)
		}
	}
	var n int
	_ = env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM mistakes WHERE user_id = ?`, uid).Scan(&n)
	if n != 3 {
		t.Fatalf("%d mistakes stored, want the 3 good ones", n)
	}
}
