// Package loaddb opens the load-test database the way the server does
// (DATABASE_URL, SECRET_KEY from the environment), quietly, for the
// load-test helper commands.
package loaddb

import (
	"context"
	"io"
	"log/slog"
	"os"

	"quizbank/shared/config"
	"quizbank/shared/platform"
)

// Open returns the migrated platform over the configured database.
func Open(ctx context.Context) (*platform.Deps, error) {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return platform.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}
