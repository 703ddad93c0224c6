package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"quizbank/shared/store"
)

func TestMigrateFileTwice(t *testing.T) {
	ctx := context.Background()
	url := "file:" + filepath.Join(t.TempDir(), "sub", "quiz.db")
	db, err := store.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[0] != "0001_core" {
		t.Fatalf("applied = %v, want 0001_core first", applied)
	}
	again, err := db.Migrate(ctx)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run applied %v, err %v; want nothing", again, err)
	}
	var fk int
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d (%v), want 1", fk, err)
	}
}

func TestMigrateConcurrentOpeners(t *testing.T) {
	ctx := context.Background()
	url := "file:" + filepath.Join(t.TempDir(), "quiz.db")
	var wg sync.WaitGroup
	results := make([][]string, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := store.Open(ctx, url, "")
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			results[i], errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("opener %d: %v", i, errs[i])
		}
		total += len(results[i])
	}
	all, _ := store.Migrations()
	if total != len(all) {
		t.Fatalf("migrations applied %d times in all, want %d (each once)", total, len(all))
	}
}
