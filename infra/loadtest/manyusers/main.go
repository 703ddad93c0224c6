// Command manyusers is the memory load of infra/loadtest/memory.sh: it
// adds many accounts (some with favourites) to the seeded database and
// has each of them list one page from a running server, so the server's
// per-user caches fill to their caps. It reads DATABASE_URL and
// SECRET_KEY like the server does.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"quizbank/infra/loadtest/loaddb"
	"quizbank/shared/platform"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:18080", "server to call")
	users := flag.Int("users", 25_000, "accounts that each list one page")
	marked := flag.Int("marked", 10_000, "how many of them get 100 favourites")
	flag.Parse()
	if err := run(context.Background(), *base, *users, *marked); err != nil {
		fmt.Fprintln(os.Stderr, "manyusers:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base string, n, marked int) error {
	d, err := loaddb.Open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	ids, err := accounts(ctx, d, n, marked)
	if err != nil {
		return err
	}
	tokens := make(chan string)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tok := range tokens {
				if err := listOnce(ctx, base, tok); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	for _, id := range ids {
		tok, err := d.Tokens.Issue(id, "", 0)
		if err != nil {
			close(tokens)
			return fmt.Errorf("issue token: %w", err)
		}
		tokens <- tok
	}
	close(tokens)
	wg.Wait()
	fmt.Printf("%d users listed a page in %v, %d failed\n", len(ids), time.Since(start).Round(time.Millisecond), failed.Load())
	if failed.Load() > 0 {
		return errors.New("some requests failed")
	}
	return nil
}

// accounts creates users mem00000… (kept across runs) and returns their ids.
func accounts(ctx context.Context, d *platform.Deps, n, marked int) ([]int64, error) {
	tx, err := d.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for i := range n {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO users (username, created_at) VALUES (?, '2026-12-04 00:00:00')`,
			fmt.Sprintf("mem%05d", i)); err != nil {
			return nil, fmt.Errorf("create account: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO favorites (user_id, question_id)
		SELECT u.id, q.id FROM users u JOIN questions q ON q.id <= 100
		WHERE u.username LIKE 'mem%' AND CAST(substr(u.username, 4) AS INTEGER) < ?`, marked); err != nil {
		return nil, fmt.Errorf("add favourites: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	rows, err := d.DB.QueryContext(ctx, `SELECT id FROM users WHERE username LIKE 'mem%' ORDER BY id LIMIT ?`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func listOnce(ctx context.Context, base, tok string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/quiz/questions?subject=all&per_page=20", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
