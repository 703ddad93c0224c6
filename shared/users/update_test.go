package users_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

func TestCreateUniqueNumbersAndReportsTakenEmail(t *testing.T) {
	env := testkit.New(t)
	st := env.Deps.Users
	ctx := context.Background()
	now := time.Now()
	a, err := st.CreateUnique(ctx, users.NewUser{Email: "x@example.test"}, "lin", "", now)
	if err != nil || a.Username != "lin" || !a.IsAdmin {
		t.Fatalf("first: %+v %v", a, err)
	}
	b, err := st.CreateUnique(ctx, users.NewUser{OpenID: "o1"}, "lin", "_", now)
	if err != nil || b.Username != "lin_1" || b.IsAdmin {
		t.Fatalf("second: %+v %v", b, err)
	}
	if _, err := st.CreateUnique(ctx, users.NewUser{Email: "x@example.test"}, "other", "", now); !errors.Is(err, users.ErrTaken) {
		t.Fatalf("duplicate e-mail: %v, want ErrTaken", err)
	}
	if _, err := st.CreateUnique(ctx, users.NewUser{OpenID: "o1"}, "other", "", now); !errors.Is(err, users.ErrTaken) {
		t.Fatalf("duplicate openid: %v, want ErrTaken", err)
	}
}

func TestCreateUniqueUnderRace(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	names := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := env.Deps.Users.CreateUnique(ctx, users.NewUser{}, "same", "_", time.Now())
			if err != nil {
				t.Error(err)
				return
			}
			names <- u.Username
		}()
	}
	wg.Wait()
	close(names)
	seen := map[string]bool{}
	for n := range names {
		if seen[n] {
			t.Fatalf("username %s handed out twice", n)
		}
		seen[n] = true
	}
	var admins int
	_ = env.Deps.DB.QueryRow(`SELECT COUNT(*) FROM users WHERE is_admin = 1`).Scan(&admins)
	if len(seen) != 20 || admins != 1 {
		t.Fatalf("%d accounts, %d admins", len(seen), admins)
	}
}

func TestBindAndUnbindOpenID(t *testing.T) {
	env := testkit.New(t)
	st := env.Deps.Users
	ctx := context.Background()
	a := env.CreateUser("a", "", false)
	b := env.CreateUser("b", "", false)
	if err := st.BindOpenID(ctx, a.ID, "oA"); err != nil {
		t.Fatal(err)
	}
	if err := st.BindOpenID(ctx, b.ID, "oA"); !errors.Is(err, users.ErrTaken) {
		t.Fatalf("second bind: %v", err)
	}
	if err := st.BindOpenID(ctx, 999, "oZ"); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
	v, err := st.UnbindOpenID(ctx, a.ID)
	if err != nil || v != a.SessionVersion+1 {
		t.Fatalf("unbind: version %d, %v", v, err)
	}
	after, _ := st.ByID(ctx, a.ID)
	if after.OpenID != "" || after.SessionVersion != v {
		t.Fatalf("after unbind %+v", after)
	}
	if _, err := st.UnbindOpenID(ctx, 999); !errors.Is(err, users.ErrNotFound) {
		t.Fatalf("unbind missing user: %v", err)
	}
}

func TestSetPasswordAndEmail(t *testing.T) {
	env := testkit.New(t)
	st := env.Deps.Users
	ctx := context.Background()
	u := env.CreateUser("p", "", false)
	if err := st.SetPassword(ctx, u.ID, "hash-1", false); err != nil {
		t.Fatal(err)
	}
	got, _ := st.ByID(ctx, u.ID)
	if got.PasswordHash != "hash-1" || !got.HasPasswordSetFlag || got.SessionVersion != u.SessionVersion {
		t.Fatalf("change: %+v", got)
	}
	if err := st.SetPassword(ctx, u.ID, "hash-2", true); err != nil {
		t.Fatal(err)
	}
	got, _ = st.ByID(ctx, u.ID)
	if got.PasswordHash != "hash-2" || got.SessionVersion != u.SessionVersion+1 {
		t.Fatalf("reset: %+v", got)
	}
	other := env.CreateUser("q", "", false)
	if err := st.BindEmail(ctx, u.ID, "p@example.test", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.BindEmail(ctx, other.ID, "p@example.test", time.Now()); !errors.Is(err, users.ErrTaken) {
		t.Fatalf("taken e-mail: %v", err)
	}
	if got, _ = st.ByEmail(ctx, "P@EXAMPLE.test"); got == nil || got.ID != u.ID || !got.EmailVerified {
		t.Fatalf("by e-mail: %+v", got)
	}
}
