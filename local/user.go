package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"quizbank/shared/names"
	"quizbank/shared/password"
	"quizbank/shared/store"
	"quizbank/shared/users"
)

func cmdUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(e.stderr, "usage: local user create --email E [--username U] [--password P] [--admin]")
		return errUsage
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("email", "", "e-mail address of the account (required)")
	username := fs.String("username", "", "login name (default: the part of the e-mail before @)")
	pw := fs.String("password", "", "password, at least 8 characters with a letter and a digit (default: none; log in by e-mail code)")
	admin := fs.Bool("admin", false, "make the account an administrator")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	addr := strings.TrimSpace(*email)
	if !password.ValidEmail(addr) {
		return fmt.Errorf("--email %q is not a valid e-mail address", addr)
	}
	name := strings.TrimSpace(*username)
	if name == "" {
		name, _, _ = strings.Cut(addr, "@")
	}
	name, err := names.Username(name)
	if err != nil {
		return fmt.Errorf("--username: %w", err)
	}
	n := users.NewUser{Email: addr, EmailVerified: true, IsAdmin: *admin, Username: name}
	if *pw != "" {
		if err := password.CheckStrength(*pw); err != nil {
			return err
		}
		hash, err := password.Hash(*pw)
		if err != nil {
			return err
		}
		n.PasswordHash, n.HasPasswordSet = hash, true
	}
	deps, closer, err := openPlatform(ctx, e, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	defer deps.Close()
	// E-mail lookups ignore case, so Alice@… and alice@… are one address.
	if _, err := deps.Users.ByEmail(ctx, addr); err == nil {
		return fmt.Errorf("an account with the e-mail %s already exists", addr)
	} else if !errors.Is(err, users.ErrNotFound) {
		return err
	}
	u, err := deps.Users.Create(ctx, n, deps.Now())
	if store.IsUniqueViolation(err) {
		return errors.New("an account with that username or e-mail already exists")
	}
	if err != nil {
		return err
	}
	role := "user"
	if u.IsAdmin {
		role = "admin"
	}
	fmt.Fprintf(e.stdout, "created %s %q (id %d, e-mail %s)\n", role, u.Username, u.ID, u.Email)
	return nil
}
