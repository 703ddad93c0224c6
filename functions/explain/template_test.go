package explain

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/awslabs/goformation/v7"

	"quizbank/shared/testkit"
)

// TestTemplateEvents checks that ExplainFunction in template.yaml routes
// exactly the paths Register serves: a missing event would leave a route
// unreachable on AWS, an extra one would send requests to a 404.
func TestTemplateEvents(t *testing.T) {
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatalf("read template.yaml: %v", err)
	}
	fn, err := tpl.GetServerlessFunctionWithName("ExplainFunction")
	if err != nil {
		t.Fatal(err)
	}
	var inTemplate []string
	for name, ev := range fn.Events {
		p := ev.Properties.HttpApiEvent
		if ev.Type != "HttpApi" || p == nil || p.Method == nil || p.Path == nil {
			t.Fatalf("event %s: want an HttpApi event with Method and Path", name)
		}
		inTemplate = append(inTemplate, *p.Method+" "+*p.Path)
	}
	_, router := testkit.New(t).Deps.Handler(Register)
	served := router.Patterns()
	slices.Sort(inTemplate)
	slices.Sort(served)
	if !slices.Equal(inTemplate, served) {
		t.Errorf("ExplainFunction events %v, Register serves %v", inTemplate, served)
	}
}
