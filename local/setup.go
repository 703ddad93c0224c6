package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"quizbank/shared/config"
	"quizbank/shared/logging"
	"quizbank/shared/platform"
)

// openPlatform loads the configuration and opens the platform, logging to
// stdout and, in production, to LOG_DIR/app.log.
func openPlatform(ctx context.Context, e *env, withFileLog bool) (*platform.Deps, io.Closer, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return nil, nil, err
	}
	if err := checkDirs(cfg); err != nil {
		return nil, nil, err
	}
	file := ""
	if withFileLog && cfg.Production() {
		file = filepath.Join(cfg.LogDir, "app.log")
	}
	logger, closer, err := logging.New(logging.Options{Stdout: e.stdout, File: file, Secrets: cfg.Secrets()})
	if err != nil {
		return nil, nil, err
	}
	slog.SetDefault(logger)
	deps, err := platform.Open(ctx, cfg, logger)
	if err != nil {
		closer.Close()
		return nil, nil, err
	}
	return deps, closer, nil
}

// checkDirs makes sure the data folders exist and are writable, with a
// one-line error naming the folder otherwise.
func checkDirs(cfg config.Config) error {
	dirs := []string{cfg.UploadDir, cfg.LogDir}
	if strings.HasPrefix(cfg.DatabaseURL, "file:") {
		path, _, _ := strings.Cut(strings.TrimPrefix(cfg.DatabaseURL, "file:"), "?")
		dirs = append(dirs, filepath.Dir(path))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("folder %s cannot be created: %w", d, err)
		}
		f, err := os.CreateTemp(d, ".write-check-*")
		if err != nil {
			return fmt.Errorf("folder %s is not writable by this process: %w", d, err)
		}
		name := f.Name()
		f.Close()
		os.Remove(name)
	}
	return nil
}

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, "usage: local migrate (no arguments): applies the database migrations and exits")
		return errUsage
	}
	deps, closer, err := openPlatform(ctx, e, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	defer deps.Close()
	fmt.Fprintln(e.stdout, "database is up to date")
	return nil
}
