package users_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

// lockBehindTheBack locks id with plain SQL, as another process would.
func lockBehindTheBack(t *testing.T, env *testkit.Env, id int64) {
	t.Helper()
	if _, err := env.Deps.DB.Exec(`UPDATE users SET is_locked = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
}

func TestRecentAnswersFromMemoryUntilChanged(t *testing.T) {
	env := testkit.New(t)
	st, ctx := env.Deps.Users, context.Background()
	st.CacheFor(time.Hour)
	u := env.CreateUser("lin", "LinPass1234", false)
	if _, err := st.Recent(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	lockBehindTheBack(t, env, u.ID)
	got, err := st.Recent(ctx, u.ID)
	if err != nil || got.IsLocked {
		t.Fatalf("within the time to live: locked=%v err=%v, want the remembered row", got.IsLocked, err)
	}
	got.Username = "scribbled" // the caller's copy, not the cache's
	st.Changed(u.ID)
	got, err = st.Recent(ctx, u.ID)
	if err != nil || !got.IsLocked || got.Username != "lin" {
		t.Fatalf("after Changed: %+v %v, want the locked row of lin", got, err)
	}
}

func TestRecentSeesTheStoresOwnWritesAtOnce(t *testing.T) {
	env := testkit.New(t)
	st, ctx := env.Deps.Users, context.Background()
	st.CacheFor(time.Hour)
	u := env.CreateUser("lin", "LinPass1234", false)
	before, _ := st.Recent(ctx, u.ID)
	if err := st.Revoke(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	after, err := st.Recent(ctx, u.ID)
	if err != nil || after.SessionVersion != before.SessionVersion+1 {
		t.Fatalf("session_version %d after revoke (was %d), err %v", after.SessionVersion, before.SessionVersion, err)
	}
	if err := st.BindEmail(ctx, u.ID, "lin@example.test", time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Recent(ctx, u.ID); got.Email != "lin@example.test" {
		t.Fatalf("e-mail %q after BindEmail", got.Email)
	}
}

func TestRecentExpiresAndCanBeOff(t *testing.T) {
	for _, ttl := range []time.Duration{0, time.Nanosecond} {
		env := testkit.New(t)
		st, ctx := env.Deps.Users, context.Background()
		st.CacheFor(ttl)
		u := env.CreateUser("lin", "LinPass1234", false)
		if _, err := st.Recent(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		lockBehindTheBack(t, env, u.ID)
		if got, err := st.Recent(ctx, u.ID); err != nil || !got.IsLocked {
			t.Errorf("ttl %v: locked=%v err=%v, want the fresh row", ttl, got != nil && got.IsLocked, err)
		}
	}
	env := testkit.New(t)
	env.Deps.Users.CacheFor(time.Hour)
	if _, err := env.Deps.Users.Recent(context.Background(), 999); !errors.Is(err, users.ErrNotFound) {
		t.Errorf("missing user: %v, want ErrNotFound", err)
	}
}

func TestTouchWritesAtMostOncePerMinute(t *testing.T) {
	env := testkit.New(t)
	st, ctx := env.Deps.Users, context.Background()
	u := env.CreateUser("lin", "LinPass1234", false)
	now := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	stored := func() string {
		var s string
		if err := env.Deps.DB.QueryRow(`SELECT COALESCE(last_active, '') FROM users WHERE id = ?`, u.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := st.Touch(ctx, u, now); err != nil || stored() != "2026-12-04 08:00:00" {
		t.Fatalf("first touch: %q %v", stored(), err)
	}
	fresh, _ := st.ByID(ctx, u.ID)
	// The row the guard holds shows activity 30 s ago: no statement runs,
	// even though the database (changed behind our back) would take one.
	if _, err := env.Deps.DB.Exec(`UPDATE users SET last_active = NULL WHERE id = ?`, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.Touch(ctx, fresh, now.Add(30*time.Second)); err != nil || stored() != "" {
		t.Fatalf("touch within the minute wrote %q (%v)", stored(), err)
	}
	if err := st.Touch(ctx, fresh, now.Add(61*time.Second)); err != nil || stored() != "2026-12-04 08:01:01" {
		t.Fatalf("touch after the minute: %q %v", stored(), err)
	}
}
