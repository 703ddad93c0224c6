package adminconfig

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"quizbank/shared/httpx"
	"quizbank/shared/users"
)

// subjectUser reads the {id} user of a subject-permission route.
func (a *api) subjectUser(r *http.Request) (*users.User, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	u, err := a.d.Users.ByID(r.Context(), id)
	if errors.Is(err, users.ErrNotFound) {
		return nil, httpx.NotFound("用户不存在")
	}
	return u, err
}

func (a *api) userSubjects(w http.ResponseWriter, r *http.Request) error {
	u, err := a.subjectUser(r)
	if err != nil {
		return err
	}
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT s.id, s.name,
		(SELECT COUNT(*) FROM questions q WHERE q.subject_id = s.id), us.restricted_at
		FROM subjects s LEFT JOIN user_subjects us ON us.subject_id = s.id AND us.user_id = ?
		ORDER BY s.id`, u.ID)
	if err != nil {
		return fmt.Errorf("user subjects: %w", err)
	}
	defer rows.Close()
	list := []httpx.M{}
	restricted := 0
	for rows.Next() {
		var id, n int64
		var name string
		var at sql.NullString
		if err := rows.Scan(&id, &name, &n, &at); err != nil {
			return err
		}
		if at.Valid {
			restricted++
		}
		list = append(list, httpx.M{"id": id, "name": name, "question_count": n,
			"is_restricted": at.Valid, "restricted_at": nullStr(at)})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"user": httpx.M{"id": u.ID, "username": u.Username}, "all_subjects": list,
		"restricted_count": restricted, "total_count": len(list)})
	return nil
}

type subjectIDsBody struct {
	SubjectIDs idList `json:"subject_ids"`
	UserIDs    idList `json:"user_ids"`
	Action     string `json:"action"`
}

// subjects is the non-empty list of subject ids (400 otherwise).
func (b subjectIDsBody) subjects() ([]int64, error) {
	sids := b.SubjectIDs.values()
	if len(sids) == 0 {
		return nil, httpx.BadRequest("请选择科目")
	}
	return sids, nil
}

// restricting reads action: true for restrict, false for unrestrict.
func (b subjectIDsBody) restricting() (bool, error) {
	switch b.Action {
	case "restrict":
		return true, nil
	case "unrestrict":
		return false, nil
	}
	return false, httpx.BadRequest("action 只能是 restrict 或 unrestrict")
}

// restrict adds (or removes) blacklist rows for every user × subject pair
// in one transaction and reports how many rows changed.
func (a *api) restrict(r *http.Request, userIDs, subjectIDs []int64, on bool) (int64, error) {
	var n int64
	at, by := a.now(), callerID(r)
	err := a.d.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		for _, uid := range userIDs {
			for _, sid := range subjectIDs {
				var res sql.Result
				var err error
				if on {
					res, err = tx.ExecContext(r.Context(), `INSERT INTO user_subjects (user_id, subject_id, restricted_at, restricted_by)
						SELECT ?, id, ?, ? FROM subjects WHERE id = ? AND EXISTS (SELECT 1 FROM users WHERE id = ?)
						ON CONFLICT(user_id, subject_id) DO NOTHING`, uid, at, by, sid, uid)
				} else {
					res, err = tx.ExecContext(r.Context(), `DELETE FROM user_subjects WHERE user_id = ? AND subject_id = ?`, uid, sid)
				}
				if err != nil {
					return fmt.Errorf("change subject restriction: %w", err)
				}
				c, _ := res.RowsAffected()
				n += c
			}
		}
		return nil
	})
	if err == nil && n > 0 {
		for _, uid := range userIDs {
			a.d.Users.Changed(uid)
		}
		a.contentChanged(r.Context())
	}
	return n, err
}

func (a *api) restrictSubjects(w http.ResponseWriter, r *http.Request) error {
	u, err := a.subjectUser(r)
	if err != nil {
		return err
	}
	var b subjectIDsBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	sids, err := b.subjects()
	if err != nil {
		return err
	}
	n, err := a.restrict(r, []int64{u.ID}, sids, true)
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"message": fmt.Sprintf("已限制 %d 个科目", n), "data": httpx.M{"restricted_count": n}})
	return nil
}

func (a *api) unrestrictSubject(w http.ResponseWriter, r *http.Request) error {
	u, err := a.subjectUser(r)
	if err != nil {
		return err
	}
	sid, err := httpx.PathID(r, "sid")
	if err != nil {
		return err
	}
	n, err := a.restrict(r, []int64{u.ID}, []int64{sid}, false)
	if err != nil {
		return err
	}
	if n == 0 {
		return httpx.NotFound("该用户没有此科目的限制")
	}
	httpx.Message(w, "已解除科目限制")
	return nil
}

func (a *api) batchUserSubjects(w http.ResponseWriter, r *http.Request) error {
	u, err := a.subjectUser(r)
	if err != nil {
		return err
	}
	var b subjectIDsBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	sids, err := b.subjects()
	if err != nil {
		return err
	}
	on, err := b.restricting()
	if err != nil {
		return err
	}
	n, err := a.restrict(r, []int64{u.ID}, sids, on)
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"message": fmt.Sprintf("已处理 %d 个科目", n),
		"data": httpx.M{"action": b.Action, "affected_count": n, "total_count": len(sids)}})
	return nil
}

func (a *api) restrictedUsers(w http.ResponseWriter, r *http.Request) error {
	sid, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var exists int64
	if err := a.d.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM subjects WHERE id = ?`, sid).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return httpx.NotFound("科目不存在")
	}
	rows, err := a.d.DB.QueryContext(r.Context(), `SELECT user_id FROM user_subjects WHERE subject_id = ? ORDER BY user_id`, sid)
	if err != nil {
		return fmt.Errorf("restricted users: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"user_ids": ids})
	return nil
}

func (a *api) permissionsOverview(w http.ResponseWriter, r *http.Request) error {
	page := max(queryInt(r, "page", 1), 1)
	per := min(max(queryInt(r, "per_page", 20), 1), 10000)
	where, args := "1 = 1", []any{}
	if s := strings.TrimSpace(r.URL.Query().Get("search")); s != "" {
		where, args = "username LIKE ? ESCAPE '\\'", append(args, "%"+likeEscape(s)+"%")
	}
	ctx := r.Context()
	var total, subjects, restrictions int64
	if err := a.d.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users WHERE `+where+`),
		(SELECT COUNT(*) FROM subjects), (SELECT COUNT(*) FROM user_subjects)`, args...).Scan(&total, &subjects, &restrictions); err != nil {
		return fmt.Errorf("permission overview counts: %w", err)
	}
	rows, err := a.d.DB.QueryContext(ctx, `SELECT id, username,
		(SELECT COUNT(*) FROM user_subjects us WHERE us.user_id = users.id)
		FROM users WHERE `+where+` ORDER BY id LIMIT ? OFFSET ?`, append(args, per, (page-1)*per)...)
	if err != nil {
		return fmt.Errorf("permission overview users: %w", err)
	}
	userList := []httpx.M{}
	for rows.Next() {
		var id, n int64
		var name string
		if err := rows.Scan(&id, &name, &n); err != nil {
			rows.Close()
			return err
		}
		userList = append(userList, httpx.M{"id": id, "username": name, "restricted_subjects_count": n,
			"total_subjects_count": subjects})
	}
	rows.Close()
	rows, err = a.d.DB.QueryContext(ctx, `SELECT s.id, s.name,
		(SELECT COUNT(*) FROM questions q WHERE q.subject_id = s.id),
		(SELECT COUNT(*) FROM user_subjects us WHERE us.subject_id = s.id)
		FROM subjects s ORDER BY s.id`)
	if err != nil {
		return fmt.Errorf("permission overview subjects: %w", err)
	}
	defer rows.Close()
	subjectList := []httpx.M{}
	for rows.Next() {
		var id, q, n int64
		var name string
		if err := rows.Scan(&id, &name, &q, &n); err != nil {
			return err
		}
		subjectList = append(subjectList, httpx.M{"id": id, "name": name, "question_count": q, "restricted_users_count": n})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"users": userList, "subjects": subjectList,
		"stats":      httpx.M{"total_users": total, "total_subjects": subjects, "total_restrictions": restrictions},
		"pagination": httpx.M{"page": page, "per_page": per, "total": total, "pages": (total + per - 1) / per}})
	return nil
}

func (a *api) batchPermissions(w http.ResponseWriter, r *http.Request) error {
	var b subjectIDsBody
	if err := httpx.DecodeJSON(r, &b); err != nil {
		return err
	}
	uids, sids := b.UserIDs.values(), b.SubjectIDs.values()
	if len(uids) == 0 || len(sids) == 0 {
		return httpx.BadRequest("请选择用户和科目")
	}
	on, err := b.restricting()
	if err != nil {
		return err
	}
	if len(uids)*len(sids) > 100000 {
		return httpx.BadRequest("一次操作的组合过多")
	}
	if _, err := a.restrict(r, uids, sids, on); err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"message": "批量权限设置成功",
		"data": httpx.M{"affected_users": len(uids), "affected_subjects": len(sids)}})
	return nil
}
