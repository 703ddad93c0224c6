package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"quizbank/functions/adminconfig"
	"quizbank/shared/excel"
)

// splitArgs separates the one positional FILE from flags given before or
// after it.
func splitArgs(args []string) (file string, flags []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") &&
				(a == "--subject-id" || a == "-subject-id" || a == "--type" || a == "-type") {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		if file == "" {
			file = a
		} else {
			flags = append(flags, a)
		}
	}
	return file, flags
}

// cmdImport loads an .xlsx in the template layout into the question bank
// in one transaction, printing progress on large files.
func cmdImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dry := fs.Bool("dry-run", false, "check the file and report, write nothing")
	dups := fs.Bool("allow-duplicates", false, "import rows that repeat a stored question")
	file, rest := splitArgs(args)
	if err := fs.Parse(rest); err != nil || file == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: local import FILE.xlsx [--dry-run] [--allow-duplicates]")
		return errUsage
	}
	if !strings.EqualFold(file[max(len(file)-5, 0):], ".xlsx") {
		return fmt.Errorf("%s: only .xlsx workbooks can be imported", file)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	deps, closer, err := openPlatform(ctx, e, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	defer deps.Close()
	progress := func(done, total int) {
		if total >= 2000 {
			fmt.Fprintf(e.stderr, "\rimporting %d/%d rows", done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	res, err := adminconfig.ImportWorkbook(ctx, deps, data, adminconfig.ImportOptions{
		DryRun: *dry, AllowDuplicates: *dups, Progress: progress})
	if excel.IsFileError(err) {
		return fmt.Errorf("%s refused: %w", file, err)
	}
	if err != nil {
		return err
	}
	for _, msg := range res.Errors {
		fmt.Fprintln(e.stderr, msg)
	}
	verb := "imported"
	if *dry {
		verb = "would import (dry run, nothing written)"
	}
	fmt.Fprintf(e.stdout, "%s %d %s; %d rows skipped (%d duplicates)", verb, res.Imported,
		plural(res.Imported, "question", "questions"), len(res.Errors), res.Duplicates)
	if len(res.CreatedSubjects) > 0 {
		fmt.Fprintf(e.stdout, "; new subjects: %s", strings.Join(res.CreatedSubjects, ", "))
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// cmdExport writes the bank (or one subject or type) as an .xlsx that
// `local import` and the admin import read back unchanged.
func cmdExport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	subject := fs.Int64("subject-id", 0, "only this subject")
	qtype := fs.String("type", "", "only this question type")
	file, rest := splitArgs(args)
	if err := fs.Parse(rest); err != nil || file == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: local export FILE.xlsx [--subject-id N] [--type 选择题]")
		return errUsage
	}
	deps, closer, err := openPlatform(ctx, e, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	defer deps.Close()
	qs, _, err := adminconfig.ExportQuestions(ctx, deps.DB, *subject, *qtype)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return fmt.Errorf("no questions match; %s not written", file)
	}
	if len(qs) >= 2000 {
		fmt.Fprintf(e.stderr, "writing %d questions…\n", len(qs))
	}
	var buf bytes.Buffer
	if err := excel.Write(&buf, qs); err != nil {
		return err
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o640); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	fmt.Fprintf(e.stdout, "exported %d %s to %s\n", len(qs), plural(len(qs), "question", "questions"), file)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
