package adminconfig

import (
	"net/http"
	"sort"

	"quizbank/shared/httpx"
	"quizbank/shared/sysconfig"
)

// configJSON is a system_config row as the API shows it, secrets masked.
func configJSON(row sysconfig.Row) httpx.M {
	value := row.Value
	if sysconfig.IsSecret(row.Key) && value != "" {
		value = sysconfig.Mask
	}
	var by any
	if row.UpdatedBy != nil {
		by = *row.UpdatedBy
	}
	return httpx.M{"id": row.ID, "config_key": row.Key, "config_value": value,
		"description": row.Description, "updated_at": row.UpdatedAt, "updated_by": by}
}

func (a *api) listConfig(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.d.SysConfig.All(r.Context())
	if err != nil {
		return err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Key < rows[j].Key })
	out := make([]httpx.M, 0, len(rows))
	for _, row := range rows {
		out = append(out, configJSON(row))
	}
	httpx.Data(w, out)
	return nil
}

func (a *api) getConfig(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	row, ok, err := a.d.SysConfig.Lookup(r.Context(), key)
	if err != nil {
		return err
	}
	if !ok {
		value := ""
		if key == "email_bind_required" {
			value = "1"
		}
		httpx.Data(w, httpx.M{"config_key": key, "config_value": value, "description": ""})
		return nil
	}
	httpx.Data(w, configJSON(row))
	return nil
}

type configBody struct {
	Value       *string `json:"config_value"`
	Description string  `json:"description"`
}

func (a *api) putConfig(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if !sysconfig.ValidKey(key) {
		return httpx.BadRequest("配置键无效")
	}
	var b configBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	if b.Value == nil {
		return httpx.BadRequest("config_value 不能为空")
	}
	if sysconfig.IsSecret(key) && *b.Value == sysconfig.Mask {
		// The masked value came back from a form: keep the stored secret.
		row, _, err := a.d.SysConfig.Lookup(r.Context(), key)
		if err != nil {
			return err
		}
		*b.Value = row.Value
	}
	if err := sysconfig.Validate(key, *b.Value); err != nil {
		return httpx.BadRequest(err.Error())
	}
	if len(b.Description) > 500 {
		return httpx.BadRequest("描述过长")
	}
	if err := a.d.SysConfig.Set(r.Context(), key, *b.Value, b.Description, callerID(r)); err != nil {
		return err
	}
	row, _, err := a.d.SysConfig.Lookup(r.Context(), key)
	if err != nil {
		return err
	}
	a.d.Logger.InfoContext(r.Context(), "system config changed", "key", key, "by", callerID(r))
	httpx.Success(w, httpx.M{"message": "配置更新成功", "data": configJSON(row)})
	return nil
}

func (a *api) quizLimit(w http.ResponseWriter, r *http.Request) error {
	l := a.d.SysConfig.QuizLimitSettings(r.Context())
	httpx.Data(w, httpx.M{"quiz_limit_enabled": l.Enabled, "quiz_limit_count": l.Count})
	return nil
}
