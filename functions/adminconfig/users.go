package adminconfig

import (
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/httpx"
	"quizbank/shared/names"
	"quizbank/shared/password"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

func (a *api) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := max(queryInt(r, "page", 1), 1)
	size := min(max(queryInt(r, "size", 10), 5), 100)
	sortCol := map[string]string{"created_at": "created_at", "username": "username", "id": "id"}[q.Get("sort")]
	if sortCol == "" {
		sortCol = "created_at"
	}
	order := "DESC"
	if strings.EqualFold(q.Get("order"), "asc") {
		order = "ASC"
	}
	orderBy := sortCol + " " + order + ", id " + order
	if truthy(q.Get("priority_sort")) || strings.Contains(r.Referer(), "/admin/permissions") {
		orderBy = "is_admin DESC, is_notification_admin DESC, is_subject_admin DESC, " + orderBy
	}
	where, args := "1 = 1", []any{}
	if s := strings.TrimSpace(q.Get("search")); s != "" {
		where, args = "username LIKE ? ESCAPE '\\'", append(args, "%"+likeEscape(s)+"%")
	}
	ctx := r.Context()
	var total int64
	if err := a.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE `+where, args...).Scan(&total); err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	online := store.Timestamp(a.d.Now().Add(-5 * time.Minute))
	rows, err := a.d.DB.QueryContext(ctx, `SELECT id, username, is_admin, is_subject_admin, is_notification_admin,
		is_locked, created_at, last_active, COALESCE(last_active >= ?, 0),
		(SELECT COUNT(*) FROM user_subjects us WHERE us.user_id = users.id)
		FROM users WHERE `+where+` ORDER BY `+orderBy+` LIMIT ? OFFSET ?`,
		append(append([]any{online}, args...), size, (page-1)*size)...)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	list := []httpx.M{}
	for rows.Next() {
		var id, restricted int64
		var name, created string
		var admin, subj, notif, locked, isOnline bool
		var last sql.NullString
		if err := rows.Scan(&id, &name, &admin, &subj, &notif, &locked, &created, &last, &isOnline, &restricted); err != nil {
			return fmt.Errorf("scan user: %w", err)
		}
		list = append(list, httpx.M{"id": id, "username": name, "is_admin": b01(admin),
			"is_subject_admin": b01(subj), "is_notification_admin": b01(notif), "is_locked": b01(locked),
			"created_at": created, "is_online": isOnline, "last_active": nullStr(last),
			"restricted_subjects_count": restricted})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var st [5]int64
	err = a.d.DB.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(last_active >= ?), 0), COALESCE(SUM(is_admin = 1), 0),
		COALESCE(SUM(is_subject_admin = 1 AND is_admin = 0), 0),
		COALESCE(SUM(is_notification_admin = 1 OR is_admin = 1), 0), COALESCE(SUM(is_locked = 1), 0)
		FROM users`, online).Scan(&st[0], &st[1], &st[2], &st[3], &st[4])
	if err != nil {
		return fmt.Errorf("user stats: %w", err)
	}
	httpx.Success(w, httpx.M{"data": list, "total": total, "stats": httpx.M{"online": st[0],
		"admin": st[1], "subject_admin": st[2], "notification_admin": st[3], "locked": st[4]}})
	return nil
}

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

type createUserBody struct {
	Username string         `json:"username"`
	Password string         `json:"password"`
	IsAdmin  httpx.FlexBool `json:"is_admin"`
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request) error {
	var b createUserBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	if strings.TrimSpace(b.Username) == "" || b.Password == "" {
		return httpx.BadRequest("用户名和密码不能为空")
	}
	name, err := names.Username(b.Username)
	if err != nil {
		return httpx.BadRequest(err.Error())
	}
	if err := password.CheckStrength(b.Password); err != nil {
		return httpx.BadRequest(err.Error())
	}
	if _, err := a.d.Users.ByUsername(r.Context(), name); err == nil {
		return httpx.Errorf(http.StatusConflict, "用户名已存在")
	}
	hash, err := password.Hash(b.Password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	_, err = a.d.Users.Create(r.Context(), users.NewUser{Username: name, PasswordHash: hash,
		HasPasswordSet: true, IsAdmin: b.IsAdmin.Value}, a.d.Now())
	if store.IsUniqueViolation(err) {
		return httpx.Errorf(http.StatusConflict, "用户名已存在")
	}
	if err != nil {
		return err
	}
	a.d.Logger.InfoContext(r.Context(), "user created by admin", "username", name, "by", callerID(r))
	httpx.Message(w, "用户创建成功")
	return nil
}

// target reads the {id} user, refusing the caller themself.
func (a *api) target(r *http.Request) (*users.User, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	if id == callerID(r) {
		return nil, httpx.BadRequest("不能对自己执行此操作")
	}
	u, err := a.d.Users.ByID(r.Context(), id)
	if errors.Is(err, users.ErrNotFound) {
		return nil, httpx.NotFound("用户不存在")
	}
	return u, err
}

type roleFlag string

const (
	flagAdmin             roleFlag = "is_admin"
	flagSubjectAdmin      roleFlag = "is_subject_admin"
	flagNotificationAdmin roleFlag = "is_notification_admin"
)

var errLastAdmin = httpx.BadRequest("不能移除最后一个管理员")

// setFlag writes one role flag and revokes the user's sessions in one
// transaction; removing admin keeps at least one administrator.
func (a *api) setFlag(r *http.Request, tx *sql.Tx, id int64, flag roleFlag, on bool) error {
	ctx := r.Context()
	if flag == flagAdmin && !on {
		var others int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE is_admin = 1 AND id <> ?`, id).Scan(&others); err != nil {
			return err
		}
		if others == 0 {
			return errLastAdmin
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE users SET `+string(flag)+` = ?, session_version = session_version + 1
		WHERE id = ?`, on, id)
	if err != nil {
		return fmt.Errorf("set %s of user %d: %w", flag, id, err)
	}
	return nil
}

func (a *api) toggleFlag(flag roleFlag) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := a.target(r)
		if err != nil {
			return err
		}
		current := map[roleFlag]bool{flagAdmin: u.IsAdmin, flagSubjectAdmin: u.IsSubjectAdmin,
			flagNotificationAdmin: u.IsNotificationAdmin}[flag]
		err = a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error { return a.setFlag(r, tx, u.ID, flag, !current) })
		if err != nil {
			return err
		}
		a.d.Users.Changed(u.ID)
		a.d.Logger.InfoContext(r.Context(), "user role changed", "user", u.ID, "flag", string(flag), "on", !current, "by", callerID(r))
		state := "已开启"
		if current {
			state = "已取消"
		}
		httpx.Success(w, httpx.M{"message": fmt.Sprintf("用户 %s 的%s权限%s", u.Username, flagLabel[flag], state),
			string(flag): b01(!current)})
		return nil
	}
}

var flagLabel = map[roleFlag]string{flagAdmin: "管理员", flagSubjectAdmin: "科目管理员", flagNotificationAdmin: "通知管理员"}

func (a *api) toggleLock(w http.ResponseWriter, r *http.Request) error {
	u, err := a.target(r)
	if err != nil {
		return err
	}
	_, err = a.d.DB.ExecContext(r.Context(), `UPDATE users SET is_locked = ?, session_version = session_version + 1,
		last_active = NULL WHERE id = ?`, !u.IsLocked, u.ID)
	if err != nil {
		return fmt.Errorf("toggle lock of user %d: %w", u.ID, err)
	}
	a.d.Users.Changed(u.ID)
	a.d.Logger.InfoContext(r.Context(), "user lock changed", "user", u.ID, "locked", !u.IsLocked, "by", callerID(r))
	msg := "用户已锁定"
	if u.IsLocked {
		msg = "用户已解锁"
	}
	httpx.Success(w, httpx.M{"message": msg, "is_locked": b01(!u.IsLocked)})
	return nil
}

func (a *api) forceLogout(w http.ResponseWriter, r *http.Request) error {
	u, err := a.target(r)
	if err != nil {
		return err
	}
	if err := a.d.Users.Revoke(r.Context(), u.ID); err != nil {
		return err
	}
	httpx.Message(w, "已强制该用户下线")
	return nil
}

type resetPasswordBody struct {
	NewPassword string `json:"new_password"`
}

func (a *api) resetPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := a.target(r)
	if err != nil {
		return err
	}
	var b resetPasswordBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	if err := password.CheckStrength(b.NewPassword); err != nil {
		return httpx.BadRequest(err.Error())
	}
	hash, err := password.Hash(b.NewPassword)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	_, err = a.d.DB.ExecContext(r.Context(), `UPDATE users SET password_hash = ?, has_password_set = 1,
		session_version = session_version + 1, last_active = NULL WHERE id = ?`, hash, u.ID)
	if err != nil {
		return fmt.Errorf("reset password of user %d: %w", u.ID, err)
	}
	a.d.Users.Changed(u.ID)
	a.d.Logger.InfoContext(r.Context(), "password reset by admin", "user", u.ID, "by", callerID(r))
	httpx.Message(w, "密码重置成功")
	return nil
}

type rolesBody struct {
	UserIDs        idList         `json:"user_ids"`
	PermissionType string         `json:"permission_type"`
	Enable         httpx.FlexBool `json:"enable"`
}

func (a *api) batchRoles(w http.ResponseWriter, r *http.Request) error {
	var b rolesBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	ids := b.UserIDs.values()
	if len(ids) == 0 {
		return httpx.BadRequest("请选择用户")
	}
	flag := map[string]roleFlag{"subject_admin": flagSubjectAdmin, "notification_admin": flagNotificationAdmin}[b.PermissionType]
	if flag == "" {
		return httpx.BadRequest("permission_type 只能是 subject_admin 或 notification_admin")
	}
	enable := !b.Enable.Set || b.Enable.Value
	for _, id := range ids {
		if id == callerID(r) {
			return httpx.BadRequest("不能修改自己的权限")
		}
	}
	ph, args := placeholders(ids)
	var found int64
	if err := a.d.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM users WHERE id IN (`+ph+`)`, args...).Scan(&found); err != nil {
		return err
	}
	if found != int64(len(ids)) {
		return httpx.BadRequest("部分用户不存在")
	}
	err := a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		for _, id := range ids {
			if err := a.setFlag(r, tx, id, flag, enable); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		a.d.Users.Changed(id)
	}
	httpx.Success(w, httpx.M{"message": fmt.Sprintf("已更新 %d 个用户的权限", len(ids)), "affected_count": len(ids)})
	return nil
}

// userTables are the rows deleted with a user, in order; other
// references are set to NULL.
var userDeletes = []string{
	`DELETE FROM exam_questions WHERE exam_id IN (SELECT id FROM exams WHERE user_id = ?)`,
	`DELETE FROM exams WHERE user_id = ?`,
	`DELETE FROM favorites WHERE user_id = ?`,
	`DELETE FROM mistakes WHERE user_id = ?`,
	`DELETE FROM user_answers WHERE user_id = ?`,
	`DELETE FROM user_progress WHERE user_id = ?`,
	`DELETE FROM user_subjects WHERE user_id = ?`,
	`DELETE FROM user_quiz_stats WHERE user_id = ?`,
	`DELETE FROM email_verification_codes WHERE user_id = ?`,
	`UPDATE questions SET created_by = NULL WHERE created_by = ?`,
	`UPDATE questions SET updated_by = NULL WHERE updated_by = ?`,
	`UPDATE user_subjects SET restricted_by = NULL WHERE restricted_by = ?`,
	`UPDATE system_config SET updated_by = NULL WHERE updated_by = ?`,
	`UPDATE duplicate_check_records SET created_by = NULL WHERE created_by = ?`,
	`DELETE FROM users WHERE id = ?`,
}

func (a *api) deleteUser(w http.ResponseWriter, r *http.Request) error {
	u, err := a.target(r)
	if err != nil {
		return err
	}
	err = a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		if u.IsAdmin {
			var others int64
			if err := tx.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM users WHERE is_admin = 1 AND id <> ?`, u.ID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return errLastAdmin
			}
		}
		for _, q := range userDeletes {
			if _, err := tx.ExecContext(r.Context(), q, u.ID); err != nil {
				return fmt.Errorf("delete user %d: %w", u.ID, err)
			}
		}
		return nil
	})
	if store.IsForeignKeyViolation(err) {
		return httpx.BadRequest("该用户仍被其他数据引用，无法删除").With("details", a.userReferences(r, u.ID))
	}
	if err != nil {
		return err
	}
	a.d.Users.Changed(u.ID)
	a.d.Logger.InfoContext(r.Context(), "user deleted", "user", u.ID, "by", callerID(r))
	httpx.Message(w, "用户删除成功")
	return nil
}

func (a *api) exportUsers(w http.ResponseWriter, r *http.Request) error {
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT id, username, is_admin, is_locked, created_at FROM users ORDER BY id`)
	if err != nil {
		return fmt.Errorf("export users: %w", err)
	}
	defer rows.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename=users.csv`)
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	_ = cw.Write([]string{"id", "username", "is_admin", "is_locked", "created_at"})
	for rows.Next() {
		var id int64
		var name, created string
		var admin, locked bool
		if err := rows.Scan(&id, &name, &admin, &locked, &created); err != nil {
			return err
		}
		_ = cw.Write([]string{strconv.FormatInt(id, 10), csvSafe(name), strconv.Itoa(b01(admin)),
			strconv.Itoa(b01(locked)), created})
	}
	cw.Flush()
	return rows.Err()
}

// csvSafe defuses spreadsheet formulas in user-chosen text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// userReferences lists the tables whose rows still point at user id
// through a foreign key that neither cascades nor nulls, with counts:
// what blocked a deletion.
func (a *api) userReferences(r *http.Request, id int64) []httpx.M {
	ctx := r.Context()
	rows, err := a.d.DB.QueryContext(ctx, `SELECT m.name, p."from" FROM sqlite_master m
		JOIN pragma_foreign_key_list(m.name) p ON p."table" = 'users'
		WHERE m.type = 'table' AND p.on_delete NOT IN ('CASCADE', 'SET NULL')`)
	if err != nil {
		a.d.Logger.WarnContext(ctx, "list user references", "err", err)
		return []httpx.M{}
	}
	type ref struct{ table, column string }
	var refs []ref
	for rows.Next() {
		var x ref
		if rows.Scan(&x.table, &x.column) == nil {
			refs = append(refs, x)
		}
	}
	rows.Close()
	out := []httpx.M{}
	for _, x := range refs {
		var n int64
		q := `SELECT COUNT(*) FROM "` + strings.ReplaceAll(x.table, `"`, `""`) + `" WHERE "` +
			strings.ReplaceAll(x.column, `"`, `""`) + `" = ?`
		if a.d.DB.QueryRowContext(ctx, q, id).Scan(&n) == nil && n > 0 {
			out = append(out, httpx.M{"table": x.table, "count": n})
		}
	}
	return out
}
