package adminconfig

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"quizbank/shared/excel"
	"quizbank/shared/httpx"
)

// The fixed parts of a minimal WordprocessingML package.
const (
	docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
		`</Types>`
	docxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
		`</Relationships>`
)

// docxParagraph is one paragraph; bold for question stems. Line breaks
// inside the text become <w:br/>.
func docxParagraph(b *bytes.Buffer, text string, bold bool) {
	b.WriteString("<w:p><w:r>")
	if bold {
		b.WriteString("<w:rPr><w:b/></w:rPr>")
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		_ = xml.EscapeText(b, []byte(line))
		b.WriteString("</w:t>")
	}
	b.WriteString("</w:r></w:p>")
}

// writeDocx lays the questions out one after another: numbered stem,
// options, answer, explanation. The layout is not part of the contract.
func writeDocx(qs []excel.Question, title string) ([]byte, error) {
	var doc bytes.Buffer
	doc.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	docxParagraph(&doc, title, true)
	for i, q := range qs {
		docxParagraph(&doc, fmt.Sprintf("%d. [%s] %s", i+1, q.QType, q.Content), true)
		for _, o := range q.Options {
			docxParagraph(&doc, o.Key+". "+o.Value, false)
		}
		answer := q.Answer
		if q.QType == excel.Blank {
			answer = strings.ReplaceAll(answer, ";;", "；")
		}
		docxParagraph(&doc, "答案："+answer, false)
		if q.Explanation != "" {
			docxParagraph(&doc, "解析："+q.Explanation, false)
		}
	}
	doc.WriteString("</w:body></w:document>")
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", docxContentTypes}, {"_rels/.rels", docxRels}, {"word/document.xml", doc.String()},
	} {
		w, err := zw.Create(part.name)
		if err != nil {
			return nil, fmt.Errorf("docx part %s: %w", part.name, err)
		}
		if _, err := w.Write([]byte(part.body)); err != nil {
			return nil, fmt.Errorf("docx part %s: %w", part.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("docx: %w", err)
	}
	return out.Bytes(), nil
}

func (a *api) exportWord(w http.ResponseWriter, r *http.Request) error {
	qs, subject, err := ExportQuestions(r.Context(), a.d.DB, queryInt(r, "subject_id", 0), r.URL.Query().Get("type"))
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return httpx.BadRequest("没有可导出的题目")
	}
	title := "题库导出 - " + subject
	if subject == "all_subjects" {
		title = "题库导出 - 全部科目"
	}
	body, err := writeDocx(qs, title)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("questions_export_%s_%s.docx", fileSafe(subject), time.Now().Format("20060102_150405"))
	sendFile(w, name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body)
	return nil
}
