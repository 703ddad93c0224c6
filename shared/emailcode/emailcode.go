// Package emailcode issues and checks the six-digit e-mail verification
// codes (api.md §1.1): stored as keyed hashes, single use, ten minutes,
// one per address and kind per minute, at most five bind / reset codes
// per user per hour, and dead after five wrong guesses.
package emailcode

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"quizbank/shared/store"
)

// Kind is the purpose of a code (the code_type column).
type Kind string

// The three kinds of code.
const (
	Bind          Kind = "bind"
	Login         Kind = "login"
	ResetPassword Kind = "reset_password"
)

// Rules of api.md §1.1.
const (
	Lifetime       = 10 * time.Minute
	ResendInterval = 60 * time.Second
	HourlyCap      = 5
	MaxFailures    = 5
)

// Refusal is a rule the caller broke; Message is shown to the user.
type Refusal struct{ Message string }

func (r *Refusal) Error() string { return r.Message }

// The refusals, worded as the original words them.
var (
	ErrTooSoon  = &Refusal{"发送验证码过于频繁，请稍后再试"}
	ErrTooMany  = &Refusal{"发送验证码次数过多，请稍后再试"}
	ErrWrong    = &Refusal{"验证码错误或已过期"}
	ErrAttempts = &Refusal{"验证码错误次数过多，请重新发送验证码"}
)

// Store keeps codes in email_verification_codes.
type Store struct {
	db  *store.DB
	key []byte
	now func() time.Time

	mu         sync.Mutex
	lastPurged time.Time
}

// New returns a Store. The hashing key is derived from the application
// secret, so a leaked table does not reveal usable codes; now is the clock
// (read on every call, so tests may move it).
func New(db *store.DB, secret string, now func() time.Time) *Store {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("quizbank e-mail code v1"))
	return &Store{db: db, key: mac.Sum(nil), now: now}
}

// Normalize is the form an address is stored and compared in.
func Normalize(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func (s *Store) digest(email string, kind Kind, code string) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(string(kind) + "\x00" + Normalize(email) + "\x00" + strings.TrimSpace(code)))
	return hex.EncodeToString(mac.Sum(nil))
}

// Generate returns six random decimal digits from the system CSPRNG.
func Generate() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("generate code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// Issued is a freshly stored code: the plain code goes into the e-mail,
// ID lets the caller withdraw it when delivery fails.
type Issued struct {
	ID   int64
	Code string
}

// Issue stores a new code for email after checking the resend interval
// and, for bind and reset codes, the hourly cap of userID. userID 0 means
// the address has no account yet (login codes only).
func (s *Store) Issue(ctx context.Context, email string, kind Kind, userID int64) (Issued, error) {
	s.purgeSometimes(ctx)
	code, err := Generate()
	if err != nil {
		return Issued{}, err
	}
	now := s.now()
	addr := Normalize(email)
	var out Issued
	var refusal error
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_verification_codes
			WHERE email = ? AND code_type = ? AND created_at > ?`,
			addr, string(kind), store.Timestamp(now.Add(-ResendInterval))).Scan(&recent); err != nil {
			return err
		}
		if recent > 0 {
			refusal = ErrTooSoon
			return nil
		}
		if kind != Login && userID > 0 {
			var hourly int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM email_verification_codes
				WHERE user_id = ? AND code_type = ? AND created_at > ?`,
				userID, string(kind), store.Timestamp(now.Add(-time.Hour))).Scan(&hourly); err != nil {
				return err
			}
			if hourly >= HourlyCap {
				refusal = ErrTooMany
				return nil
			}
		}
		var uid any
		if userID > 0 {
			uid = userID
		}
		return tx.QueryRowContext(ctx, `INSERT INTO email_verification_codes
			(email, code, code_type, user_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			addr, s.digest(addr, kind, code), string(kind), uid,
			store.Timestamp(now.Add(Lifetime)), store.Timestamp(now)).Scan(&out.ID)
	})
	if err != nil {
		return Issued{}, fmt.Errorf("issue %s code: %w", kind, err)
	}
	if refusal != nil {
		return Issued{}, refusal
	}
	out.Code = code
	return out, nil
}

// Withdraw deletes a code whose e-mail could not be delivered, so the
// user may ask again at once.
func (s *Store) Withdraw(ctx context.Context, id int64) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM email_verification_codes WHERE id = ?`, id); err != nil {
		return fmt.Errorf("withdraw code %d: %w", id, err)
	}
	return nil
}

// Verify consumes the code when it matches a live code of (email, kind)
// — and of userID when it is non-zero. A wrong guess counts against every
// live code of the address; a code with MaxFailures wrong guesses is dead
// even for the right digits. Refusals are ErrWrong or ErrAttempts.
func (s *Store) Verify(ctx context.Context, email, code string, kind Kind, userID int64) error {
	now := s.now()
	addr := Normalize(email)
	want := s.digest(addr, kind, code)
	var refusal error
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT id, code, failed_attempts FROM email_verification_codes
			WHERE email = ? AND code_type = ? AND is_used = 0 AND expires_at > ?`
		args := []any{addr, string(kind), store.Timestamp(now)}
		if userID > 0 {
			q += ` AND user_id = ?`
			args = append(args, userID)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY id DESC`, args...)
		if err != nil {
			return err
		}
		var live []int64
		var match int64
		dead := false
		for rows.Next() {
			var id int64
			var stored string
			var failures int
			if err := rows.Scan(&id, &stored, &failures); err != nil {
				rows.Close()
				return err
			}
			if failures >= MaxFailures {
				dead = true
				continue
			}
			live = append(live, id)
			if match == 0 && hmac.Equal([]byte(stored), []byte(want)) {
				match = id
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if match != 0 {
			_, err := tx.ExecContext(ctx, `UPDATE email_verification_codes SET is_used = 1, used_at = ?
				WHERE id = ?`, store.Timestamp(now), match)
			return err
		}
		refusal = ErrWrong
		for _, id := range live {
			var failures int
			if err := tx.QueryRowContext(ctx, `UPDATE email_verification_codes
				SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts`, id).
				Scan(&failures); err != nil {
				return err
			}
			if failures >= MaxFailures {
				dead = true
			}
		}
		if dead {
			refusal = ErrAttempts
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("verify %s code: %w", kind, err)
	}
	return refusal
}

// Purge deletes expired codes (the original's hourly job).
func (s *Store) Purge(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM email_verification_codes WHERE expires_at < ?`,
		store.Timestamp(s.now()))
	if err != nil {
		return 0, fmt.Errorf("purge expired codes: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// purgeSometimes runs Purge at most once an hour per process, riding on
// code requests instead of a background job (Lambda has none).
func (s *Store) purgeSometimes(ctx context.Context) {
	s.mu.Lock()
	due := s.now().Sub(s.lastPurged) >= time.Hour
	if due {
		s.lastPurged = s.now()
	}
	s.mu.Unlock()
	if due {
		_, _ = s.Purge(ctx)
	}
}
