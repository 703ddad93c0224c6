package hranatest

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The wire types of Hrana v2 over HTTP, as far as libsql-client-go uses
// them.

type pipelineRequest struct {
	Baton    string          `json:"baton"`
	Requests []streamRequest `json:"requests"`
}

type streamRequest struct {
	Type  string `json:"type"`
	Stmt  *stmt  `json:"stmt"`
	Batch *batch `json:"batch"`
}

type stmt struct {
	SQL       *string    `json:"sql"`
	SQLID     *int32     `json:"sql_id"`
	Args      []value    `json:"args"`
	NamedArgs []namedArg `json:"named_args"`
	WantRows  *bool      `json:"want_rows"`
}

type namedArg struct {
	Name  string `json:"name"`
	Value value  `json:"value"`
}

type batch struct {
	Steps []batchStep `json:"steps"`
}

type batchStep struct {
	Stmt      stmt       `json:"stmt"`
	Condition *condition `json:"condition"`
}

type condition struct {
	Type  string      `json:"type"`
	Step  *int        `json:"step"`
	Cond  *condition  `json:"cond"`
	Conds []condition `json:"conds"`
}

// value is a Hrana value: integers travel as decimal strings, floats as
// JSON numbers, blobs as standard base64 without padding.
type value struct {
	Type   string          `json:"type"`
	Value  json.RawMessage `json:"value,omitempty"`
	Base64 *string         `json:"base64,omitempty"`
}

type pipelineResponse struct {
	Baton   *string        `json:"baton"`
	BaseURL *string        `json:"base_url"`
	Results []streamResult `json:"results"`
}

type streamResult struct {
	Type     string          `json:"type"`
	Response *streamResponse `json:"response,omitempty"`
	Error    *hranaError     `json:"error,omitempty"`
}

type streamResponse struct {
	Type   string `json:"type"`
	Result any    `json:"result,omitempty"`
}

type hranaError struct {
	Message string `json:"message"`
	Code    string `json:"code,omitempty"`
}

type column struct {
	Name     string  `json:"name"`
	Decltype *string `json:"decltype"`
}

type stmtResult struct {
	Cols             []column  `json:"cols"`
	Rows             [][]value `json:"rows"`
	AffectedRowCount int64     `json:"affected_row_count"`
	LastInsertRowID  *string   `json:"last_insert_rowid"`
	ReplicationIndex *string   `json:"replication_index"`
}

type batchResult struct {
	StepResults []*stmtResult `json:"step_results"`
	StepErrors  []*hranaError `json:"step_errors"`
}

func failure(err error, code string) streamResult {
	return streamResult{Type: "error", Error: &hranaError{Message: err.Error(), Code: code}}
}

func (s *Server) execute(ctx context.Context, conn *sql.Conn, st *stmt) streamResult {
	if st == nil {
		return failure(errors.New("execute request without stmt"), "PROTOCOL_ERROR")
	}
	res, err := run(ctx, conn, st)
	if err != nil {
		return failure(err, errorCode(err))
	}
	return streamResult{Type: "ok", Response: &streamResponse{Type: "execute", Result: res}}
}

func (s *Server) batch(ctx context.Context, conn *sql.Conn, b *batch) streamResult {
	if b == nil {
		return failure(errors.New("batch request without batch"), "PROTOCOL_ERROR")
	}
	out := batchResult{
		StepResults: make([]*stmtResult, len(b.Steps)),
		StepErrors:  make([]*hranaError, len(b.Steps)),
	}
	for i, step := range b.Steps {
		if step.Condition != nil {
			ok, err := evaluate(step.Condition, i, &out)
			if err != nil {
				return failure(err, "PROTOCOL_ERROR")
			}
			if !ok {
				continue
			}
		}
		res, err := run(ctx, conn, &step.Stmt)
		if err != nil {
			out.StepErrors[i] = &hranaError{Message: err.Error(), Code: errorCode(err)}
			continue
		}
		out.StepResults[i] = res
	}
	return streamResult{Type: "ok", Response: &streamResponse{Type: "batch", Result: out}}
}

// evaluate decides a batch step's condition from the steps before it:
// "ok" and "error" look at one earlier step (a skipped step is neither),
// "not", "and" and "or" combine conditions.
func evaluate(c *condition, current int, res *batchResult) (bool, error) {
	switch c.Type {
	case "ok", "error":
		if c.Step == nil || *c.Step < 0 || *c.Step >= current {
			return false, fmt.Errorf("condition %q must name an earlier step", c.Type)
		}
		if c.Type == "ok" {
			return res.StepResults[*c.Step] != nil, nil
		}
		return res.StepErrors[*c.Step] != nil, nil
	case "not":
		if c.Cond == nil {
			return false, errors.New(`condition "not" needs cond`)
		}
		v, err := evaluate(c.Cond, current, res)
		return !v, err
	case "and", "or":
		want := c.Type == "or" // "or" stops at the first true, "and" at the first false
		for i := range c.Conds {
			v, err := evaluate(&c.Conds[i], current, res)
			if err != nil {
				return false, err
			}
			if v == want {
				return want, nil
			}
		}
		return !want, nil
	default:
		return false, fmt.Errorf("condition type %q is not supported", c.Type)
	}
}

// run executes one statement on the stream's connection and reports its
// rows (when asked for), changed-row count and last rowid.
func run(ctx context.Context, conn *sql.Conn, st *stmt) (*stmtResult, error) {
	if st.SQL == nil {
		return nil, errors.New("statement has no sql (stored sql_id statements are not supported)")
	}
	args, err := arguments(st)
	if err != nil {
		return nil, err
	}
	var before int64
	if err := conn.QueryRowContext(ctx, "SELECT total_changes()").Scan(&before); err != nil {
		return nil, fmt.Errorf("read change counter: %w", err)
	}
	rows, err := conn.QueryContext(ctx, *st.SQL, args...)
	if err != nil {
		return nil, err
	}
	res := &stmtResult{Cols: []column{}, Rows: [][]value{}}
	types, err := rows.ColumnTypes()
	if err != nil {
		rows.Close()
		return nil, err
	}
	for _, ct := range types {
		c := column{Name: ct.Name()}
		if d := ct.DatabaseTypeName(); d != "" {
			c.Decltype = &d
		}
		res.Cols = append(res.Cols, c)
	}
	wantRows := st.WantRows == nil || *st.WantRows
	for rows.Next() {
		cells := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, err
		}
		if !wantRows {
			continue
		}
		row := make([]value, len(cells))
		for i, c := range cells {
			if row[i], err = encode(c); err != nil {
				rows.Close()
				return nil, err
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	var changes, after, rowid int64
	if err := conn.QueryRowContext(ctx, "SELECT changes(), total_changes(), last_insert_rowid()").
		Scan(&changes, &after, &rowid); err != nil {
		return nil, fmt.Errorf("read change counters: %w", err)
	}
	if after != before { // changes() keeps the previous statement's count otherwise
		res.AffectedRowCount = changes
	}
	if rowid != 0 {
		id := strconv.FormatInt(rowid, 10)
		res.LastInsertRowID = &id
	}
	return res, nil
}

func arguments(st *stmt) ([]any, error) {
	var out []any
	for i, v := range st.Args {
		d, err := decode(v)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i+1, err)
		}
		out = append(out, d)
	}
	for _, na := range st.NamedArgs {
		d, err := decode(na.Value)
		if err != nil {
			return nil, fmt.Errorf("argument %s: %w", na.Name, err)
		}
		name := strings.TrimLeft(na.Name, ":@$")
		out = append(out, sql.Named(name, d))
	}
	return out, nil
}

func decode(v value) (any, error) {
	switch v.Type {
	case "null":
		return nil, nil
	case "integer":
		var s string
		if err := json.Unmarshal(v.Value, &s); err != nil {
			return nil, fmt.Errorf("integer value must be a string of digits: %w", err)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("integer value %q: %w", s, err)
		}
		return n, nil
	case "float":
		var f float64
		if err := json.Unmarshal(v.Value, &f); err != nil {
			return nil, fmt.Errorf("float value must be a number: %w", err)
		}
		return f, nil
	case "text":
		var s string
		if err := json.Unmarshal(v.Value, &s); err != nil {
			return nil, fmt.Errorf("text value must be a string: %w", err)
		}
		return s, nil
	case "blob":
		if v.Base64 == nil {
			return nil, errors.New("blob value without base64")
		}
		b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(*v.Base64, "="))
		if err != nil {
			return nil, fmt.Errorf("blob base64: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("value type %q is not supported", v.Type)
	}
}

func raw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

func encode(c any) (value, error) {
	switch x := c.(type) {
	case nil:
		return value{Type: "null"}, nil
	case int64:
		return value{Type: "integer", Value: raw(strconv.FormatInt(x, 10))}, nil
	case float64:
		return value{Type: "float", Value: raw(x)}, nil
	case string:
		return value{Type: "text", Value: raw(x)}, nil
	case []byte:
		b64 := base64.RawStdEncoding.EncodeToString(x)
		return value{Type: "blob", Base64: &b64}, nil
	case bool:
		n := "0"
		if x {
			n = "1"
		}
		return value{Type: "integer", Value: raw(n)}, nil
	case time.Time:
		// The engine parsed a DATE/DATETIME column's text; send text back.
		layout := "2006-01-02 15:04:05"
		if x.Nanosecond() != 0 {
			layout = "2006-01-02 15:04:05.999999999"
		}
		if x.Location() != time.UTC {
			layout += "-07:00"
		}
		return value{Type: "text", Value: raw(x.Format(layout))}, nil
	default:
		return value{}, fmt.Errorf("cannot encode a %T column value", c)
	}
}
