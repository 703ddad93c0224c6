package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var (
	buildMu   sync.Mutex
	buildDir  string
	buildDone = map[string]string{} // "lambda:<group>" or a package path → binary
)

// BuildLambda builds a group's bootstrap the way `make build` does
// (linux/amd64, static, -tags lambda.norpc) once per test binary.
func BuildLambda(t testing.TB, group string) string {
	t.Helper()
	return build(t, "./functions/"+group+"/lambda", group+"-bootstrap", "lambda.norpc",
		"GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
}

// BuildBinary runs go build for pkg (relative to the repo root) once per
// test binary and returns the executable's path. The folder holding the
// builds is removed by the next test binary that starts after this one
// has exited.
func BuildBinary(t testing.TB, pkg, name string, env ...string) string {
	t.Helper()
	return build(t, pkg, name, "", env...)
}

func build(t testing.TB, pkg, name, tags string, env ...string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := pkg + "|" + tags + "|" + strings.Join(env, " ")
	if p, ok := buildDone[key]; ok {
		return p
	}
	if buildDir == "" {
		buildDir = newBuildDir(t)
	}
	out := filepath.Join(buildDir, name)
	args := []string{"build", "-trimpath", "-ldflags=-s -w", "-o", out}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = RepoRoot(t)
	cmd.Env = append(os.Environ(), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, msg)
	}
	buildDone[key] = out
	return out
}

// RemoveBuilds deletes this test binary's build folder; a TestMain calls
// it after m.Run (folders left behind are swept by the next test binary).
func RemoveBuilds() {
	buildMu.Lock()
	defer buildMu.Unlock()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
		buildDir, buildDone = "", map[string]string{}
	}
}

// newBuildDir makes this process's build folder and sweeps the folders
// of test processes that are gone.
func newBuildDir(t testing.TB) string {
	root := filepath.Join(os.TempDir(), "quizbank-testbuild")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatalf("build folder: %v", err)
	}
	entries, _ := os.ReadDir(root)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) != nil { // no such process any more
			_ = os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	dir := filepath.Join(root, strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("build folder: %v", err)
	}
	return dir
}
