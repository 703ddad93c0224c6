package quiz

import (
	"context"
	"strings"
	"testing"
	"time"

	"quizbank/shared/question"
	"quizbank/shared/testkit"
)

// A question-type filter longer than any real type is answered but not
// cached, so query strings cannot fill the filter cache with large keys.
func TestFilterCacheSkipsLongTypes(t *testing.T) {
	env := testkit.New(t)
	env.SeedBankT(20, 2)
	c := newCatalog(env.Deps.DB)
	ctx := context.Background()
	long := strings.Repeat("题", 200)
	ids, err := c.filterIDs(ctx, filterKey{qtype: long}, nil)
	if err != nil || len(ids) != 0 {
		t.Fatalf("long type: %v %v", ids, err)
	}
	if len(c.filters) != 0 {
		t.Fatalf("long type cached: %d filters", len(c.filters))
	}
	all, err := c.filterIDs(ctx, filterKey{}, nil)
	if err != nil || len(all) != 20 {
		t.Fatalf("no filter: %d ids, %v", len(all), err)
	}
	if len(c.filters) != 1 {
		t.Fatalf("plain filter not cached: %d filters", len(c.filters))
	}
}

// A reader that refills the catalog while an edit's transaction is still
// open sees the old row; the edit's Changed after the commit must drop
// that refill, or the old row is served until the next re-check.
func TestCatalogRefillDuringAnEditIsDropped(t *testing.T) {
	env := testkit.New(t)
	ids := env.SeedBankT(5, 1)
	c := newCatalog(env.Deps.DB)
	ctx := context.Background()
	if _, err := c.one(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	tx, err := env.Deps.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE questions SET content = 'edited' WHERE id = ?`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := question.BumpStored(ctx, tx); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.checkedAt = time.Time{} // make the next read re-check, as one a second later would
	c.mu.Unlock()
	during, err := c.one(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if during.Q.Content == "edited" {
		t.Fatal("an uncommitted edit was visible")
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	question.Changed()
	after, err := c.one(ctx, ids[0])
	if err != nil || after.Q.Content != "edited" {
		t.Fatalf("after the commit: %q %v, want the edited row", after.Q.Content, err)
	}
}
