package quiz

import (
	"context"
	"strings"
	"testing"

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
