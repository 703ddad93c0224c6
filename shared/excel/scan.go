// Package excel reads and writes question workbooks in the layout of the
// import template (sheet 题目示例, one question per row), refusing hostile
// files — archives that unpack too large, too many entries, formulas,
// merged cells, oversized cells — before any row reaches the database.
package excel

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// SheetName is the sheet the template and every export use.
const SheetName = "题目示例"

// Limits bound what a workbook may unpack to.
type Limits struct {
	MaxEntries    int   // files inside the .xlsx archive
	MaxUnpacked   int64 // sum of their uncompressed sizes
	MaxSheetBytes int64 // uncompressed size of the question sheet
	MaxCellBytes  int   // one cell's text
	MaxRows       int   // data rows
}

// DefaultLimits fit a 20,000-question workbook with room to spare.
var DefaultLimits = Limits{
	MaxEntries:    256,
	MaxUnpacked:   64 << 20,
	MaxSheetBytes: 48 << 20,
	MaxCellBytes:  32 << 10,
	MaxRows:       50000,
}

// FileError refuses a whole file; its message is meant for the user.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

func refuse(format string, args ...any) error { return &FileError{Msg: fmt.Sprintf(format, args...)} }

// IsFileError reports whether err refuses the file (a 4xx), as opposed
// to a failure of the reader itself.
func IsFileError(err error) bool {
	var fe *FileError
	return errors.As(err, &fe)
}

// inspect checks the archive against lim and scans the question sheet
// for formulas and merged cells. The zip reader verifies that entries
// unpack to exactly their declared size, so the declared sizes bound the
// real ones.
func inspect(data []byte, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	if len(zr.File) > lim.MaxEntries {
		return refuse("工作簿包含的文件过多（%d 个，最多 %d 个）", len(zr.File), lim.MaxEntries)
	}
	var total uint64
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnpacked) {
			return refuse("工作簿解压后过大（超过 %d MB）", lim.MaxUnpacked>>20)
		}
		files[f.Name] = f
	}
	if files["xl/workbook.xml"] == nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	sheet, err := sheetPath(files)
	if err != nil {
		return err
	}
	f := files[sheet]
	if f == nil {
		return refuse("缺少工作表「%s」", SheetName)
	}
	if f.UncompressedSize64 > uint64(lim.MaxSheetBytes) {
		return refuse("工作表「%s」过大（超过 %d MB）", SheetName, lim.MaxSheetBytes>>20)
	}
	return scanSheet(f)
}

type workbookXML struct {
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

type relsXML struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

func readXML(f *zip.File, limit int64, v any) error {
	if f == nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	if f.UncompressedSize64 > uint64(limit) {
		return refuse("工作簿结构文件过大")
	}
	rc, err := f.Open()
	if err != nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	return nil
}

// sheetPath finds the archive path of the question sheet.
func sheetPath(files map[string]*zip.File) (string, error) {
	var wb workbookXML
	if err := readXML(files["xl/workbook.xml"], 4<<20, &wb); err != nil {
		return "", err
	}
	rid := ""
	for _, s := range wb.Sheets {
		if s.Name == SheetName {
			rid = s.RID
		}
	}
	if rid == "" {
		if len(wb.Sheets) == 0 {
			return "", refuse("工作簿是空的（没有工作表）")
		}
		return "", refuse("缺少工作表「%s」", SheetName)
	}
	var rels relsXML
	if err := readXML(files["xl/_rels/workbook.xml.rels"], 4<<20, &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if r.ID == rid {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				return strings.TrimPrefix(t, "/"), nil
			}
			return path.Clean(path.Join("xl", t)), nil
		}
	}
	return "", refuse("文件不是有效的 .xlsx 工作簿")
}

// scanSheet streams the sheet XML looking for formulas and merged cells,
// which an import would silently turn into stale or missing values. Cell
// text cannot hold a raw '<', so a byte scan for the element names is
// exact and much cheaper than tokenising.
func scanSheet(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return refuse("文件不是有效的 .xlsx 工作簿")
	}
	defer rc.Close()
	const keep = 64 // longer than any tag name we look for, with a prefix
	buf := make([]byte, 0, 256<<10)
	chunk := make([]byte, 192<<10)
	for {
		n, rerr := rc.Read(chunk)
		buf = append(buf, chunk[:n]...)
		final := rerr != nil
		if kind := findTag(buf, final); kind != "" {
			if kind == "f" {
				return refuse("工作表「%s」含有公式，请将公式转换为数值后再导入", SheetName)
			}
			return refuse("工作表「%s」含有合并单元格，请取消合并后再导入", SheetName)
		}
		if final {
			if rerr != io.EOF {
				return refuse("工作表「%s」已损坏", SheetName)
			}
			return nil
		}
		if len(buf) > keep {
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
	}
}

// findTag reports "f" or "mergeCell" when b holds such a start tag
// (optionally namespace-prefixed). Unless final, a tag cut off at the end
// of b is left for the next call.
func findTag(b []byte, final bool) string {
	for i := 0; i < len(b); i++ {
		if b[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(b) && j-i < 40 && isNameByte(b[j]) {
			j++
		}
		if j >= len(b) && !final {
			return ""
		}
		name := b[i+1 : j]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		switch string(name) {
		case "f":
			return "f"
		case "mergeCell":
			return "mergeCell"
		}
	}
	return ""
}

func isNameByte(c byte) bool {
	return c == ':' || c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}
