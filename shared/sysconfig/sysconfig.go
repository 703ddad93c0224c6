// Package sysconfig is the system_config table behind one typed accessor:
// database values win over the environment, reads are cached briefly, and
// secret values (SMTP password, API keys) are encrypted at rest with a key
// derived from SECRET_KEY.
package sysconfig

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"quizbank/shared/store"
)

// secretKeys are stored encrypted and never shown.
var secretKeys = map[string]bool{
	"mail_password":     true,
	"resend_api_key":    true,
	"dashscope_api_key": true,
}

// IsSecret reports whether key holds a secret.
func IsSecret(key string) bool { return secretKeys[key] }

// Mask is what responses show instead of a set secret.
const Mask = "***"

// Row is one configuration entry as stored (secrets decrypted).
type Row struct {
	ID          int64
	Key         string
	Value       string
	Description string
	UpdatedAt   string
	UpdatedBy   *int64
}

// Store reads and writes system_config.
type Store struct {
	db  *store.DB
	aed cipher.AEAD
	ttl time.Duration

	mu      sync.Mutex
	rows    map[string]Row
	fetched time.Time
}

// New returns a Store; ttl bounds how stale a cached read may be.
func New(db *store.DB, secret string, ttl time.Duration) *Store {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("quizbank system_config encryption v1"))
	block, _ := aes.NewCipher(mac.Sum(nil))
	aed, _ := cipher.NewGCM(block)
	return &Store{db: db, aed: aed, ttl: ttl}
}

const encPrefix = "enc:v1:"

func (s *Store) encrypt(plain string) string {
	nonce := make([]byte, s.aed.NonceSize())
	_, _ = rand.Read(nonce)
	return encPrefix + base64.RawStdEncoding.EncodeToString(s.aed.Seal(nonce, nonce, []byte(plain), nil))
}

func (s *Store) decrypt(stored string) (string, error) {
	if !strings.HasPrefix(stored, encPrefix) {
		return stored, nil // written before encryption (e.g. migrated from the original)
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimPrefix(stored, encPrefix))
	n := s.aed.NonceSize()
	if err != nil || len(raw) < n {
		return "", errors.New("stored secret is corrupt")
	}
	plain, err := s.aed.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", errors.New("stored secret cannot be decrypted (was SECRET_KEY changed?)")
	}
	return string(plain), nil
}

func (s *Store) load(ctx context.Context) (map[string]Row, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rows != nil && time.Since(s.fetched) < s.ttl {
		return s.rows, nil
	}
	rs, err := s.db.QueryContext(ctx, `SELECT id, config_key, config_value, COALESCE(description, ''),
		updated_at, updated_by FROM system_config`)
	if err != nil {
		return nil, fmt.Errorf("read system_config: %w", err)
	}
	defer rs.Close()
	rows := map[string]Row{}
	for rs.Next() {
		var r Row
		if err := rs.Scan(&r.ID, &r.Key, &r.Value, &r.Description, &r.UpdatedAt, &r.UpdatedBy); err != nil {
			return nil, fmt.Errorf("scan system_config: %w", err)
		}
		if IsSecret(r.Key) {
			if r.Value, err = s.decrypt(r.Value); err != nil {
				return nil, fmt.Errorf("system_config %s: %w", r.Key, err)
			}
		}
		rows[r.Key] = r
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	s.rows, s.fetched = rows, time.Now()
	return rows, nil
}

// Invalidate drops the cache, so the next read sees the database.
func (s *Store) Invalidate() {
	s.mu.Lock()
	s.rows = nil
	s.mu.Unlock()
}

// Lookup returns the stored row for key.
func (s *Store) Lookup(ctx context.Context, key string) (Row, bool, error) {
	rows, err := s.load(ctx)
	if err != nil {
		return Row{}, false, err
	}
	r, ok := rows[key]
	return r, ok, nil
}

// All returns every row (secrets decrypted; callers mask them).
func (s *Store) All(ctx context.Context) ([]Row, error) {
	rows, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		out = append(out, r)
	}
	return out, nil
}

// String returns the stored value of key, or fallback when no row exists.
// A read failure falls back too: configuration reads must not fail a
// request that can run on the environment's values.
func (s *Store) String(ctx context.Context, key, fallback string) string {
	r, ok, err := s.Lookup(ctx, key)
	if err != nil || !ok {
		return fallback
	}
	return r.Value
}

// Bool reads true/false/1/0/yes/no/on/off, else fallback.
func (s *Store) Bool(ctx context.Context, key string, fallback bool) bool {
	switch strings.ToLower(strings.TrimSpace(s.String(ctx, key, ""))) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return fallback
}

// Int reads an integer, else fallback.
func (s *Store) Int(ctx context.Context, key string, fallback int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s.String(ctx, key, "")))
	if err != nil {
		return fallback
	}
	return n
}

// Set upserts key (encrypting secrets). description replaces the stored
// one only when non-empty; by is the admin making the change (0: none).
func (s *Store) Set(ctx context.Context, key, value, description string, by int64) error {
	stored := value
	if IsSecret(key) && value != "" {
		stored = s.encrypt(value)
	}
	var updatedBy any
	if by > 0 {
		updatedBy = by
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO system_config (config_key, config_value, description, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(config_key) DO UPDATE SET config_value = excluded.config_value,
			description = CASE WHEN excluded.description <> '' THEN excluded.description ELSE system_config.description END,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, stored, description, store.Timestamp(time.Now()), updatedBy)
	s.Invalidate()
	if err != nil {
		return fmt.Errorf("save system_config %s: %w", key, err)
	}
	return nil
}
