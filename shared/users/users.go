// Package users owns the users table: lookups by every identity the
// system knows (id, username, e-mail, WeChat openid), creation with the
// "first account becomes admin" rule, and session revocation.
package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"quizbank/shared/store"
)

// ErrNotFound means no user matched.
var ErrNotFound = errors.New("user not found")

// User is one account row.
type User struct {
	ID                  int64
	Username            string
	PasswordHash        string // "" when the account has no password
	IsAdmin             bool
	IsLocked            bool
	IsSubjectAdmin      bool
	IsNotificationAdmin bool
	SessionVersion      int64
	Avatar              string
	Contact             string
	College             string
	Email               string
	EmailVerified       bool
	HasPasswordSetFlag  bool
	OpenID              string
	CreatedAt           string
	LastActive          string
}

// HasPasswordSet is the original's derived rule (data-model.md §1.1): the
// flag wins when set; otherwise an account with an e-mail has none, and an
// account without one has a password exactly when it has a hash.
func (u *User) HasPasswordSet() bool {
	if u.HasPasswordSetFlag {
		return true
	}
	if strings.TrimSpace(u.Email) != "" {
		return false
	}
	return u.PasswordHash != ""
}

// Store reads and writes users.
type Store struct {
	db *store.DB

	// byID is prepared once: every authenticated request runs it, and
	// parsing the SQL each time cost more than running it.
	prepareOnce sync.Once
	byID        *sql.Stmt

	ttl     time.Duration
	changes changes
	recent  recentRows
}

// New returns a Store over db.
func New(db *store.DB) *Store { return &Store{db: db} }

// DB exposes the handle for packages that join against users.
func (s *Store) DB() *store.DB { return s.db }

const columns = `id, username, COALESCE(password_hash, ''), is_admin, is_locked, is_subject_admin,
	is_notification_admin, session_version, COALESCE(avatar, ''), COALESCE(contact, ''),
	COALESCE(college, ''), COALESCE(email, ''), email_verified, has_password_set,
	COALESCE(openid, ''), created_at, COALESCE(last_active, '')`

// Scan reads one row selected with Columns.
func scan(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.IsAdmin, &u.IsLocked, &u.IsSubjectAdmin,
		&u.IsNotificationAdmin, &u.SessionVersion, &u.Avatar, &u.Contact, &u.College, &u.Email,
		&u.EmailVerified, &u.HasPasswordSetFlag, &u.OpenID, &u.CreatedAt, &u.LastActive)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scan user: %w", err)
	}
	return &u, nil
}

func (s *Store) one(ctx context.Context, where string, arg any) (*User, error) {
	return scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM users WHERE `+where, arg))
}

// ByID finds a user by id.
func (s *Store) ByID(ctx context.Context, id int64) (*User, error) {
	s.prepareOnce.Do(func() {
		st, err := s.db.PrepareContext(context.Background(), `SELECT `+columns+` FROM users WHERE id = ?`)
		if err == nil {
			s.byID = st
		}
	})
	if s.byID == nil {
		return s.one(ctx, "id = ?", id)
	}
	return scan(s.byID.QueryRowContext(ctx, id))
}

// ByUsername finds a user by exact username.
func (s *Store) ByUsername(ctx context.Context, name string) (*User, error) {
	return s.one(ctx, "username = ?", name)
}

// ByEmail finds a user by bound e-mail, ignoring case.
func (s *Store) ByEmail(ctx context.Context, email string) (*User, error) {
	return s.one(ctx, "lower(email) = lower(?)", strings.TrimSpace(email))
}

// ByOpenID finds the user bound to a WeChat openid.
func (s *Store) ByOpenID(ctx context.Context, openid string) (*User, error) {
	return s.one(ctx, "openid = ?", openid)
}

// NewUser is what Create needs.
type NewUser struct {
	Username       string
	PasswordHash   string // "" stores NULL: no password login possible
	Email          string
	EmailVerified  bool
	HasPasswordSet bool
	OpenID         string
	Avatar         string
	IsAdmin        bool // asked for by an admin; the first account is admin anyway
}

// Create inserts a user. The first account ever created becomes admin:
// the emptiness check and the insert are one statement, which SQLite runs
// under its write lock, so concurrent sign-ups yield exactly one admin.
// A taken username, e-mail or openid is reported by IsUniqueViolation.
func (s *Store) Create(ctx context.Context, n NewUser, now time.Time) (*User, error) {
	row := s.db.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, email, email_verified,
		email_verified_at, has_password_set, openid, avatar, is_admin, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, (? OR NOT EXISTS (SELECT 1 FROM users)), ?
		RETURNING id`,
		n.Username, nullable(n.PasswordHash), nullable(n.Email), n.EmailVerified,
		verifiedAt(n.EmailVerified, now), n.HasPasswordSet, nullable(n.OpenID), nullable(n.Avatar),
		n.IsAdmin, store.Timestamp(now))
	var id int64
	if err := row.Scan(&id); err != nil {
		return nil, fmt.Errorf("create user %q: %w", n.Username, err)
	}
	return s.ByID(ctx, id)
}

func verifiedAt(ok bool, now time.Time) any {
	if !ok {
		return nil
	}
	return store.Timestamp(now)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Touch records activity for the "online" indicator. It writes only when
// the stored value is older than a minute, so steady traffic does not turn
// every read into a write; u is the caller's row as the guard read it, and
// when that already shows activity within the minute nothing is run at all.
func (s *Store) Touch(ctx context.Context, u *User, now time.Time) error {
	since := store.Timestamp(now.Add(-time.Minute))
	if u.LastActive != "" && u.LastActive >= since {
		return nil
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET last_active = ?
		WHERE id = ? AND (last_active IS NULL OR last_active < ?)`,
		store.Timestamp(now), u.ID, since)
	if err != nil {
		return fmt.Errorf("touch user %d: %w", u.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.Changed(u.ID)
	}
	return nil
}

// Revoke bumps session_version, which ends every web session and JWT of
// the user, and clears last_active.
func (s *Store) Revoke(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET session_version = session_version + 1,
		last_active = NULL WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("revoke sessions of user %d: %w", id, err)
	}
	s.Changed(id)
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// UniqueUsername returns base, or base followed by sep and the smallest
// number that makes it unused (admin, admin1, admin2 … with sep "").
func (s *Store) UniqueUsername(ctx context.Context, base, sep string) (string, error) {
	name := base
	for i := 1; i < 10000; i++ {
		_, err := s.ByUsername(ctx, name)
		if errors.Is(err, ErrNotFound) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		name = fmt.Sprintf("%s%s%d", base, sep, i)
	}
	return "", fmt.Errorf("no free username for %q", base)
}
