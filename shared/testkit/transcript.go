package testkit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Transcript is one recorded exchange with the original system
// (../shared/spec/transcripts/NN-name.json).
type Transcript struct {
	Name    string
	Request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"request"`
	Response struct {
		Status  int            `json:"status"`
		Headers map[string]any `json:"headers"`
		Body    any            `json:"body"`
	} `json:"response"`
	Note string `json:"note"`
}

// SharedDir is the facts folder: $QUIZBANK_SHARED_DIR when set, else the
// "shared" folder beside the checkout (../shared from the repository root).
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("QUIZBANK_SHARED_DIR")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "spec", "transcripts")); err != nil {
		t.Fatalf("the shared facts folder (spec, transcripts, fixtures) is missing at %s: "+
			"place it beside the checkout or set QUIZBANK_SHARED_DIR: %v", dir, err)
	}
	return dir
}

// LoadTranscript reads transcript number n (e.g. 4 or 104).
func LoadTranscript(t testing.TB, n int) Transcript {
	t.Helper()
	dir := filepath.Join(SharedDir(t), "spec", "transcripts")
	matches, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("%02d-*.json", n)))
	if len(matches) != 1 {
		t.Fatalf("transcript %d: found %v", n, matches)
	}
	raw, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	var tr Transcript
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("transcript %s: %v", matches[0], err)
	}
	tr.Name = filepath.Base(matches[0])
	return tr
}

// BodyString is the request body as the client sent it: JSON for JSON
// bodies, the literal text for form bodies, "" for none.
func (tr Transcript) BodyString() string {
	b := strings.TrimSpace(string(tr.Request.Body))
	if b == "" || b == "null" {
		return ""
	}
	if b[0] == '"' {
		var s string
		_ = json.Unmarshal(tr.Request.Body, &s)
		return s
	}
	return b
}

// ShapeDiff compares two decoded JSON values by shape: the same object
// keys at every level, arrays compared element by element up to the
// shorter length, and JSON types (string, number, bool, null, object,
// array) equal except that null matches anything. It returns the
// differences, empty when the shapes agree.
func ShapeDiff(got, want any) []string {
	var out []string
	shapeDiff("$", got, want, &out)
	return out
}

func shapeDiff(at string, got, want any, out *[]string) {
	if want == nil || got == nil {
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: got %T, want object", at, got))
			return
		}
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s: missing key %q", at, k))
				continue
			}
			shapeDiff(at+"."+k, g[k], w[k], out)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s: extra key %q", at, k))
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: got %T, want array", at, got))
			return
		}
		for i := 0; i < len(g) && i < len(w); i++ {
			shapeDiff(fmt.Sprintf("%s[%d]", at, i), g[i], w[i], out)
		}
	default:
		if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
			*out = append(*out, fmt.Sprintf("%s: got %T (%v), want %T (%v)", at, got, got, want, want))
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
