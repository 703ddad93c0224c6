package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

func TestEphemeralPurgeKeepsGracePeriod(t *testing.T) {
	env := testkit.New(t)
	now := time.Now()
	e := &ephemeral{db: env.Deps.DB, now: func() time.Time { return now }, lastPurged: now}
	ctx := context.Background()
	if err := e.put(ctx, env.Deps.DB, kindTempToken, "old", tempToken{Token: "old"}, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := e.put(ctx, env.Deps.DB, kindTempToken, "recent", tempToken{Token: "recent"}, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, err := e.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want the one past its grace period", n, err)
	}
	var tok tempToken
	if err := e.get(ctx, env.Deps.DB, kindTempToken, "old", &tok); !errors.Is(err, errNoRecord) {
		t.Fatalf("old record: %v", err)
	}
	if err := e.get(ctx, env.Deps.DB, kindTempToken, "recent", &tok); err != nil || tok.Token != "recent" {
		t.Fatalf("recent record: %+v %v", tok, err)
	}
	// Kinds do not collide on the same key.
	if err := e.get(ctx, env.Deps.DB, kindLoginToken, "recent", &tok); !errors.Is(err, errNoRecord) {
		t.Fatalf("other kind: %v", err)
	}
}
