package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// Error is the one error type handlers return for a refusal the caller
// should see. Kind becomes the envelope's "status" field ("error",
// "unauthorized", "forbidden"); Message is shown to the user and must not
// carry internal details; Extra adds fields such as "code" or "data".
type Error struct {
	Status  int
	Kind    string
	Message string
	Extra   M
	// Framework selects the framework shape of api.md §0.4
	// ({"status":"error","message","status_code","payload":null}).
	Framework bool
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Kind, e.Message) }

// With returns a copy of e with an extra body field.
func (e *Error) With(key string, value any) *Error {
	c := *e
	c.Extra = make(M, len(e.Extra)+1)
	for k, v := range e.Extra {
		c.Extra[k] = v
	}
	c.Extra[key] = value
	return &c
}

// Errorf builds a {"status":"error"} refusal.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Kind: "error", Message: fmt.Sprintf(format, args...)}
}

// BadRequest is a 400 {"status":"error","message":msg}.
func BadRequest(msg string) *Error { return Errorf(http.StatusBadRequest, "%s", msg) }

// NotFound is a 404 {"status":"error","message":msg}.
func NotFound(msg string) *Error { return Errorf(http.StatusNotFound, "%s", msg) }

// Unauthorized is a 401 {"status":"unauthorized","message":msg}.
func Unauthorized(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Kind: "unauthorized", Message: msg}
}

// Forbidden is a 403 {"status":"forbidden","message":msg}.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Kind: "forbidden", Message: msg}
}

// FrameworkError is an error in the framework shape of api.md §0.4.
func FrameworkError(status int, msg string) *Error {
	return &Error{Status: status, Kind: "error", Message: msg, Framework: true}
}

// Standard framework messages, worded as the original's framework words them.
const (
	MsgNotFound         = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."
	MsgMethodNotAllowed = "The method is not allowed for the requested URL."
	MsgNotJSON          = "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."
	MsgBadJSON          = "Failed to decode JSON object: the request body is not valid JSON."
	MsgTooLarge         = "The data value transmitted exceeds the capacity limit."
	MsgInternal         = "服务器内部错误，请稍后再试"
)

// WriteError renders err. An *Error is shown as it is; anything else is
// logged with the request's context and answered with a generic 500, so
// no internal detail reaches the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client went away; nobody reads the answer.
			slog.InfoContext(r.Context(), "request canceled", "route", r.Pattern)
			return
		}
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method,
			"route", r.Pattern, "err", err)
		e = FrameworkError(http.StatusInternalServerError, MsgInternal)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfter))
	}
	body := make(M, len(e.Extra)+4)
	for k, v := range e.Extra {
		body[k] = v
	}
	body["status"] = e.Kind
	body["message"] = e.Message
	if e.Framework {
		body["status_code"] = e.Status
		body["payload"] = nil
	}
	WriteJSON(w, e.Status, body)
}

// HandlerFunc is a handler that returns its refusal instead of writing it,
// so handlers read parse → call → render with early returns.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs f and renders a returned error.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		WriteError(w, r, err)
	}
}
