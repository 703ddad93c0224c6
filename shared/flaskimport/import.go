package flaskimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/store"
	"quizbank/shared/sysconfig"
)

// Options tune one import.
type Options struct {
	// SourceZone is the old server's time zone, for the timestamps its
	// Python code wrote in local time (default UTC).
	SourceZone *time.Location
	// Now stamps NOT NULL timestamps the old rows left empty.
	Now time.Time
	// DryRun copies inside the transaction and then rolls it back, so the
	// report shows what a real run would do.
	DryRun bool
}

// ConflictError means the target already holds different rows under the
// ids the import must keep; nothing was written.
type ConflictError struct{ Items []string }

func (e *ConflictError) Error() string {
	shown := e.Items
	if len(shown) > 10 {
		shown = shown[:10]
	}
	msg := fmt.Sprintf("the target database already holds other data under the ids being imported "+
		"(%d conflicts; nothing was written): %s", len(e.Items), strings.Join(shown, "; "))
	if len(e.Items) > len(shown) {
		msg += "; …"
	}
	return msg + ". Import into a fresh database (or one filled only by earlier runs of this import)."
}

var errDryRun = errors.New("dry run")

// Run copies everything from src (opened by OpenSource) into dst. Rows are
// matched by id: a row already present with the same identity is left as
// it is (so a second run changes nothing), a different row under the same
// id is a conflict that aborts the whole copy. All rows go in one
// transaction; the secret settings are then saved through cfg, which
// encrypts them, skipping the ones already stored with the same value.
func Run(ctx context.Context, src *sql.DB, dst *store.DB, cfg *sysconfig.Store, opts Options) (*Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.SourceZone == nil {
		opts.SourceZone = time.UTC
	}
	m := &migrator{src: src, clock: &clock{local: opts.SourceZone, now: opts.Now}, report: &Report{DryRun: opts.DryRun}}
	err := dst.InTx(ctx, func(tx *sql.Tx) error {
		m.tx = tx
		m.known = map[string]map[int64]bool{}
		steps := []func(context.Context) error{m.users, m.subjects, m.questions, m.favorites, m.mistakes,
			m.userAnswers, m.userProgress, m.exams, m.examQuestions, m.systemConfig, m.userSubjects, m.userQuizStats}
		for _, step := range steps {
			if err := step(ctx); err != nil {
				return err
			}
			if len(m.conflicts) > 0 {
				return &ConflictError{Items: m.conflicts}
			}
		}
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return nil, err
	}
	m.report.UnreadableTimes = m.clock.bad
	if opts.DryRun {
		m.secretsDryRun(ctx, cfg)
		return m.report, nil
	}
	if err := m.saveSecrets(ctx, cfg); err != nil {
		return m.report, err
	}
	return m.report, nil
}

// migrator carries one run's state.
type migrator struct {
	src        *sql.DB
	tx         *sql.Tx
	clock      *clock
	report     *Report
	conflicts  []string
	known      map[string]map[int64]bool // table → ids seen to exist in the target
	secrets    []secretSetting
	examSource map[int64]string // exam id → "public" or "user_bank"
}

// target describes how rows land in one of our tables.
type target struct {
	table    string
	columns  []string // first is id
	identity []string // columns that must match when the id is already taken
	// pairKey marks link tables whose natural key (user, question) is
	// unique: meeting that pair under another id means "already there".
	pairKey bool
	// describe names a row in conflict messages.
	describe func(vals []any) string
}

// writer inserts rows of one target, counting into its tally.
type writer struct {
	m      *migrator
	t      target
	tally  *Tally
	find   *sql.Stmt
	insert *sql.Stmt
	idents []int
}

func (m *migrator) writer(ctx context.Context, t target, tally *Tally) (*writer, error) {
	find, err := m.tx.PrepareContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE id = ?`,
		strings.Join(t.identity, ", "), t.table))
	if err != nil {
		return nil, fmt.Errorf("prepare %s lookup: %w", t.table, err)
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(t.columns)), ", ")
	insert, err := m.tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s) VALUES (%s) ON CONFLICT DO NOTHING`,
		t.table, strings.Join(t.columns, ", "), marks))
	if err != nil {
		find.Close()
		return nil, fmt.Errorf("prepare %s insert: %w", t.table, err)
	}
	w := &writer{m: m, t: t, tally: tally, find: find, insert: insert}
	for _, ident := range t.identity {
		for i, c := range t.columns {
			if c == ident {
				w.idents = append(w.idents, i)
			}
		}
	}
	return w, nil
}

func (w *writer) close() {
	w.find.Close()
	w.insert.Close()
}

// put writes one row (vals in the order of target.columns).
func (w *writer) put(ctx context.Context, vals []any) error {
	id := vals[0]
	got := make([]any, len(w.t.identity))
	ptrs := make([]any, len(got))
	for i := range got {
		ptrs[i] = &got[i]
	}
	err := w.find.QueryRowContext(ctx, id).Scan(ptrs...)
	switch {
	case err == nil:
		for i, col := range w.idents {
			if comparable(got[i]) != comparable(vals[col]) {
				w.m.conflicts = append(w.m.conflicts, fmt.Sprintf("%s id %v is %s here but %s in the Flask database",
					w.t.table, id, w.describeTarget(got), w.t.describe(vals)))
				return nil
			}
		}
		w.tally.Present++
		w.m.remember(w.t.table, id)
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("look up %s id %v: %w", w.t.table, id, err)
	}
	res, err := w.insert.ExecContext(ctx, vals...)
	if store.IsForeignKeyViolation(err) {
		w.tally.skip(reasonOrphan)
		return nil
	}
	if err != nil {
		return fmt.Errorf("insert %s id %v: %w", w.t.table, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if w.t.pairKey {
			w.tally.Present++
			return nil
		}
		w.m.conflicts = append(w.m.conflicts, fmt.Sprintf("%s id %v (%s) is already here under another id",
			w.t.table, id, w.t.describe(vals)))
		return nil
	}
	w.tally.Inserted++
	w.m.remember(w.t.table, id)
	return nil
}

func (w *writer) describeTarget(got []any) string {
	vals := make([]any, len(w.t.columns))
	for i, col := range w.idents {
		vals[col] = got[i]
	}
	return w.t.describe(vals)
}

// comparable renders a value the same way whichever driver type carries it.
func comparable(v any) string {
	switch x := v.(type) {
	case nil:
		return "\x00null"
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return store.Timestamp(x)
	default:
		return fmt.Sprint(x)
	}
}

func (m *migrator) remember(table string, id any) {
	n, ok := id.(int64)
	if !ok {
		return
	}
	if m.known[table] == nil {
		m.known[table] = map[int64]bool{}
	}
	m.known[table][n] = true
}

// exists reports whether id names a row of table in the target (used to
// clear references the original left dangling in nullable columns).
func (m *migrator) exists(ctx context.Context, table string, id any) (bool, error) {
	n, ok := id.(int64)
	if !ok {
		return false, nil
	}
	if m.known[table][n] {
		return true, nil
	}
	var one int
	err := m.tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT 1 FROM %s WHERE id = ?`, table), n).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up %s id %d: %w", table, n, err)
	}
	m.remember(table, n)
	return true, nil
}

// ref is a nullable reference: kept when the row exists, else NULL and
// counted on the tally.
func (m *migrator) ref(ctx context.Context, tally *Tally, table string, id any) (any, error) {
	if id == nil {
		return nil, nil
	}
	ok, err := m.exists(ctx, table, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		tally.Cleared++
		return nil, nil
	}
	return id, nil
}

// each runs fn on every row of query over the source, streaming (fn
// must not query the source itself).
func (m *migrator) each(ctx context.Context, query string, fn func(record) error) error {
	rows, err := m.src.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read source row: %w", err)
		}
		r := make(record, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	return nil
}

// count is the number of rows of a source table.
func (m *migrator) count(ctx context.Context, table string) (int, error) {
	var n int
	if err := m.src.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count source %s: %w", table, err)
	}
	return n, nil
}

// copyTable reads every row of a source table (query may narrow it) and
// writes what convert makes of it; convert returns nil vals to skip a row
// (having counted why).
func (m *migrator) copyTable(ctx context.Context, t target, query string,
	convert func(context.Context, record, *Tally) ([]any, error)) error {
	tally := m.report.table(t.table)
	n, err := m.count(ctx, t.table)
	if err != nil {
		return err
	}
	tally.Source = n
	w, err := m.writer(ctx, t, tally)
	if err != nil {
		return err
	}
	defer w.close()
	return m.each(ctx, query, func(r record) error {
		vals, err := convert(ctx, r, tally)
		if err != nil || vals == nil {
			return err
		}
		return w.put(ctx, vals)
	})
}
