package quiz

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"quizbank/shared/question"
	"quizbank/shared/users"
)

// maxMarks is the most favourites + mistakes + blacklist rows kept in
// memory for one user; a user with more is read page by page instead.
const maxMarks = 2_000

// maxMarkedUsers and maxHeldMarks cap the cache (users, and marks over
// all users: some tens of MB at most); past either the cache starts over.
const (
	maxMarkedUsers = 20_000
	maxHeldMarks   = 1_000_000
)

// marks is one user's favourites, mistakes and subject blacklist.
type marks struct {
	fav, mis map[int64]bool
	black    []int64 // sorted subject ids
	tooMany  bool    // over maxMarks: not held, ask the database
	n        int     // marks held
	gen      uint64  // users.Store generation when read
	bumps    int64   // question.LocalBumps when read
	at       time.Time
}

// markCache keeps users' marks in memory for the list and detail reads,
// which otherwise spend one query per request on them. An entry is used
// while the user's generation and the bank's local version are what they
// were when it was read and it is younger than the users cache's time to
// live; every writer in this process bumps the generation after it
// commits (users.Store.Changed).
type markCache struct {
	users *users.Store
	stmts *stmtCache

	mu    sync.RWMutex
	byUID map[int64]*marks
	held  int // sum of n over byUID
}

// of returns userID's marks, or nil when the cache is off or the user
// has too many to hold.
func (c *markCache) of(ctx context.Context, userID int64) (*marks, error) {
	ttl := c.users.CacheTTL()
	if ttl <= 0 {
		return nil, nil
	}
	now, gen, bumps := time.Now(), c.users.Generation(userID), question.LocalBumps()
	c.mu.RLock()
	m := c.byUID[userID]
	c.mu.RUnlock()
	if m == nil || m.gen != gen || m.bumps != bumps || now.Sub(m.at) >= ttl {
		var err error
		if m, err = c.load(ctx, userID); err != nil {
			return nil, err
		}
		m.gen, m.bumps, m.at = gen, bumps, now
		c.keep(userID, m)
	}
	if m.tooMany {
		return nil, nil
	}
	return m, nil
}

func (c *markCache) keep(userID int64, m *marks) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.byUID[userID]; old != nil {
		c.held -= old.n
	}
	if c.byUID == nil || len(c.byUID) >= maxMarkedUsers || c.held+m.n > maxHeldMarks {
		c.byUID, c.held = map[int64]*marks{}, 0
	}
	c.byUID[userID] = m
	c.held += m.n
}

// blacklist is a copy of the blacklisted subject ids (nil for nil m).
func (m *marks) blacklist() []int64 {
	if m == nil {
		return nil
	}
	return slices.Clone(m.black)
}

func (c *markCache) load(ctx context.Context, userID int64) (*marks, error) {
	rows, err := c.stmts.query(ctx, `
		SELECT question_id, 1 FROM favorites WHERE user_id = ?1
		UNION ALL
		SELECT question_id, 2 FROM mistakes WHERE user_id = ?1
		UNION ALL
		SELECT subject_id, 3 FROM user_subjects WHERE user_id = ?1
		LIMIT ?2`, userID, maxMarks+1)
	if err != nil {
		return nil, fmt.Errorf("read marks of user %d: %w", userID, err)
	}
	defer rows.Close()
	m := &marks{fav: map[int64]bool{}, mis: map[int64]bool{}}
	n := 0
	for rows.Next() {
		var id, kind int64
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, fmt.Errorf("scan marks: %w", err)
		}
		switch kind {
		case 1:
			m.fav[id] = true
		case 2:
			m.mis[id] = true
		default:
			m.black = append(m.black, id)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read marks of user %d: %w", userID, err)
	}
	if n > maxMarks {
		return &marks{tooMany: true}, nil
	}
	slices.Sort(m.black)
	m.n = n
	return m, nil
}
