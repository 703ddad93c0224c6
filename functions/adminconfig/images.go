package adminconfig

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"quizbank/shared/httpx"
)

// maxUpload is the body cap of api.md §0.1; multipart parts live on disk
// past the in-memory share.
const maxUpload = 16 << 20

// formFile reads the multipart "file" part whole (it is under the body
// cap), mapping the usual failures to clear 4xx answers, and removes any
// temporary files the parser spilled to disk — the Lambda adapter has no
// server to do that afterwards.
func formFile(r *http.Request) ([]byte, string, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", httpx.FrameworkError(http.StatusRequestEntityTooLarge, httpx.MsgTooLarge)
		}
		return nil, "", httpx.BadRequest("请使用 multipart/form-data 上传文件")
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	f, h, err := r.FormFile("file")
	if err != nil || h.Filename == "" {
		return nil, "", httpx.BadRequest("没有上传文件")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil {
		return nil, "", httpx.BadRequest("读取文件失败")
	}
	if len(data) > maxUpload {
		return nil, "", httpx.FrameworkError(http.StatusRequestEntityTooLarge, httpx.MsgTooLarge)
	}
	return data, h.Filename, nil
}

// imageKind is what a question image's bytes turned out to be.
func imageKind(head []byte, ext string) (string, error) {
	switch http.DetectContentType(head) {
	case "image/png":
		return ".png", nil
	case "image/jpeg":
		return ".jpg", nil
	case "image/gif":
		return ".gif", nil
	}
	if ext == ".svg" {
		return ".svg", nil // checked in full by safeSVG
	}
	return "", httpx.BadRequest("文件内容不是 png/jpg/gif/svg 图片")
}

// safeSVG accepts an SVG document without scripts, event handlers,
// foreign objects or javascript: links.
func safeSVG(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	root := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return httpx.BadRequest("SVG 文件格式错误")
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root && name != "svg" {
				return httpx.BadRequest("SVG 文件格式错误")
			}
			root = false
			if name == "script" || name == "foreignobject" || name == "iframe" || name == "embed" || name == "object" {
				return httpx.BadRequest("SVG 中不允许包含脚本或外部内容")
			}
			for _, at := range t.Attr {
				k, v := strings.ToLower(at.Name.Local), strings.ToLower(strings.TrimSpace(at.Value))
				if strings.HasPrefix(k, "on") || strings.Contains(v, "javascript:") || strings.Contains(v, "data:text/html") {
					return httpx.BadRequest("SVG 中不允许包含脚本或外部内容")
				}
			}
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				return httpx.BadRequest("SVG 中不允许定义实体")
			}
		}
	}
	if root {
		return httpx.BadRequest("SVG 文件格式错误")
	}
	return nil
}

// safeName keeps the ASCII letters, digits, '-' and '_' of a file's base
// name (what secure_filename leaves), at most 40 of them.
func safeName(name string) string {
	base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(name, `\`, "/")), filepath.Ext(name))
	var b strings.Builder
	for _, r := range base {
		if (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '-' || r == '_' {
			b.WriteRune(r)
		}
		if b.Len() >= 40 {
			break
		}
	}
	if b.Len() == 0 {
		return "image"
	}
	return b.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// saveImage stores data under UPLOAD_DIR/question_images under a new
// name (time, random hex, the cleaned original name) and returns the
// path relative to UPLOAD_DIR.
func (a *api) saveImage(data []byte, original, ext string) (string, error) {
	dir := filepath.Join(a.d.Config.UploadDir, "question_images")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("create image folder: %w", err)
	}
	name := fmt.Sprintf("%d_%s_%s%s", time.Now().Unix(), randomHex(4), safeName(original), ext)
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", fmt.Errorf("create image file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("write image file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write image file: %w", err)
	}
	return "question_images/" + name, nil
}

var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".svg": true}

// checkImage validates an image's name and bytes and returns the
// extension to store it under.
func checkImage(name string, data []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if !imageExts[ext] {
		return "", httpx.BadRequest("只允许上传 png、jpg、jpeg、gif、svg 格式的图片")
	}
	if len(data) == 0 {
		return "", httpx.BadRequest("文件为空")
	}
	kind, err := imageKind(data[:min(len(data), 512)], ext)
	if err != nil {
		return "", err
	}
	if (kind == ".svg") != (ext == ".svg") {
		return "", httpx.BadRequest("文件扩展名与内容不符")
	}
	if kind == ".svg" {
		if err := safeSVG(data); err != nil {
			return "", err
		}
	}
	return kind, nil
}

func (a *api) uploadImage(w http.ResponseWriter, r *http.Request) error {
	data, name, err := formFile(r)
	if err != nil {
		return err
	}
	ext, err := checkImage(name, data)
	if err != nil {
		return err
	}
	rel, err := a.saveImage(data, name, ext)
	if err != nil {
		return err
	}
	httpx.Success(w, httpx.M{"url": "/uploads/" + rel, "path": rel})
	return nil
}
