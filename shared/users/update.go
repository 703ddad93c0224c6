package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"quizbank/shared/store"
)

// ErrTaken means the username, e-mail or openid is already used by
// another account.
var ErrTaken = errors.New("already used by another account")

func affected(res interface{ RowsAffected() (int64, error) }, id int64) error {
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return nil
}

// SetPassword stores a new hash and marks the account as having a
// password. revoke also bumps session_version, ending every other web
// session and token (a reset does, a change does not).
func (s *Store) SetPassword(ctx context.Context, id int64, hash string, revoke bool) error {
	q := `UPDATE users SET password_hash = ?, has_password_set = 1 WHERE id = ?`
	if revoke {
		q = `UPDATE users SET password_hash = ?, has_password_set = 1,
			session_version = session_version + 1, last_active = NULL WHERE id = ?`
	}
	res, err := s.db.ExecContext(ctx, q, hash, id)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", id, err)
	}
	s.Changed(id)
	return affected(res, id)
}

// Rehash replaces the stored hash after a successful login with an older
// scheme, without touching any flag.
func (s *Store) Rehash(ctx context.Context, id int64, hash string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("rehash password of user %d: %w", id, err)
	}
	s.Changed(id)
	return nil
}

// BindEmail sets the verified e-mail of an account. ErrTaken means
// another account has it.
func (s *Store) BindEmail(ctx context.Context, id int64, email string, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET email = ?, email_verified = 1, email_verified_at = ?
		WHERE id = ?`, strings.TrimSpace(email), store.Timestamp(now), id)
	if store.IsUniqueViolation(err) {
		return ErrTaken
	}
	if err != nil {
		return fmt.Errorf("bind e-mail of user %d: %w", id, err)
	}
	s.Changed(id)
	return affected(res, id)
}

// BindOpenID links a WeChat openid to the account. ErrTaken means another
// account holds it.
func (s *Store) BindOpenID(ctx context.Context, id int64, openid string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET openid = ? WHERE id = ?`, openid, id)
	if store.IsUniqueViolation(err) {
		return ErrTaken
	}
	if err != nil {
		return fmt.Errorf("bind openid of user %d: %w", id, err)
	}
	s.Changed(id)
	return affected(res, id)
}

// UnbindOpenID removes the account's WeChat link (and the same openid from
// any other row), and bumps session_version so every WeChat-issued token
// dies. It returns the new session_version.
func (s *Store) UnbindOpenID(ctx context.Context, id int64) (int64, error) {
	var version int64
	var others []int64
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		others = others[:0] // InTx may run this again after a busy remote database
		var openid string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(openid, '') FROM users WHERE id = ?`, id).
			Scan(&openid); err != nil {
			return notFound(err, id)
		}
		if openid != "" {
			rows, err := tx.QueryContext(ctx, `UPDATE users SET openid = NULL WHERE openid = ? RETURNING id`, openid)
			if err != nil {
				return err
			}
			if others, err = scanInts(rows); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `UPDATE users SET openid = NULL, session_version = session_version + 1,
			last_active = NULL WHERE id = ? RETURNING session_version`, id).Scan(&version)
	})
	if err != nil {
		return 0, fmt.Errorf("unbind WeChat of user %d: %w", id, err)
	}
	s.Changed(id)
	for _, other := range others {
		s.Changed(other)
	}
	return version, nil
}

func scanInts(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func notFound(err error, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return err
}

// ClearActivity marks the user offline (logout).
func (s *Store) ClearActivity(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET last_active = NULL WHERE id = ?`, id); err != nil {
		return fmt.Errorf("clear activity of user %d: %w", id, err)
	}
	s.Changed(id)
	return nil
}

// CreateUnique creates an account whose username is base, or base plus
// sep and the smallest free number. A concurrent sign-up that takes the
// same name makes it try the next one; a taken e-mail or openid is
// returned as ErrTaken so the caller can load the winner.
func (s *Store) CreateUnique(ctx context.Context, n NewUser, base, sep string, now time.Time) (*User, error) {
	for attempt := 0; attempt < 20; attempt++ {
		name, err := s.UniqueUsername(ctx, base, sep)
		if err != nil {
			return nil, err
		}
		n.Username = name
		u, err := s.Create(ctx, n, now)
		if err == nil {
			return u, nil
		}
		if !store.IsUniqueViolation(err) {
			return nil, err
		}
		msg := err.Error()
		if strings.Contains(msg, "users.email") || strings.Contains(msg, "users.openid") {
			return nil, ErrTaken
		}
	}
	return nil, fmt.Errorf("create user %q: no free username after retries", base)
}
