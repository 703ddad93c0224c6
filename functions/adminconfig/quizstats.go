package adminconfig

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"quizbank/shared/httpx"
	"quizbank/shared/users"
)

func (a *api) quizStats(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := a.d.Users.ByID(r.Context(), id)
	if errors.Is(err, users.ErrNotFound) {
		return httpx.NotFound("用户不存在")
	}
	if err != nil {
		return err
	}
	var total int64
	var reset, updated sql.NullString
	err = a.d.DB.QueryRowContext(r.Context(), `SELECT total_answered, last_reset_at, updated_at
		FROM user_quiz_stats WHERE user_id = ?`, id).Scan(&total, &reset, &updated)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read quiz stats: %w", err)
	}
	l := a.d.SysConfig.QuizLimitSettings(r.Context())
	var remaining any
	if l.Enabled {
		remaining = max(int64(l.Count)-total, 0)
	}
	httpx.Data(w, httpx.M{
		"user": httpx.M{"id": u.ID, "username": u.Username, "is_admin": u.IsAdmin},
		"stats": httpx.M{"total_answered": total, "limit_count": l.Count, "remaining": remaining,
			"is_limit_enabled": l.Enabled, "last_reset_at": nullStr(reset), "updated_at": nullStr(updated)},
	})
	return nil
}

func (a *api) resetCounts(r *http.Request, ids []int64) (int64, error) {
	var n int64
	at := a.now()
	err := a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(r.Context(), `INSERT INTO user_quiz_stats (user_id, total_answered, last_reset_at, updated_at)
				SELECT id, 0, ?, ? FROM users WHERE id = ?
				ON CONFLICT(user_id) DO UPDATE SET total_answered = 0, last_reset_at = excluded.last_reset_at,
					updated_at = excluded.updated_at`, at, at, id)
			if err != nil {
				return fmt.Errorf("reset quiz count of user %d: %w", id, err)
			}
			c, _ := res.RowsAffected()
			n += c
		}
		return nil
	})
	return n, err
}

func (a *api) resetQuizCount(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.resetCounts(r, []int64{id})
	if err != nil {
		return err
	}
	if n == 0 {
		return httpx.NotFound("用户不存在")
	}
	httpx.Message(w, "答题次数已重置")
	return nil
}

type userIDsBody struct {
	UserIDs idList `json:"user_ids"`
}

func (a *api) batchResetQuizCount(w http.ResponseWriter, r *http.Request) error {
	var b userIDsBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	ids := b.UserIDs.values()
	if len(ids) == 0 {
		return httpx.BadRequest("请选择用户")
	}
	n, err := a.resetCounts(r, ids)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("成功重置 %d/%d 个用户的答题次数", n, len(ids))
	httpx.Success(w, httpx.M{"message": msg,
		"data": httpx.M{"success_count": n, "total_count": len(ids), "message": msg}})
	return nil
}
