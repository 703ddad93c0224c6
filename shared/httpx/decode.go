package httpx

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
)

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// Validator returns the process-wide validator. Field names in its errors
// are the JSON names.
func Validator() *validator.Validate {
	validateOnce.Do(func() {
		validate = validator.New(validator.WithRequiredStructEnabled())
		validate.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			return name
		})
	})
	return validate
}

// IsJSON reports whether the request declares a JSON body.
func IsJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// DecodeJSON reads a JSON object into dst the way the original reads
// request.json: a non-JSON content type is 415 and a malformed body 400,
// both in the framework shape. It then validates dst's struct tags.
func DecodeJSON(r *http.Request, dst any) error {
	if !IsJSON(r) {
		return FrameworkError(http.StatusUnsupportedMediaType, MsgNotJSON)
	}
	if err := decodeBody(r, dst); err != nil {
		return err
	}
	return Validate(dst)
}

// DecodeJSONLenient reads a JSON body when there is one and leaves dst
// untouched when the body is empty or not declared as JSON (the
// original's get_json(silent=True) or {}). A declared JSON body that does
// not parse is still a 400. Struct tags are validated.
func DecodeJSONLenient(r *http.Request, dst any) error {
	if IsJSON(r) {
		if err := decodeBody(r, dst); err != nil && !errors.Is(err, errEmptyBody) {
			return err
		}
	}
	return Validate(dst)
}

var errEmptyBody = FrameworkError(http.StatusBadRequest, MsgBadJSON)

func decodeBody(r *http.Request, dst any) error {
	// A UTF-8 byte-order mark before the JSON is accepted, as Flask does.
	br := bufio.NewReader(r.Body)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return FrameworkError(http.StatusRequestEntityTooLarge, MsgTooLarge)
		case errors.Is(err, io.EOF):
			return errEmptyBody
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return BadRequest(fmt.Sprintf("数据验证失败: %s: 类型错误", typeErr.Field))
		}
		return FrameworkError(http.StatusBadRequest, MsgBadJSON)
	}
	// One JSON value and nothing after it: `{"a":1}garbage` is not JSON.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return FrameworkError(http.StatusRequestEntityTooLarge, MsgTooLarge)
		}
		return FrameworkError(http.StatusBadRequest, MsgBadJSON)
	}
	return nil
}

// Validate checks v's validator tags (a no-op for non-structs) and turns
// a failure into one 400 naming the fields.
func Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	err := Validator().Struct(v)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	parts := make([]string, 0, len(verrs))
	for _, fe := range verrs {
		parts = append(parts, fe.Field()+": "+describe(fe))
	}
	return BadRequest("数据验证失败: " + strings.Join(parts, "; "))
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "必填"
	case "min":
		return "长度至少为 " + fe.Param()
	case "max":
		return "长度最多为 " + fe.Param()
	case "len":
		return "长度必须为 " + fe.Param()
	case "email":
		return "邮箱格式不正确"
	case "numeric":
		return "必须是数字"
	case "oneof":
		return "必须是 " + fe.Param() + " 之一"
	default:
		return "不合法 (" + fe.Tag() + ")"
	}
}

// PathID reads a positive integer path value such as {id}; anything else
// is the framework 404 that the original's <int:id> routes give, since
// such a path never matched them.
func PathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, FrameworkError(http.StatusNotFound, MsgNotFound)
	}
	return n, nil
}
