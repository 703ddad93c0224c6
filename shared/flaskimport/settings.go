package flaskimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"quizbank/shared/sysconfig"
)

// secretSetting is a secret row held back until the main transaction has
// committed, because sysconfig.Store encrypts and writes on its own
// connection.
type secretSetting struct {
	key, value, description string
	by                      int64
}

// systemConfig copies the settings by key (the original's INSERT OR
// REPLACE changed their ids, so ids are not kept here). The Flask value
// wins over ours: the row is updated when it differs, left alone when it
// matches.
func (m *migrator) systemConfig(ctx context.Context) error {
	tally := m.report.table("system_config")
	n, err := m.count(ctx, "system_config")
	if err != nil {
		return err
	}
	tally.Source = n
	return m.each(ctx, `SELECT * FROM system_config ORDER BY id`, func(r record) error {
		key := r.textOr("config_key", "")
		value := r.textOr("config_value", "")
		description := r.textOr("description", "")
		by, err := m.ref(ctx, tally, "users", r["updated_by"])
		if err != nil {
			return err
		}
		if sysconfig.IsSecret(key) {
			s := secretSetting{key: key, value: value, description: description}
			if id, ok := by.(int64); ok {
				s.by = id
			}
			m.secrets = append(m.secrets, s)
			return nil
		}
		updatedAt := m.clock.required(r["updated_at"], false)
		var current string
		err = m.tx.QueryRowContext(ctx, `SELECT config_value FROM system_config WHERE config_key = ?`, key).Scan(&current)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := m.tx.ExecContext(ctx, `INSERT INTO system_config
				(config_key, config_value, description, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)`,
				key, value, description, updatedAt, by); err != nil {
				return fmt.Errorf("insert system_config %s: %w", key, err)
			}
			tally.Inserted++
		case err != nil:
			return fmt.Errorf("read system_config %s: %w", key, err)
		case current == value:
			tally.Present++
		default:
			if _, err := m.tx.ExecContext(ctx, `UPDATE system_config SET config_value = ?,
				description = CASE WHEN ? <> '' THEN ? ELSE description END, updated_at = ?, updated_by = ?
				WHERE config_key = ?`, value, description, description, updatedAt, by, key); err != nil {
				return fmt.Errorf("update system_config %s: %w", key, err)
			}
			tally.Updated++
		}
		return nil
	})
}

// saveSecrets stores the held-back secret settings encrypted, skipping the
// ones already stored with the same value.
func (m *migrator) saveSecrets(ctx context.Context, cfg *sysconfig.Store) error {
	tally := m.report.table("system_config")
	cfg.Invalidate()
	for _, s := range m.secrets {
		row, found, err := cfg.Lookup(ctx, s.key)
		if err == nil && found && row.Value == s.value {
			tally.Present++
			continue
		}
		if err := cfg.Set(ctx, s.key, s.value, s.description, s.by); err != nil {
			return fmt.Errorf("save secret setting %s: %w", s.key, err)
		}
		if found {
			tally.Updated++
		} else {
			tally.Inserted++
		}
	}
	return nil
}

// secretsDryRun counts what saveSecrets would do.
func (m *migrator) secretsDryRun(ctx context.Context, cfg *sysconfig.Store) {
	tally := m.report.table("system_config")
	cfg.Invalidate()
	for _, s := range m.secrets {
		row, found, err := cfg.Lookup(ctx, s.key)
		switch {
		case err == nil && found && row.Value == s.value:
			tally.Present++
		case found:
			tally.Updated++
		default:
			tally.Inserted++
		}
	}
}
