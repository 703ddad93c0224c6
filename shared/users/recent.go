package users

import (
	"context"
	"sync"
	"time"
)

// maxRecentRows caps the in-process copy of user rows; past it the copy
// starts over.
const maxRecentRows = 20_000

// changes is the process's record of which users' state changed: their
// row, favourites, mistakes or subject blacklist. In-process caches keyed
// by a user remember the generation they were filled at and refill when
// it moved, so a change made through this process is seen by the very
// next request. Changes made by other processes are bounded by the
// caches' time to live instead.
type changes struct {
	mu  sync.RWMutex
	all uint64           // bumped when many users changed at once
	one map[int64]uint64 // per user
}

func (c *changes) gen(id int64) uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.all + c.one[id]
}

func (c *changes) note(id int64) {
	c.mu.Lock()
	if c.one == nil {
		c.one = map[int64]uint64{}
	}
	c.one[id]++
	c.mu.Unlock()
}

func (c *changes) noteAll() {
	c.mu.Lock()
	c.all++
	c.mu.Unlock()
}

type recentRow struct {
	u   User
	gen uint64
	at  time.Time
}

// recentRows is the in-process copy of rows the guards read.
type recentRows struct {
	mu   sync.RWMutex
	rows map[int64]recentRow
}

// CacheFor lets Recent answer from rows read up to ttl ago; 0 (the
// default) makes every Recent a database read. Call it before serving.
func (s *Store) CacheFor(ttl time.Duration) { s.ttl = ttl }

// CacheTTL is the time to live set by CacheFor.
func (s *Store) CacheTTL() time.Duration { return s.ttl }

// Changed records that user id's row or per-user data (favourites,
// mistakes, subject blacklist) changed, so in-process caches drop what
// they hold for the user. Every writer outside this package calls it
// after its transaction commits; the Store's own writers do it for them.
func (s *Store) Changed(id int64) { s.changes.note(id) }

// ChangedAll is Changed for every user (a subject and everything hung on
// it was deleted).
func (s *Store) ChangedAll() { s.changes.noteAll() }

// Generation is the change count of user id; a cache filled at one
// generation is stale once it differs.
func (s *Store) Generation(id int64) uint64 { return s.changes.gen(id) }

// Recent is ByID for the guards: with a time to live set it answers from
// a copy read at most that long ago and not changed through this process
// since, which keeps the row read off every authenticated request. A
// lock, revocation or deletion made through this process is therefore
// seen at once, one made by another process within the time to live.
// The caller gets its own copy.
func (s *Store) Recent(ctx context.Context, id int64) (*User, error) {
	if s.ttl <= 0 {
		return s.ByID(ctx, id)
	}
	now := time.Now()
	gen := s.changes.gen(id)
	s.recent.mu.RLock()
	r, ok := s.recent.rows[id]
	s.recent.mu.RUnlock()
	if ok && r.gen == gen && now.Sub(r.at) < s.ttl {
		u := r.u
		return &u, nil
	}
	u, err := s.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.recent.mu.Lock()
	if s.recent.rows == nil || len(s.recent.rows) >= maxRecentRows {
		s.recent.rows = map[int64]recentRow{}
	}
	s.recent.rows[id] = recentRow{u: *u, gen: gen, at: now}
	s.recent.mu.Unlock()
	return u, nil
}
