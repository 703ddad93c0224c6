package quiz_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"quizbank/functions/quiz"
	"quizbank/shared/testkit"
)

// quizTranscripts are the recorded exchanges of the quiz group (30–81
// and 85–106 minus the admin, auth and explain ones), replayed in order.
func quizTranscripts() []int {
	var out []int
	for n := 30; n <= 106; n++ {
		switch {
		case n >= 82 && n <= 84, n >= 91 && n <= 96, n >= 98 && n <= 101:
			continue
		}
		out = append(out, n)
	}
	return out
}

// extraKeys are keys this implementation adds on purpose (exam timers,
// the late flag); the transcripts predate them.
var extraKeys = map[string]bool{"remaining_seconds": true, "is_late": true, "late": true}

// volatile are values that differ between runs (times) or by design:
// detail and exam questions name their subject here (the original sent "").
var volatile = map[string]bool{"started_at": true, "submitted_at": true}

func TestTranscriptsReplay(t *testing.T) {
	env := testkit.New(t)
	admin := env.CreateUser("admin", "AdminPass123", true)
	student := env.CreateUser("student1", "Student123", false)
	env.TranscriptBank()
	srv := env.Serve(quiz.Register)
	tokens := map[int64]string{admin.ID: env.Token(admin), student.ID: env.Token(student)}

	for _, n := range quizTranscripts() {
		tr := testkit.LoadTranscript(t, n)
		t.Run(tr.Name, func(t *testing.T) {
			var auth any
			var headers []string
			for k, v := range tr.Request.Headers {
				switch {
				case k == "Authorization":
					auth = v
					if uid, ok := jwtUser(v); ok {
						auth = testkit.Bearer(tokens[uid])
					}
				case k == "Cookie":
					if strings.Contains(v, "student") {
						auth = env.Cookie(student)
					} else {
						auth = env.Cookie(admin)
					}
				default:
					headers = append(headers, k, v)
				}
			}
			body := tr.BodyString()
			var sent any
			if body != "" {
				sent = body
			}
			got := testkit.Call(t, srv.URL, tr.Request.Method, tr.Request.Path, sent, auth, headers...)
			if got.Status != tr.Response.Status {
				t.Fatalf("status %d, want %d; body %s", got.Status, tr.Response.Status, got.Raw)
			}
			want, _ := tr.Response.Body.(map[string]any)
			if want == nil {
				return
			}
			if got.JSON["status"] != want["status"] {
				t.Fatalf("envelope status %v, want %v; body %s", got.JSON["status"], want["status"], got.Raw)
			}
			var diffs []string
			for _, d := range testkit.ShapeDiff(got.JSON, want) {
				if !isExtra(d) {
					diffs = append(diffs, d)
				}
			}
			diffs = append(diffs, valueDiff("$", got.JSON, want)...)
			if len(diffs) > 0 {
				t.Fatalf("body differs:\n%s\ngot  %s", strings.Join(diffs, "\n"), got.Raw)
			}
		})
	}
}

func isExtra(diff string) bool {
	for k := range extraKeys {
		if strings.HasSuffix(diff, fmt.Sprintf("extra key %q", k)) {
			return true
		}
	}
	return false
}

// valueDiff compares values where the shapes agree, except volatile keys
// and the free-text messages.
func valueDiff(at string, got, want any) []string {
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if volatile[k] || k == "message" || (k == "subject" && w[k] == "") {
				continue
			}
			if gv, ok := g[k]; ok {
				out = append(out, valueDiff(at+"."+k, gv, w[k])...)
			}
		}
	case []any:
		g, _ := got.([]any)
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %d items, want %d", at, len(g), len(w))}
		}
		for i := range w {
			out = append(out, valueDiff(fmt.Sprintf("%s[%d]", at, i), g[i], w[i])...)
		}
	default:
		if !reflect.DeepEqual(got, want) {
			out = append(out, fmt.Sprintf("%s: got %v, want %v", at, got, want))
		}
	}
	return out
}

// jwtUser reads the user_id claim of a recorded token (no verification:
// the test issues its own token for that user).
func jwtUser(header string) (int64, bool) {
	parts := strings.Split(strings.TrimPrefix(header, "Bearer "), ".")
	if len(parts) != 3 {
		return 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return 0, false
	}
	var c struct {
		UserID int64 `json:"user_id"`
	}
	if json.Unmarshal(raw, &c) != nil || c.UserID == 0 {
		return 0, false
	}
	return c.UserID, true
}
