package quiz

import (
	"fmt"
	"strings"
	"testing"
)

// testCorpus is a loaded corpus of n entries whose text is "x<i>y".
func testCorpus(n int) *corpus {
	c := &corpus{loaded: true, results: map[searchKey][]int64{}}
	for i := range n {
		c.entries = append(c.entries, searchEntry{id: int64(n - i), start: len(c.text)})
		c.text = append(c.text, fmt.Sprintf("x%dy", i)...)
		c.text = append(c.text, 0)
	}
	return c
}

// Long keywords are searched but never cached, so a client cannot pin
// megabyte-sized keys in the result cache.
func TestSearchCacheSkipsLongKeywords(t *testing.T) {
	c := testCorpus(10)
	long := strings.Repeat("q", maxCachedNeedle+1)
	if got := c.find(searchKey{needle: long}, nil); len(got) != 0 {
		t.Fatalf("long keyword matched %v", got)
	}
	if len(c.results) != 0 || c.cached != 0 {
		t.Fatalf("long keyword cached: %d entries, %d ids", len(c.results), c.cached)
	}
	if got := c.find(searchKey{needle: "x1y"}, nil); fmt.Sprint(got) != "[9]" {
		t.Fatalf("x1y matched %v", got)
	}
	if len(c.results) != 1 || c.cached != 1 {
		t.Fatalf("short keyword: %d entries, %d ids cached", len(c.results), c.cached)
	}
	// The same search again is served from the cache and counted once.
	c.find(searchKey{needle: "x1y"}, nil)
	if c.cached != 1 {
		t.Fatalf("repeat search counted twice: %d ids", c.cached)
	}
}

// The ids held by the result cache stay within maxCachedIDs however many
// broad searches run.
func TestSearchCacheBoundsHeldIDs(t *testing.T) {
	const n = 50000
	c := testCorpus(n)
	for i := range 2*maxCachedIDs/n + 2 {
		got := c.find(searchKey{needle: "x", qtype: "", subjectID: 0, excluded: fmt.Sprint(i)}, nil)
		if len(got) != n {
			t.Fatalf("search %d matched %d, want %d", i, len(got), n)
		}
		held := 0
		for _, ids := range c.results {
			held += len(ids)
		}
		if held != c.cached || held > maxCachedIDs {
			t.Fatalf("after search %d the cache holds %d ids (counted %d, bound %d)", i, held, c.cached, maxCachedIDs)
		}
	}
}
