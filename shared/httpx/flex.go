package httpx

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// FlexInt decodes a JSON integer or a numeric string ("42"), as the
// clients send ids both ways. Set reports whether a usable value came.
type FlexInt struct {
	Value int64
	Set   bool
}

// UnmarshalJSON accepts 42, "42" and null; anything else is an error.
func (f *FlexInt) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*f = FlexInt{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "non-integer", Type: intType}
	}
	*f = FlexInt{Value: n, Set: true}
	return nil
}

// FlexBool decodes true/false, numbers (0 is false) and the strings
// 0/false/no/off and 1/true/yes/on. Set reports whether a value came.
type FlexBool struct {
	Value bool
	Set   bool
}

// UnmarshalJSON implements the rules above; null leaves it unset.
func (f *FlexBool) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*f = FlexBool{}
	case bool:
		*f = FlexBool{Value: x, Set: true}
	case float64:
		*f = FlexBool{Value: x != 0, Set: true}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "yes", "on":
			*f = FlexBool{Value: true, Set: true}
		case "0", "false", "no", "off", "":
			*f = FlexBool{Value: false, Set: true}
		default:
			return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(x), Type: boolType}
		}
	default:
		return &json.UnmarshalTypeError{Value: "non-boolean", Type: boolType}
	}
	return nil
}

var (
	intType  = reflect.TypeFor[int64]()
	boolType = reflect.TypeFor[bool]()
)
