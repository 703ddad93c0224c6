// Package qpackage reads and writes question packages: a ZIP archive with
// data.json (the questions) and images/<path> for the pictures they use.
// Reading checks entry names, count and unpacked size before any entry is
// decompressed, so a hostile archive is refused cheaply.
package qpackage

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// DataFile is the questions document inside a package.
const DataFile = "data.json"

// ImageDir prefixes every image entry.
const ImageDir = "images/"

// Limits bound what a package may unpack to.
type Limits struct {
	MaxEntries  int
	MaxUnpacked int64 // all entries together
	MaxEntry    int64 // any one entry
}

// DefaultLimits suit a few thousand questions with pictures.
var DefaultLimits = Limits{MaxEntries: 5000, MaxUnpacked: 256 << 20, MaxEntry: 16 << 20}

// Error refuses a package; its message is meant for the user.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

func refuse(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// IsRefusal reports whether err refuses the package (a 4xx).
func IsRefusal(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// Package is an opened, checked archive.
type Package struct {
	files map[string]*zip.File
	lim   Limits
}

// safeEntry reports whether name stays inside the archive root.
func safeEntry(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) ||
		(len(name) > 1 && name[1] == ':') {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return false
		}
	}
	return path.Clean(name) == strings.TrimSuffix(name, "/") || strings.HasSuffix(name, "/")
}

// Open checks data and indexes its entries. Every entry name must be
// relative without "..", the count and declared sizes within lim (the
// zip reader refuses entries that unpack past their declared size), and
// data.json must be present.
func Open(data []byte, lim Limits) (*Package, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, refuse("文件不是有效的 ZIP 压缩包")
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, refuse("压缩包内文件过多（%d 个，最多 %d 个）", len(zr.File), lim.MaxEntries)
	}
	p := &Package{files: map[string]*zip.File{}, lim: lim}
	var total uint64
	for _, f := range zr.File {
		if !safeEntry(f.Name) {
			return nil, refuse("压缩包含有不安全的路径: %s", f.Name)
		}
		if f.UncompressedSize64 > uint64(lim.MaxEntry) {
			return nil, refuse("压缩包内文件 %s 过大", f.Name)
		}
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnpacked) {
			return nil, refuse("压缩包解压后过大（超过 %d MB）", lim.MaxUnpacked>>20)
		}
		if !strings.HasSuffix(f.Name, "/") {
			p.files[f.Name] = f
		}
	}
	if p.files[DataFile] == nil {
		return nil, refuse("压缩包中缺少 %s", DataFile)
	}
	return p, nil
}

func (p *Package) read(name string) ([]byte, error) {
	f := p.files[name]
	rc, err := f.Open()
	if err != nil {
		return nil, refuse("压缩包内文件 %s 无法读取", name)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, p.lim.MaxEntry+1))
	if err != nil || int64(len(b)) > p.lim.MaxEntry {
		return nil, refuse("压缩包内文件 %s 已损坏", name)
	}
	return b, nil
}

// Data returns data.json.
func (p *Package) Data() ([]byte, error) { return p.read(DataFile) }

// Image returns images/<rel> when the package has it.
func (p *Package) Image(rel string) ([]byte, bool, error) {
	name := ImageDir + strings.TrimPrefix(rel, "/")
	if _, ok := p.files[name]; !ok || !safeEntry(name) {
		return nil, false, nil
	}
	b, err := p.read(name)
	return b, err == nil, err
}

// Writer builds a package.
type Writer struct {
	zw   *zip.Writer
	seen map[string]bool
	at   time.Time // every entry's modification time: when the export ran
}

// NewWriter starts a package on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{zw: zip.NewWriter(w), seen: map[string]bool{}, at: time.Now()}
}

// Data writes data.json.
func (w *Writer) Data(b []byte) error { return w.add(DataFile, b) }

// Image adds images/<rel> once.
func (w *Writer) Image(rel string, b []byte) error {
	name := ImageDir + rel
	if w.seen[name] {
		return nil
	}
	if !safeEntry(name) {
		return fmt.Errorf("image path %q leaves the package", rel)
	}
	return w.add(name, b)
}

func (w *Writer) add(name string, b []byte) error {
	w.seen[name] = true
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: w.at})
	if err != nil {
		return fmt.Errorf("package entry %s: %w", name, err)
	}
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("package entry %s: %w", name, err)
	}
	return nil
}

// Close finishes the archive.
func (w *Writer) Close() error { return w.zw.Close() }
