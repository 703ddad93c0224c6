package auth_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"

	"quizbank/functions/auth"
	"quizbank/shared/testkit"
)

// TestTemplateDeclaresEveryRoute compares the AuthFunction's HttpApi
// events in template.yaml with the routes Register adds, both ways.
func TestTemplateDeclaresEveryRoute(t *testing.T) {
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatalf("parse template.yaml: %v", err)
	}
	fn, err := tpl.GetServerlessFunctionWithName("AuthFunction")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for name, ev := range fn.Events {
		if ev.Type != "HttpApi" || ev.Properties == nil || ev.Properties.HttpApiEvent == nil {
			t.Errorf("event %s is not an HttpApi event", name)
			continue
		}
		h := ev.Properties.HttpApiEvent
		if h.Method == nil || h.Path == nil {
			t.Errorf("event %s lacks Method or Path", name)
			continue
		}
		declared = append(declared, strings.ToUpper(*h.Method)+" "+*h.Path)
	}
	_, router := testkit.New(t).Deps.Handler(auth.Register)
	registered := router.Patterns()
	sort.Strings(declared)
	sort.Strings(registered)
	if strings.Join(declared, "\n") != strings.Join(registered, "\n") {
		t.Fatalf("template.yaml and Register differ:\ntemplate:\n  %s\nregistered:\n  %s",
			strings.Join(declared, "\n  "), strings.Join(registered, "\n  "))
	}
	if len(registered) != 27 {
		t.Errorf("%d routes, want the 26 of api.md §1 plus GET /api/mini/me", len(registered))
	}
}
