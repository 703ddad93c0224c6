package adminconfig_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"

	"quizbank/functions/adminconfig"
	"quizbank/shared/testkit"
)

// TestTemplateDeclaresEveryRoute compares AdminConfigFunction's HttpApi
// events in template.yaml with the routes Register adds, both ways.
func TestTemplateDeclaresEveryRoute(t *testing.T) {
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatalf("parse template.yaml: %v", err)
	}
	fn, err := tpl.GetServerlessFunctionWithName("AdminConfigFunction")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for name, ev := range fn.Events {
		h := ev.Properties.HttpApiEvent
		if ev.Type != "HttpApi" || h == nil || h.Method == nil || h.Path == nil {
			t.Errorf("event %s is not a complete HttpApi event", name)
			continue
		}
		declared = append(declared, strings.ToUpper(*h.Method)+" "+*h.Path)
	}
	_, router := testkit.New(t).Deps.Handler(adminconfig.Register)
	registered := router.Patterns()
	sort.Strings(declared)
	sort.Strings(registered)
	if strings.Join(declared, "\n") != strings.Join(registered, "\n") {
		t.Fatalf("template.yaml and Register differ:\ntemplate:\n  %s\nregistered:\n  %s",
			strings.Join(declared, "\n  "), strings.Join(registered, "\n  "))
	}
}
