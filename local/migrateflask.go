package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"quizbank/shared/config"
	"quizbank/shared/flaskimport"
	"quizbank/shared/store"
)

// cmdMigrateFlask copies a database of the original Flask system into
// ours (see shared/flaskimport for what happens to each table).
func cmdMigrateFlask(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("migrate-from-flask", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dryRun := fs.Bool("dry-run", false, "copy inside a transaction, print the report, then roll back")
	zone := fs.String("source-tz", "", "time zone of the old server, for its local-time timestamps (default: TIMEZONE)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: local migrate-from-flask [--dry-run] [--source-tz ZONE] PATH/submissions.db")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	source := fs.Arg(0)

	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	if target, ok := strings.CutPrefix(cfg.DatabaseURL, "file:"); ok {
		target, _, _ = strings.Cut(target, "?")
		if err := checkOwner(target); err != nil {
			return err
		}
	}
	deps, closer, err := openPlatform(ctx, e, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	defer deps.Close()
	if target, ok := strings.CutPrefix(deps.Config.DatabaseURL, "file:"); ok {
		target, _, _ = strings.Cut(target, "?")
		if abs(target) == abs(source) {
			return fmt.Errorf("%s is this system's own database (DATABASE_URL); give the Flask system's file, "+
				"e.g. a copy of its instance/submissions.db", source)
		}
	}
	name := *zone
	if name == "" {
		name = deps.Config.TimeZone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return fmt.Errorf("--source-tz %q is not a time zone: %w", name, err)
	}

	src, err := flaskimport.OpenSource(ctx, source)
	if err != nil {
		return err
	}
	defer src.Close()
	report, err := flaskimport.Run(ctx, src, deps.DB, deps.SysConfig,
		flaskimport.Options{SourceZone: loc, Now: deps.Now(), DryRun: *dryRun})
	if err != nil {
		return fmt.Errorf("migrate from %s: %w", filepath.Base(source), err)
	}
	fmt.Fprintf(e.stdout, "copied from %s (read-only) into %s\n", source, store.Redact(deps.Config.DatabaseURL))
	report.Write(e.stdout)
	return nil
}
