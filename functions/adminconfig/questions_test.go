package adminconfig_test

import (
	"net/http"
	"strings"
	"testing"
)

func (s *site) subject(t *testing.T, name string) int64 {
	t.Helper()
	if r := s.call(t, "POST", "/admin/api/subjects", map[string]any{"name": name}); r.Status != 200 {
		t.Fatalf("create subject: %s", r.Raw)
	}
	return s.count(t, `SELECT id FROM subjects WHERE name = ?`, name)
}

func (s *site) question(t *testing.T, body map[string]any) int64 {
	t.Helper()
	r := s.call(t, "POST", "/admin/api/questions", body)
	if r.Status != 200 {
		t.Fatalf("create question: %d %s", r.Status, r.Raw)
	}
	return int64(r.JSON["id"].(float64))
}

func TestQuestionCRUD(t *testing.T) {
	s := newSite(t)
	sid := s.subject(t, "网络")
	id := s.question(t, map[string]any{"subject_id": sid, "q_type": "选择题", "content": "哪个是传输层协议？",
		"options": `["A. HTTP", "B. TCP"]`, "answer": "B", "tags": "b, a,b", "image_path": "question_images/x.png"})
	r := s.call(t, "GET", "/admin/api/questions/"+itoa(id), nil)
	if r.JSON["tags"] != "a,b" || r.JSON["image_path"] != `["question_images/x.png"]` || r.JSON["created_by"] != float64(1) {
		t.Errorf("stored question: %s", r.Raw)
	}
	// PUT is partial: only the explanation changes.
	if r := s.call(t, "PUT", "/admin/api/questions/"+itoa(id), map[string]any{"explanation": "TCP 在传输层"}); r.Status != 200 {
		t.Fatalf("put: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/questions/"+itoa(id), nil)
	if r.JSON["explanation"] != "TCP 在传输层" || r.JSON["answer"] != "B" || r.JSON["content"] != "哪个是传输层协议？" {
		t.Errorf("after partial put: %s", r.Raw)
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"PUT", "/admin/api/questions/999", map[string]any{"content": "x"}, 404},
		{"DELETE", "/admin/api/questions/999", nil, 404},
		{"GET", "/admin/api/questions/999", nil, 404},
		{"GET", "/admin/api/questions/abc", nil, 404},
		{"POST", "/admin/api/questions", map[string]any{"q_type": "论述题", "content": "x"}, 400},
		{"POST", "/admin/api/questions", map[string]any{"q_type": "问答题", "content": ""}, 400},
		{"POST", "/admin/api/questions", map[string]any{"q_type": "多选题", "content": "x", "options": `["A. 1","B. 2"]`, "answer": "A"}, 400},
		{"POST", "/admin/api/questions", map[string]any{"q_type": "选择题", "content": "x", "options": "not json"}, 400},
		{"POST", "/admin/api/questions", map[string]any{"q_type": "问答题", "content": "x", "subject_id": 77}, 400},
		{"POST", "/admin/api/questions", "{broken", 400},
		{"PUT", "/admin/api/questions/" + itoa(id), map[string]any{"q_type": "未知"}, 400},
	} {
		r := s.call(t, c.method, c.path, c.body)
		if c.body == "{broken" {
			r = s.callRaw(t, c.method, c.path, "{broken")
		}
		if r.Status != c.status {
			t.Errorf("%s %s %v: %d %s", c.method, c.path, c.body, r.Status, r.Raw)
		}
	}
	if r := s.call(t, "GET", "/admin/api/questions/999", nil); r.JSON["error"] != "not found" {
		t.Errorf("404 body: %s", r.Raw)
	}
	// The legacy alias creates without returning an id.
	r = s.call(t, "POST", "/admin/questions", map[string]any{"q_type": "判断题", "content": "对吗", "answer": "正确"})
	if _, has := r.JSON["id"]; r.Status != 200 || has {
		t.Errorf("legacy create: %s", r.Raw)
	}
	if r := s.call(t, "DELETE", "/admin/api/questions/"+itoa(id), nil); r.Status != 200 {
		t.Errorf("delete: %s", r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions WHERE id = ?`, id); n != 0 {
		t.Errorf("question still there")
	}
}

func TestBatchOperations(t *testing.T) {
	s := newSite(t)
	a, b := s.subject(t, "甲"), s.subject(t, "乙")
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, s.question(t, map[string]any{"subject_id": a, "q_type": "问答题",
			"content": "题" + itoa(int64(i)), "answer": "答", "tags": "x"}))
	}
	ok := func(path string, body map[string]any, wantMsg string) {
		t.Helper()
		r := s.call(t, "POST", path, body)
		if r.Status != 200 || !strings.Contains(r.JSON["message"].(string), wantMsg) {
			t.Errorf("%s: %d %s", path, r.Status, r.Raw)
		}
	}
	ok("/admin/api/questions/batch_move_subject", map[string]any{"ids": ids[:2], "target_subject_id": b}, "2")
	ok("/admin/api/questions/batch_set_difficulty", map[string]any{"ids": ids, "difficulty": 3}, "3")
	ok("/admin/api/questions/batch_change_type", map[string]any{"ids": []any{ids[0], itoa(ids[1])}, "target_type": "判断题"}, "2")
	ok("/admin/questions/batch_tags", map[string]any{"ids": ids, "action": "add", "tags": "z,y"}, "3")
	ok("/admin/api/questions/batch_tags", map[string]any{"ids": ids[:1], "action": "remove", "tags": []string{"x"}}, "1")
	if n := s.count(t, `SELECT COUNT(*) FROM questions WHERE subject_id = ?`, b); n != 2 {
		t.Errorf("%d moved", n)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions WHERE difficulty = 3`); n != 3 {
		t.Errorf("%d with difficulty 3", n)
	}
	var tags0, tags2 string
	_ = s.env.Deps.DB.QueryRow(`SELECT tags FROM questions WHERE id = ?`, ids[0]).Scan(&tags0)
	_ = s.env.Deps.DB.QueryRow(`SELECT tags FROM questions WHERE id = ?`, ids[2]).Scan(&tags2)
	if tags0 != "y,z" || tags2 != "x,y,z" {
		t.Errorf("tags %q %q", tags0, tags2)
	}
	for _, c := range []struct {
		path string
		body map[string]any
	}{
		{"/admin/api/questions/batch_delete", map[string]any{"ids": []int{}}},
		{"/admin/api/questions/batch_change_type", map[string]any{"ids": ids, "target_type": "火星题"}},
		{"/admin/api/questions/batch_move_subject", map[string]any{"ids": ids, "target_subject_id": 999}},
		{"/admin/api/questions/batch_set_difficulty", map[string]any{"ids": ids, "difficulty": 0}},
		{"/admin/api/questions/batch_tags", map[string]any{"ids": ids, "action": "merge", "tags": "a"}},
	} {
		if r := s.call(t, "POST", c.path, c.body); r.Status != 400 {
			t.Errorf("%s %v: %d %s", c.path, c.body, r.Status, r.Raw)
		}
	}
	ok("/admin/questions/batch_delete", map[string]any{"ids": ids}, "3")
	if n := s.count(t, `SELECT COUNT(*) FROM questions`); n != 0 {
		t.Errorf("%d left", n)
	}
}

func TestSubjectLifecycle(t *testing.T) {
	s := newSite(t)
	sid := s.subject(t, "旧名")
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "x", "answer": "y"})
	if r := s.call(t, "PUT", "/admin/api/subjects/"+itoa(sid), map[string]any{"name": "新名"}); r.Status != 200 {
		t.Errorf("rename: %s", r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/subjects/"+itoa(sid)+"/lock", nil); r.Status != 200 {
		t.Errorf("lock: %s", r.Raw)
	}
	if n := s.count(t, `SELECT is_locked FROM subjects WHERE id = ?`, sid); n != 1 {
		t.Errorf("not locked")
	}
	for _, c := range []struct{ method, path string }{
		{"POST", "/admin/api/subjects/99/lock"}, {"POST", "/admin/api/subjects/99/unlock"},
		{"DELETE", "/admin/api/subjects/99"}, {"PUT", "/admin/api/subjects/99"},
	} {
		if r := s.call(t, c.method, c.path, map[string]any{"name": "n"}); r.Status != 404 {
			t.Errorf("%s %s: %d", c.method, c.path, r.Status)
		}
	}
	if r := s.call(t, "DELETE", "/admin/api/subjects/"+itoa(sid), nil); r.Status != 400 {
		t.Errorf("delete with questions: %d %s", r.Status, r.Raw)
	}
	if r := s.call(t, "DELETE", "/admin/api/subjects/"+itoa(sid)+"?force=1", nil); r.Status != 200 {
		t.Errorf("forced delete: %s", r.Raw)
	}
	if n := s.count(t, `SELECT (SELECT COUNT(*) FROM questions) + (SELECT COUNT(*) FROM subjects)`); n != 0 {
		t.Errorf("%d rows left", n)
	}
}

func TestJSONImportExport(t *testing.T) {
	s := newSite(t)
	sid := s.subject(t, "导入")
	r := s.call(t, "POST", "/admin/api/questions/import", map[string]any{"subject_id": sid, "questions": []any{
		map[string]any{"题型": "选择题", "题干": "一", "选项": []string{"A. 甲", "B. 乙"}, "答案": "A", "解析": ""},
		map[string]any{"题型": "多选题", "题干": "二", "选项": []string{"A. 甲", "B. 乙"}, "答案": "A"},
		map[string]any{"题型": "填空题", "题干": "首都是{北京;北平}，最大城市是{上海}", "答案": ""},
	}})
	if r.Status != 200 || !strings.Contains(r.JSON["message"].(string), "2") {
		t.Fatalf("import: %s", r.Raw)
	}
	var content, answer string
	_ = s.env.Deps.DB.QueryRow(`SELECT content, answer FROM questions WHERE q_type = '填空题'`).Scan(&content, &answer)
	if content != "首都是__，最大城市是__" || answer != "北京;北平;;上海" {
		t.Errorf("fill-in import: %q %q", content, answer)
	}
	r = s.call(t, "GET", "/admin/api/questions/export?subject_id="+itoa(sid), nil)
	if r.JSON["count"] != float64(2) {
		t.Fatalf("export: %s", r.Raw)
	}
	first := r.JSON["questions"].([]any)[0].(map[string]any)
	if first["科目"] != "导入" || first["题型"] != "选择题" || len(first["选项"].([]any)) != 2 {
		t.Errorf("export item: %v", first)
	}
	// A bad item rolls the batch back: 200 "error" on the primary path, 500 on the legacy one.
	bad := map[string]any{"subject_id": sid, "questions": []any{
		map[string]any{"题型": "问答题", "题干": "好", "答案": "a"}, map[string]any{"题型": "??", "题干": "坏"}}}
	if r := s.call(t, "POST", "/admin/api/questions/import", bad); r.Status != 200 || r.JSON["status"] != "error" {
		t.Errorf("primary failure: %d %s", r.Status, r.Raw)
	}
	if r := s.call(t, "POST", "/admin/questions/import", bad); r.Status != 500 {
		t.Errorf("legacy failure: %d %s", r.Status, r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions`); n != 2 {
		t.Errorf("%d questions after failed imports", n)
	}
}

func TestDuplicateCheck(t *testing.T) {
	s := newSite(t)
	sid := s.subject(t, "查重")
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "简述 TCP 三次握手的过程。", "answer": "a"})
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "简述TCP三次握手的过程", "answer": "a"})
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "完全无关的另一道题目", "answer": "a"})
	r := s.call(t, "POST", "/admin/api/questions/duplicate-check/start?subject_id="+itoa(sid), nil)
	data, _ := r.JSON["data"].(map[string]any)
	if r.Status != 200 || data["total_pairs"] != float64(1) {
		t.Fatalf("start: %s", r.Raw)
	}
	r = s.call(t, "GET", "/admin/api/questions/duplicate-check/results?subject_id="+itoa(sid), nil)
	data, _ = r.JSON["data"].(map[string]any)
	if data["is_new"] != false || data["record_id"] == nil || len(data["duplicates"].([]any)) != 1 {
		t.Errorf("results: %s", r.Raw)
	}
	if r := s.call(t, "POST", "/admin/api/questions/duplicate-check/start?subject_id=99", nil); r.Status != http.StatusNotFound {
		t.Errorf("unknown subject: %d", r.Status)
	}
}
