package testkit

import (
	"strings"
	"testing"
)

// Each Env has its own database, whatever characters the test name has:
// a "#" once cut the file: URL short and made such tests share one file.
func TestEnvDatabasesAreSeparate(t *testing.T) {
	for _, name := range []string{"#00", "#00", "a?b", "x%41"} {
		t.Run(name, func(t *testing.T) {
			env := New(t)
			env.CreateUser("same-name", "", false)
			if !strings.Contains(env.Deps.Config.DatabaseURL, env.Dir) {
				t.Fatalf("database %s is outside the env folder %s", env.Deps.Config.DatabaseURL, env.Dir)
			}
		})
	}
}
