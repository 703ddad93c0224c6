package main

import (
	"os"
	"testing"

	"quizbank/shared/testkit"
)

// TestMain removes the bootstrap this package's tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	testkit.RemoveBuilds()
	os.Exit(code)
}
