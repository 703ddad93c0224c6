package quiz

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/store"
)

// Limits of a progress record.
const (
	maxProgressKey  = 255
	maxProgressData = 2 << 20
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
	case len(key) > maxProgressKey:
		return "", httpx.BadRequest("key 过长")
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
	if len(data) > maxProgressData {
		return httpx.BadRequest("进度数据过大")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		return httpx.BadRequest("进度数据不是合法的 JSON")
	}
	now := store.Timestamp(s.d.Now())
	if _, err := s.d.DB.ExecContext(r.Context(), `INSERT INTO user_progress (user_id, p_key, data, updated_at, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT(user_id, p_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		caller(r).ID, key, compact.String(), now, now); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	httpx.Message(w, "进度已保存")
	return nil
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
