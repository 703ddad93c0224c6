package quiz_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/awslabs/goformation/v7"

	"quizbank/functions/quiz"
	"quizbank/shared/testkit"
)

// The QuizFunction's HttpApi events must be exactly the routes Register
// adds, or API Gateway would send some requests nowhere.
func TestTemplateMatchesRoutes(t *testing.T) {
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	fn, err := tpl.GetServerlessFunctionWithName("QuizFunction")
	if err != nil {
		t.Fatal(err)
	}
	var events []string
	for name, ev := range fn.Events {
		api := ev.Properties.HttpApiEvent
		if ev.Type != "HttpApi" || api == nil || api.Method == nil || api.Path == nil {
			t.Fatalf("event %s is not a complete HttpApi event", name)
		}
		events = append(events, *api.Method+" "+*api.Path)
	}
	_, router := testkit.New(t).Deps.Handler(quiz.Register)
	routes := router.Patterns()
	slices.Sort(events)
	slices.Sort(routes)
	if !slices.Equal(events, routes) {
		t.Fatalf("template events:\n%v\nregistered routes:\n%v", events, routes)
	}
}
