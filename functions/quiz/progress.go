package quiz

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"quizbank/shared/httpx"
	"quizbank/shared/store"
)

// Per-user bounds of the progress store, so one account cannot fill the
// disk. The largest value clients write is the saved order of a quiz
// session: the question ids of the filtered list plus the answers given,
// about 60 KB for a 10,000-question bank, so a value gets four times that.
// A key names mode, subject, type, scope and tag (about 80 characters at
// most in practice).
const (
	maxProgressKey   = 200       // characters
	maxProgressData  = 256 << 10 // bytes of compact JSON per value
	maxProgressKeys  = 500       // keys per user
	maxProgressTotal = 16 << 20  // bytes of all values of one user
)

// reservedKey matches the keys the original kept in the same table for
// tags, the profile signature and the auth flows (api.md §2.4): they live
// in their own storage now and cannot be read or written here.
var reservedKey = regexp.MustCompile(`^(question_tags_v1|user_profile_extra_v1|bank_\d+_tags)$|` +
	`^(web_login_session|web_login_token|web_wechat_bind_session|wechat_temp_token):`)

func progressKey(raw string) (string, error) {
	key := strings.TrimSpace(raw)
	switch {
	case key == "":
		return "", httpx.BadRequest("缺少key参数")
	case utf8.RuneCountInString(key) > maxProgressKey:
		return "", httpx.BadRequest(fmt.Sprintf("key 过长（最多 %d 个字符）", maxProgressKey))
	case reservedKey.MatchString(key):
		return "", httpx.BadRequest("该 key 为系统保留，不能通过进度接口读写")
	}
	return key, nil
}

// getProgress is GET /api/progress?key=….
func (s *service) getProgress(w http.ResponseWriter, r *http.Request) error {
	key, err := progressKey(r.URL.Query().Get("key"))
	if err != nil {
		return err
	}
	var data string
	err = s.d.DB.QueryRowContext(r.Context(), `SELECT data FROM user_progress WHERE user_id = ? AND p_key = ?`,
		caller(r).ID, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		httpx.Data(w, nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("read progress: %w", err)
	}
	httpx.Data(w, json.RawMessage(data))
	return nil
}

// saveProgress is POST /api/progress {key, data}.
func (s *service) saveProgress(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Key  *string         `json:"key"`
		Data json.RawMessage `json:"data"`
	}
	if err := httpx.DecodeJSON(r, &body); err != nil {
		return err
	}
	raw := ""
	if body.Key != nil {
		raw = *body.Key
	}
	key, err := progressKey(raw)
	if err != nil {
		return err
	}
	data := bytes.TrimSpace(body.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return httpx.BadRequest("进度数据不是合法的 JSON")
	}
	if compact.Len() > maxProgressData {
		return errProgressTooLarge
	}
	ctx, userID := r.Context(), caller(r).ID
	now := store.Timestamp(s.d.Now())
	// One statement checks the bounds and writes, so concurrent saves of
	// one user cannot pass them together. Updating an existing key never
	// counts against the key limit.
	res, err := s.d.DB.ExecContext(ctx, `INSERT INTO user_progress (user_id, p_key, data, updated_at, created_at)
		SELECT ?1, ?2, ?3, ?4, ?4
		WHERE (EXISTS (SELECT 1 FROM user_progress WHERE user_id = ?1 AND p_key = ?2)
			OR (SELECT COUNT(*) FROM user_progress WHERE user_id = ?1) < ?5)
		AND (SELECT COALESCE(SUM(length(CAST(data AS BLOB))), 0) FROM user_progress
			WHERE user_id = ?1 AND p_key <> ?2) + ?6 <= ?7
		ON CONFLICT(user_id, p_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		userID, key, compact.String(), now, maxProgressKeys, compact.Len(), maxProgressTotal)
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return s.progressRefusal(ctx, userID, key)
	}
	httpx.Message(w, "进度已保存")
	return nil
}

var errProgressTooLarge = httpx.Errorf(http.StatusRequestEntityTooLarge,
	"进度数据过大（单个 key 最多 %d KB）", maxProgressData>>10)

// progressRefusal says which bound refused a save that wrote nothing.
func (s *service) progressRefusal(ctx context.Context, userID int64, key string) error {
	var keys, exists int
	if err := s.d.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(p_key = ?), 0) FROM user_progress WHERE user_id = ?`,
		key, userID).Scan(&keys, &exists); err != nil {
		return fmt.Errorf("count progress keys: %w", err)
	}
	if exists == 0 && keys >= maxProgressKeys {
		return httpx.BadRequest(fmt.Sprintf("进度记录数量已达上限（%d 个），请先删除不用的进度", maxProgressKeys))
	}
	return httpx.Errorf(http.StatusRequestEntityTooLarge, "进度数据总量已达上限（%d MB），请先删除不用的进度",
		maxProgressTotal>>20)
}

// deleteProgress is DELETE /api/progress?key=… (also when nothing exists).
func (s *service) deleteProgress(w http.ResponseWriter, r *http.Request) error {
	key, err := progressKey(r.URL.Query().Get("key"))
	if err != nil {
		return err
	}
	if _, err := s.d.DB.ExecContext(r.Context(), `DELETE FROM user_progress WHERE user_id = ? AND p_key = ?`,
		caller(r).ID, key); err != nil {
		return fmt.Errorf("delete progress: %w", err)
	}
	httpx.Message(w, "进度已删除")
	return nil
}
