package flaskimport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/store"
)

// record is one source row by column name; a column the old table lacks
// reads as NULL.
type record map[string]any

// text returns the column as a string and whether it was non-NULL.
func (r record) text(col string) (string, bool) {
	switch v := r[col].(type) {
	case nil:
		return "", false
	case string:
		return v, true
	case []byte:
		return string(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		if v {
			return "1", true
		}
		return "0", true
	case time.Time:
		return v.Format("2006-01-02 15:04:05.999999"), true
	default:
		return fmt.Sprint(v), true
	}
}

// orNull is the column as text, NULL when it was NULL.
func (r record) orNull(col string) any {
	s, ok := r.text(col)
	if !ok {
		return nil
	}
	return s
}

// blankNull is the column as text, NULL when it was NULL or blank (for
// columns under a unique index, where the original stored ”).
func (r record) blankNull(col string) any {
	s, ok := r.text(col)
	if !ok || strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

// textOr is the column as text, def when NULL.
func (r record) textOr(col, def string) string {
	if s, ok := r.text(col); ok {
		return s
	}
	return def
}

// integer returns the column as an integer and whether it held one.
func (r record) integer(col string) (int64, bool) {
	switch v := r[col].(type) {
	case int64:
		return v, true
	case float64:
		return int64(v), true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		return n, err == nil
	case []byte:
		n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// intOr is the column as an integer, def when NULL or not a number.
func (r record) intOr(col string, def int64) int64 {
	if n, ok := r.integer(col); ok {
		return n
	}
	return def
}

// flag is a 0/1 column, NULL read as 0.
func (r record) flag(col string) int64 {
	if r.intOr(col, 0) != 0 {
		return 1
	}
	return 0
}

// nullableInt is the column as an integer or NULL.
func (r record) nullableInt(col string) any {
	if n, ok := r.integer(col); ok {
		return n
	}
	return nil
}

// realOr is the column as a float, def when NULL or not a number.
func (r record) realOr(col string, def float64) float64 {
	switch v := r[col].(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			return f
		}
	}
	return def
}

// clock turns the original's timestamps into ours (UTC, whole seconds).
// The original wrote two kinds (data-model.md, conventions): SQLite's
// CURRENT_TIMESTAMP, UTC without a fraction, and Python's datetime.now(),
// server-local time with microseconds. A value with a fraction is read
// in the old server's zone unless the column is known to hold UTC.
type clock struct {
	local *time.Location
	now   time.Time
	bad   int // values that could not be read
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

// convert returns the stored form of v, or NULL for NULL/blank values and
// values that are not timestamps (counted in bad).
func (c *clock) convert(v any, utcColumn bool) any {
	var t time.Time
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		// The driver parsed a DATETIME column: the wall clock is what was
		// written, whatever zone the driver attached.
		t = time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		if _, off := x.Zone(); off != 0 {
			return store.Timestamp(x)
		}
	case string, []byte:
		s := strings.TrimSpace(fmt.Sprintf("%s", x))
		if s == "" {
			return nil
		}
		if zoned, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return store.Timestamp(zoned)
		}
		ok := false
		for _, layout := range timeLayouts {
			if parsed, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
				t, ok = parsed, true
				break
			}
		}
		if !ok {
			c.bad++
			return nil
		}
	default:
		c.bad++
		return nil
	}
	if t.Nanosecond() != 0 && !utcColumn && c.local != nil {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.local)
	}
	return store.Timestamp(t)
}

// required is convert for NOT NULL columns: a missing value becomes the
// time of the import.
func (c *clock) required(v any, utcColumn bool) string {
	if s, ok := c.convert(v, utcColumn).(string); ok {
		return s
	}
	return store.Timestamp(c.now)
}
