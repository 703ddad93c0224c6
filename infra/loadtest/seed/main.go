// Command seed prepares a database for the load test: 10,000 generated
// questions in 20 subjects (500 per subject), an administrator and a
// student, and prints a mini-program token of the student on stdout.
// It reads DATABASE_URL and SECRET_KEY like the server does.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"quizbank/infra/loadtest/loaddb"
	"quizbank/shared/testkit"
	"quizbank/shared/users"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	d, err := loaddb.Open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	var n int
	if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM questions`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		if _, err := testkit.SeedBank(ctx, d.DB, 10_000, 20); err != nil {
			return err
		}
	}
	for _, name := range []string{"loadadmin", "loadstudent"} {
		if _, err := d.Users.ByUsername(ctx, name); errors.Is(err, users.ErrNotFound) {
			if _, err := d.Users.Create(ctx, users.NewUser{Username: name}, time.Now()); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
	}
	u, err := d.Users.ByUsername(ctx, "loadstudent")
	if err != nil {
		return err
	}
	tok, err := d.Tokens.Issue(u.ID, u.OpenID, u.SessionVersion)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}
