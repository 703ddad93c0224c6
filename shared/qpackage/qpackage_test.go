package qpackage

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"
)

func TestSafeEntry(t *testing.T) {
	for name, want := range map[string]bool{
		"data.json": true, "images/question_images/a.png": true, "images/": true,
		"../x": false, "images/../../x": false, "/etc/passwd": false, `images\..\x`: false,
		"C:/x": false, "": false, "images//a.png": false, "./data.json": false,
	} {
		if got := safeEntry(name); got != want {
			t.Errorf("safeEntry(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWriteOpenRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if err := w.Data([]byte(`[]`)); err != nil {
		t.Fatal(err)
	}
	_ = w.Image("question_images/a.png", []byte("png"))
	_ = w.Image("question_images/a.png", []byte("again")) // once only
	if err := w.Image("../evil", []byte("x")); err == nil {
		t.Error("escaping image path written")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p, err := Open(buf.Bytes(), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := p.Image("question_images/a.png")
	if !ok || err != nil || string(b) != "png" {
		t.Errorf("image: %q %v %v", b, ok, err)
	}
	if _, ok, _ := p.Image("../data.json"); ok {
		t.Error("image lookup escaped images/")
	}
	if _, err := Open(buf.Bytes(), Limits{MaxEntries: 1, MaxUnpacked: 1 << 20, MaxEntry: 1 << 20}); !IsRefusal(err) {
		t.Errorf("entry limit: %v", err)
	}
	var one bytes.Buffer
	zw := zip.NewWriter(&one)
	f, _ := zw.Create("data.json")
	_, _ = f.Write(make([]byte, 2048))
	_ = zw.Close()
	if _, err := Open(one.Bytes(), Limits{MaxEntries: 10, MaxUnpacked: 1 << 20, MaxEntry: 1024}); !IsRefusal(err) {
		t.Errorf("entry size limit: %v", err)
	}
}

// Entries carry the export's time, not the zip format's 1980 zero date.
func TestEntriesAreDated(t *testing.T) {
	var buf bytes.Buffer
	before := time.Now().Add(-2 * time.Second)
	w := NewWriter(&buf)
	if err := w.Data([]byte(`[]`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Image("question_images/a.png", []byte("png")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Modified.Before(before) || f.Modified.After(time.Now().Add(2*time.Second)) {
			t.Errorf("%s dated %v", f.Name, f.Modified)
		}
	}
}
