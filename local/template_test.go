package main

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation/serverless"

	"quizbank/shared/testkit"
)

// tplFunctions maps each function of template.yaml to the route group
// (folder under functions/) its bootstrap is built from.
var tplFunctions = map[string]string{
	"AuthFunction":        "auth",
	"QuizFunction":        "quiz",
	"ExplainFunction":     "explain",
	"AdminConfigFunction": "adminconfig",
}

// tplRoute turns a Go ServeMux pattern into the "METHOD path" an HttpApi
// event declares: {name...} is {name+}, {$} is dropped, a pattern without
// a method is ANY, and a subtree pattern ("/x/") is /x/{proxy+}.
func tplRoute(pattern string) string {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "ANY", pattern
	}
	exact := strings.HasSuffix(path, "{$}")
	path = strings.TrimSuffix(path, "{$}")
	path = regexp.MustCompile(`\{([A-Za-z0-9_]+)\.\.\.\}`).ReplaceAllString(path, "{$1+}")
	if !exact && strings.HasSuffix(path, "/") && len(path) > 1 {
		path += "{proxy+}"
	}
	return strings.ToUpper(method) + " " + path
}

func TestTplRoute(t *testing.T) {
	for in, want := range map[string]string{
		"GET /api/exams/{id}":           "GET /api/exams/{id}",
		"POST /api/login":               "POST /api/login",
		"/api/anything":                 "ANY /api/anything",
		"GET /uploads/{path...}":        "GET /uploads/{path+}",
		"GET /api/quiz/{$}":             "GET /api/quiz/",
		"/static/":                      "ANY /static/{proxy+}",
		"DELETE /api/quiz/tags":         "DELETE /api/quiz/tags",
		"GET /api/quiz/subjects/{name}": "GET /api/quiz/subjects/{name}",
	} {
		if got := tplRoute(in); got != want {
			t.Errorf("tplRoute(%q) = %q, want %q", in, got, want)
		}
	}
}

func loadTemplateFunctions(t *testing.T) map[string]*serverless.Function {
	t.Helper()
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatalf("parse template.yaml: %v", err)
	}
	fns := tpl.GetAllServerlessFunctionResources()
	var names []string
	for name := range fns {
		names = append(names, name)
	}
	sort.Strings(names)
	var want []string
	for name := range tplFunctions {
		want = append(want, name)
	}
	sort.Strings(want)
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("template.yaml declares functions %v, want %v", names, want)
	}
	return fns
}

// TestTemplateRoutesMatchCode checks that every route a group registers
// is an HttpApi event of its function in template.yaml, and that the
// template declares no route the group lacks.
func TestTemplateRoutesMatchCode(t *testing.T) {
	fns := loadTemplateFunctions(t)
	env := testkit.New(t)
	registers := map[string]func() []string{}
	for _, g := range rtGroups {
		registers[g.name] = func() []string {
			_, router := env.Deps.Handler(g.register)
			return router.Patterns()
		}
	}
	owner := map[string]string{} // "METHOD path" → function, across the API
	for logical, group := range tplFunctions {
		t.Run(logical, func(t *testing.T) {
			declared := map[string]bool{}
			for name, ev := range fns[logical].Events {
				if ev.Type != "HttpApi" {
					continue
				}
				p := ev.Properties.HttpApiEvent
				if p == nil || p.Method == nil || p.Path == nil {
					t.Errorf("event %s has no Method or Path", name)
					continue
				}
				route := strings.ToUpper(*p.Method) + " " + *p.Path
				if declared[route] {
					t.Errorf("route %s is declared twice", route)
				}
				declared[route] = true
				if other, ok := owner[route]; ok && other != logical {
					t.Errorf("route %s is declared by both %s and %s", route, other, logical)
				}
				owner[route] = logical
			}
			missing, extra := tplDiff(declared, registers[group]())
			if len(missing) > 0 {
				t.Errorf("%s registers %d routes that template.yaml's %s does not declare:\n  %s",
					group, len(missing), logical, strings.Join(missing, "\n  "))
			}
			if len(extra) > 0 {
				t.Errorf("template.yaml's %s declares %d routes that %s does not register:\n  %s",
					logical, len(extra), group, strings.Join(extra, "\n  "))
			}
		})
	}
}

// tplDiff lists the registered patterns the template does not declare
// (with the Go pattern, to find the code) and the declared routes no
// pattern registers, both sorted.
func tplDiff(declared map[string]bool, patterns []string) (missing, extra []string) {
	registered := map[string]string{}
	for _, pattern := range patterns {
		registered[tplRoute(pattern)] = pattern
	}
	for route, pattern := range registered {
		if !declared[route] {
			missing = append(missing, fmt.Sprintf("%s  (Go pattern %q)", route, pattern))
		}
	}
	for route := range declared {
		if _, ok := registered[route]; !ok {
			extra = append(extra, route)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

func TestTplDiff(t *testing.T) {
	declared := map[string]bool{"GET /api/a": true, "POST /api/b/{id}": true, "ANY /api/c": true, "GET /api/gone": true}
	missing, extra := tplDiff(declared, []string{"GET /api/a", "POST /api/b/{id}", "/api/c", "DELETE /api/new"})
	if strings.Join(missing, ";") != `DELETE /api/new  (Go pattern "DELETE /api/new")` || strings.Join(extra, ";") != "GET /api/gone" {
		t.Fatalf("missing %q, extra %q", missing, extra)
	}
	missing, extra = tplDiff(declared, []string{"GET /api/a", "POST /api/b/{id}", "/api/c", "GET /api/gone"})
	if len(missing)+len(extra) != 0 {
		t.Fatalf("same sets reported missing %q, extra %q", missing, extra)
	}
}

// TestTemplateFunctionSettings checks what SAM needs to build and run
// each function: provided.al2023 with a bootstrap handler (on the
// function or in Globals), BuildMethod makefile with a matching Makefile
// target, and the settings the deployment needs in the environment.
func TestTemplateFunctionSettings(t *testing.T) {
	fns := loadTemplateFunctions(t)
	tpl, err := goformation.Open(filepath.Join(testkit.RepoRoot(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	globalRuntime, globalHandler := "", ""
	globalEnv := map[string]string{}
	if g, err := tpl.GetServerlessGlobalFunction(); err == nil {
		if g.Runtime != nil {
			globalRuntime = *g.Runtime
		}
		if g.Handler != nil {
			globalHandler = *g.Handler
		}
		if g.Environment != nil {
			for k, v := range g.Environment.Variables {
				globalEnv[k] = fmt.Sprint(v)
			}
		}
	}
	makefile, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for logical, group := range tplFunctions {
		fn := fns[logical]
		runtime, handler := globalRuntime, globalHandler
		if fn.Runtime != nil {
			runtime = *fn.Runtime
		}
		if fn.Handler != nil {
			handler = *fn.Handler
		}
		if runtime != "provided.al2023" || handler != "bootstrap" {
			t.Errorf("%s: Runtime %q Handler %q, want provided.al2023 and bootstrap", logical, runtime, handler)
		}
		if m := fmt.Sprint(fn.AWSCloudFormationMetadata["BuildMethod"]); m != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod = %q, want makefile", logical, m)
		}
		target := regexp.MustCompile(`(?m)^build-` + logical + `:\s*\n\t.*\./functions/` + group + `/lambda|` +
			`(?m)^build-` + logical + `:\s*\n\t\$\(call sam_build,` + group + `\)`)
		if !target.Match(makefile) {
			t.Errorf("%s: the Makefile has no build-%s target building ./functions/%s/lambda", logical, logical, group)
		}
		env := map[string]string{}
		for k, v := range globalEnv {
			env[k] = v
		}
		if fn.Environment != nil {
			for k, v := range fn.Environment.Variables {
				env[k] = fmt.Sprint(v)
			}
		}
		for _, key := range []string{"DATABASE_URL", "DATABASE_AUTH_TOKEN", "SECRET_KEY", "RATELIMIT_STORAGE_URL",
			"MAIL_PROVIDER", "DASHSCOPE_API_KEY"} {
			if _, ok := env[key]; !ok {
				t.Errorf("%s: environment has no %s", logical, key)
			}
		}
		if env["ENVIRONMENT"] != "production" {
			t.Errorf("%s: ENVIRONMENT = %q, want production", logical, env["ENVIRONMENT"])
		}
	}
}

// TestLambdaBinariesAreStatic builds every function the way `make build`
// does (linux/amd64, CGO_ENABLED=0, -tags lambda.norpc, stripped) and
// checks that each bootstrap is a static ELF executable, which is what
// provided.al2023 runs.
func TestLambdaBinariesAreStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries")
	}
	for _, group := range tplFunctions {
		bin := testkit.BuildLambda(t, group)
		f, err := elf.Open(bin)
		if err != nil {
			t.Fatalf("%s: %v", group, err)
		}
		if f.Machine != elf.EM_X86_64 || f.Type != elf.ET_EXEC {
			t.Errorf("%s: machine %v type %v, want x86-64 executable", group, f.Machine, f.Type)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s: has a %v program header: not static", group, p.Type)
			}
		}
		libs, _ := f.ImportedLibraries()
		if len(libs) > 0 {
			t.Errorf("%s: links %v dynamically", group, libs)
		}
		f.Close()
		st, _ := os.Stat(bin)
		t.Logf("%s bootstrap: %.1f MiB", group, float64(st.Size())/(1<<20))
	}
}
