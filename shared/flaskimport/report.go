package flaskimport

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Skip reasons, as the report prints them.
const (
	reasonOrphan    = "points at a user, question, subject or exam that no longer exists"
	reasonEphemeral = "scan-login / bind / temp-token record (short-lived, not carried over)"
	reasonOlder     = "older answer to the same question (only the latest is kept)"
)

// Tally counts what happened to one table's rows.
type Tally struct {
	Table    string
	Source   int            // rows in the Flask database
	Inserted int            // copied now
	Present  int            // already here from an earlier run, left as they are
	Updated  int            // settings whose value changed since the last run
	Cleared  int            // dangling optional references set to NULL
	Skipped  map[string]int // reason → rows not copied
}

func (t *Tally) skip(reason string) {
	if t.Skipped == nil {
		t.Skipped = map[string]int{}
	}
	t.Skipped[reason]++
}

// Report is the outcome of a run, per table in copy order.
type Report struct {
	Tables          []*Tally
	UnreadableTimes int      // timestamps that were not timestamps (stored as NULL / import time)
	Warnings        []string // rows read from the old database that the operator should look at
	DryRun          bool
}

func (r *Report) table(name string) *Tally {
	for _, t := range r.Tables {
		if t.Table == name {
			return t
		}
	}
	t := &Tally{Table: name}
	r.Tables = append(r.Tables, t)
	return t
}

// Tally returns the counts of one table (nil when it was not copied).
func (r *Report) Tally(name string) *Tally {
	for _, t := range r.Tables {
		if t.Table == name {
			return t
		}
	}
	return nil
}

// Changed is how many rows the run wrote.
func (r *Report) Changed() int {
	n := 0
	for _, t := range r.Tables {
		n += t.Inserted + t.Updated
	}
	return n
}

// Write prints the report as a table, then the reasons for skipped rows.
func (r *Report) Write(w io.Writer) {
	fmt.Fprintf(w, "%-18s %8s %8s %8s %8s %8s\n", "table", "source", "copied", "present", "updated", "skipped")
	for _, t := range r.Tables {
		skipped := 0
		for _, n := range t.Skipped {
			skipped += n
		}
		fmt.Fprintf(w, "%-18s %8d %8d %8d %8d %8d\n", t.Table, t.Source, t.Inserted, t.Present, t.Updated, skipped)
	}
	for _, t := range r.Tables {
		reasons := make([]string, 0, len(t.Skipped))
		for reason := range t.Skipped {
			reasons = append(reasons, reason)
		}
		sort.Strings(reasons)
		for _, reason := range reasons {
			fmt.Fprintf(w, "  %s: %d skipped: %s\n", t.Table, t.Skipped[reason], reason)
		}
		if t.Cleared > 0 {
			fmt.Fprintf(w, "  %s: %d references to rows that no longer exist set to NULL\n", t.Table, t.Cleared)
		}
	}
	if r.UnreadableTimes > 0 {
		fmt.Fprintf(w, "  %d timestamps could not be read and were left empty\n", r.UnreadableTimes)
	}
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	switch {
	case r.DryRun:
		fmt.Fprintf(w, "dry run: %d rows would be written; nothing was changed\n", r.Changed())
	case r.Changed() == 0:
		fmt.Fprintln(w, "nothing to do: every row is already here, nothing was changed")
	default:
		fmt.Fprintf(w, "done: %d rows written\n", r.Changed())
	}
}

// String is the report as Write prints it.
func (r *Report) String() string {
	var b strings.Builder
	r.Write(&b)
	return b.String()
}
