package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"quizbank/shared/config"
	"quizbank/shared/store"
)

// cmdBackup writes a consistent copy of the SQLite database while the
// server keeps running: VACUUM INTO reads one snapshot (WAL readers do not
// block writers), the copy is checked with PRAGMA integrity_check under a
// temporary name, and only a copy that passes gets its final name.
func cmdBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: local backup DEST\n\nDEST is a folder (the copy is named "+
			"submissions-YYYYMMDD-HHMMSS.db inside it) or a new file name.")
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return err
	}
	res, err := backupDatabase(ctx, cfg.DatabaseURL, fs.Arg(0), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written: %s (%d bytes, integrity_check ok)\n", res.Path, res.Size)
	return nil
}

// backupResult is where the copy went and how big it is.
type backupResult struct {
	Path string
	Size int64
}

// backupDatabase copies the database at databaseURL to dest (a folder or a
// file that does not exist yet) and verifies the copy.
func backupDatabase(ctx context.Context, databaseURL, dest string, now time.Time) (backupResult, error) {
	if !strings.HasPrefix(databaseURL, "file:") {
		return backupResult{}, fmt.Errorf("backup works on a local SQLite file only; DATABASE_URL %s is a remote "+
			"libSQL database: use the provider's own backups or point-in-time restore instead", store.Redact(databaseURL))
	}
	srcPath, _, _ := strings.Cut(strings.TrimPrefix(databaseURL, "file:"), "?")
	srcPath = strings.TrimPrefix(srcPath, "//")
	if srcPath == ":memory:" {
		return backupResult{}, errors.New("DATABASE_URL is an in-memory database; there is nothing to back up")
	}
	if st, err := os.Stat(srcPath); err != nil || st.IsDir() {
		return backupResult{}, fmt.Errorf("database file %s does not exist (check DATABASE_URL and the working folder)", srcPath)
	}
	if err := checkOwner(srcPath); err != nil {
		return backupResult{}, err
	}

	target, err := backupTarget(dest, now)
	if err != nil {
		return backupResult{}, err
	}
	if abs(target) == abs(srcPath) {
		return backupResult{}, errors.New("the backup cannot overwrite the database itself")
	}
	tmp := target + ".partial"
	_ = os.Remove(tmp) // left over from an interrupted run

	db, err := store.Open(ctx, "file:"+srcPath, "")
	if err != nil {
		return backupResult{}, err
	}
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	_ = db.Close()
	if err != nil {
		_ = os.Remove(tmp)
		return backupResult{}, fmt.Errorf("copy %s to %s: %w", srcPath, tmp, err)
	}
	if err := checkIntegrity(ctx, tmp); err != nil {
		_ = os.Remove(tmp)
		return backupResult{}, err
	}
	// The copy holds password hashes and encrypted secrets: owner only.
	if err := os.Chmod(tmp, 0o600); err != nil {
		_ = os.Remove(tmp)
		return backupResult{}, fmt.Errorf("restrict the copy's permissions: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		_ = os.Remove(tmp)
		return backupResult{}, fmt.Errorf("move the checked copy into place: %w", err)
	}
	st, err := os.Stat(target)
	if err != nil {
		return backupResult{}, fmt.Errorf("stat backup: %w", err)
	}
	return backupResult{Path: target, Size: st.Size()}, nil
}

// backupTarget turns DEST into the copy's file name: inside DEST when it
// is a folder (or ends in a slash), DEST itself when it is a new file.
// An existing file is never overwritten.
func backupTarget(dest string, now time.Time) (string, error) {
	name := "submissions-" + now.UTC().Format("20060102-150405") + ".db"
	st, err := os.Stat(dest)
	switch {
	case err == nil && st.IsDir():
		target := filepath.Join(dest, name)
		if _, err := os.Stat(target); err == nil {
			return "", fmt.Errorf("%s already exists (copies are named to the second); try again in a moment", target)
		}
		return target, nil
	case err == nil:
		return "", fmt.Errorf("%s already exists; give a folder or a new file name", dest)
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("backup destination %s: %w", dest, err)
	case strings.HasSuffix(dest, "/"):
		if err := os.MkdirAll(dest, 0o750); err != nil {
			return "", fmt.Errorf("create backup folder: %w", err)
		}
		return filepath.Join(dest, name), nil
	default:
		if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
			return "", fmt.Errorf("create backup folder: %w", err)
		}
		return dest, nil
	}
}

// checkIntegrity opens a copy and requires PRAGMA integrity_check to say ok.
func checkIntegrity(ctx context.Context, path string) error {
	// Opened read-only and straight through the driver, so the check
	// neither switches the copy to WAL nor leaves -wal/-shm files beside it.
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open the copy: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity_check on the copy: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity_check on the copy: %w", err)
		}
		problems = append(problems, line)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity_check on the copy: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("the copy failed integrity_check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// checkOwner refuses to let root open a database that belongs to another
// account: SQLite would create its -wal and -shm files owned by root, and
// the service, running as that account, could no longer open them.
func checkOwner(path string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil // a missing file is reported where it matters
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || sys.Uid == 0 {
		return nil
	}
	return fmt.Errorf("%s belongs to user id %d; run this command as that user (e.g. sudo -u quizbank …), "+
		"not as root, so that SQLite's side files keep the right owner", path, sys.Uid)
}
