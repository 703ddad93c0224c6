package adminconfig_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadImage(t *testing.T) {
	s := newSite(t)
	r := s.upload(t, "/admin/api/questions/upload_image", "../../图 1.png", pngBytes(t), nil)
	if r.Status != 200 {
		t.Fatalf("png: %d %s", r.Status, r.Raw)
	}
	p := r.JSON["path"].(string)
	if !strings.HasPrefix(p, "question_images/") || strings.Contains(p, "..") || r.JSON["url"] != "/uploads/"+p {
		t.Errorf("path %q url %v", p, r.JSON["url"])
	}
	if b, err := os.ReadFile(filepath.Join(s.env.Deps.Config.UploadDir, p)); err != nil || !bytes.Equal(b, pngBytes(t)) {
		t.Errorf("stored file: %v", err)
	}
	other := s.upload(t, "/admin/api/questions/upload_image", "../../图 1.png", pngBytes(t), nil)
	if other.JSON["path"] == p {
		t.Errorf("two uploads got the same name %q", p)
	}
	okSVG := `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>`
	if r := s.upload(t, "/admin/api/questions/upload_image", "a.svg", []byte(okSVG), nil); r.Status != 200 {
		t.Errorf("clean svg: %d %s", r.Status, r.Raw)
	}
	for _, c := range []struct{ name, data string }{
		{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`},
		{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`},
		{"a.svg", `<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"/></svg>`},
		{"a.svg", `<html><body>hi</body></html>`},
		{"a.png", "just text pretending to be a picture"},
		{"a.svg", string(pngBytes(t))},
		{"a.exe", string(pngBytes(t))},
		{"a.png", ""},
	} {
		if r := s.upload(t, "/admin/api/questions/upload_image", c.name, []byte(c.data), nil); r.Status != 400 {
			t.Errorf("%s %.30q: %d %s", c.name, c.data, r.Status, r.Raw)
		}
	}
	if r := s.call(t, "POST", "/admin/api/questions/upload_image", nil); r.Status != 400 {
		t.Errorf("no file: %d", r.Status)
	}
	big := append(pngBytes(t), make([]byte, 17<<20)...)
	if r := s.upload(t, "/admin/api/questions/upload_image", "big.png", big, nil); r.Status != 413 {
		t.Errorf("17 MiB: %d", r.Status)
	}
}

func TestPackageRoundTrip(t *testing.T) {
	s := newSite(t)
	up := s.upload(t, "/admin/api/questions/upload_image", "fig.png", pngBytes(t), nil)
	one := up.JSON["path"].(string)
	up = s.upload(t, "/admin/api/questions/upload_image", "fig2.png", pngBytes(t), nil)
	two := up.JSON["path"].(string)
	sid := s.subject(t, "图形")
	s.question(t, map[string]any{"subject_id": sid, "q_type": "问答题", "content": "看图", "answer": "a",
		"image_path": `["` + one + `","` + two + `"]`})
	exp := s.call(t, "GET", "/admin/api/questions/export_package?subject_id="+itoa(sid), nil)
	if exp.Status != 200 || exp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", exp.Status, exp.Raw)
	}
	zr, err := zip.NewReader(bytes.NewReader(exp.Raw), int64(len(exp.Raw)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["data.json"] || !names["images/"+one] || !names["images/"+two] {
		t.Fatalf("package entries: %v", names)
	}

	fresh := newSite(t)
	r := fresh.upload(t, "/admin/api/questions/import_package", "pkg.zip", exp.Raw, nil)
	if r.Status != 200 || r.JSON["imported_count"] != float64(1) {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	var stored string
	_ = fresh.env.Deps.DB.QueryRow(`SELECT image_path FROM questions`).Scan(&stored)
	var paths []string
	if err := json.Unmarshal([]byte(stored), &paths); err != nil || len(paths) != 2 || paths[0] == one {
		t.Fatalf("image paths %q", stored)
	}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(fresh.env.Deps.Config.UploadDir, p)); err != nil {
			t.Errorf("image %s not written: %v", p, err)
		}
	}
	if n := fresh.count(t, `SELECT COUNT(*) FROM subjects WHERE name = '图形'`); n != 1 {
		t.Errorf("subject not created")
	}
}

func zipOf(t *testing.T, entries map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	return buf.Bytes()
}

func TestHostilePackages(t *testing.T) {
	s := newSite(t)
	data := `[{"subject_name":"x","q_type":"问答题","content":"c","answer":"a","image_path":"../../etc/passwd"}]`
	for _, c := range []struct {
		name string
		file string
		data []byte
	}{
		{"zip slip", "p.zip", zipOf(t, map[string]string{"data.json": data, "images/../../evil.png": "x"})},
		{"absolute entry", "p.zip", zipOf(t, map[string]string{"data.json": data, "/etc/evil": "x"})},
		{"no data.json", "p.zip", zipOf(t, map[string]string{"other.json": "[]"})},
		{"bad data.json", "p.zip", zipOf(t, map[string]string{"data.json": "{not json"})},
		{"not a zip", "p.zip", []byte("plain text")},
		{"wrong extension", "p.tar", zipOf(t, map[string]string{"data.json": "[]"})},
		{"bomb", "p.zip", zipOf(t, map[string]string{"data.json": strings.Repeat(" ", 20<<20)})},
	} {
		r := s.upload(t, "/admin/api/questions/import_package", c.file, c.data, nil)
		if r.Status != 400 {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	// A ../ image path in data.json is simply not found inside the archive.
	r := s.upload(t, "/admin/api/questions/import_package", "p.zip", zipOf(t, map[string]string{"data.json": data}), nil)
	if r.Status != 200 || r.JSON["imported_count"] != float64(1) {
		t.Errorf("import: %s", r.Raw)
	}
	if n := s.count(t, `SELECT COUNT(*) FROM questions WHERE image_path IS NULL`); n != 1 {
		t.Errorf("image path kept for a missing image")
	}
}
