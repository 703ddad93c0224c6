// Command local runs Quiz Bank on one machine: every route group on one
// HTTP server (serve), and the operator's tasks (migrate, user create,
// and the others listed by usage).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "error:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// command is one subcommand: it gets its own arguments.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch: the process environment and output.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

var commands = map[string]command{
	"serve":   {"run the HTTP server with every route group", cmdServe},
	"migrate": {"apply database migrations and exit", cmdMigrate},
	"user":    {"manage accounts: user create --email E [--username U] [--password P] [--admin]", cmdUser},

	"backup":             {"backup DEST: consistent copy of the SQLite database while it runs, integrity-checked", cmdBackup},
	"migrate-from-flask": {"migrate-from-flask PATH/submissions.db: copy the Flask system's data in (idempotent)", cmdMigrateFlask},
	"import":             {"import FILE.xlsx [--dry-run] [--allow-duplicates]: load questions in the template layout (one transaction)", cmdImport},
	"export":             {"export FILE.xlsx [--subject-id N] [--type T]: write questions in the template layout", cmdExport},
}

// commandOrder is how usage lists the commands.
var commandOrder = []string{"serve", "migrate", "user", "backup", "migrate-from-flask", "import", "export"}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "unknown command %q\n\n", args[0])
		usage(stderr)
		return errUsage
	}
	err := c.run(ctx, e, args[1:])
	if errors.Is(err, errUsage) && askedForHelp(args[1:]) {
		return nil // the command printed its usage, as asked
	}
	return err
}

func askedForHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: local <command> [flags]\n\ncommands:")
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  %-20s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nConfiguration comes from the environment and ./.env (see infra/env.example).")
}
