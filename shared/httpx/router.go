package httpx

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Router is a ServeMux that knows its own patterns (so a test can compare
// them with template.yaml) and renders the mux's own 404 and 405 answers
// in the contract's framework shape instead of plain text.
type Router struct {
	mux      *http.ServeMux
	patterns []string
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Handle registers h for a Go 1.22 pattern such as "GET /api/quiz/subjects".
func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.mux.Handle(pattern, h)
	rt.patterns = append(rt.patterns, pattern)
}

// HandleFunc registers an error-returning handler.
func (rt *Router) HandleFunc(pattern string, f HandlerFunc) { rt.Handle(pattern, f) }

// Patterns lists the registered patterns in registration order.
func (rt *Router) Patterns() []string { return slices.Clone(rt.patterns) }

// ServeHTTP dispatches to the matching route, or answers 404/405 in the
// framework shape (JSON for API callers, a small HTML page otherwise).
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The mux would redirect a path with "//", "/./" or "/../" to its
	// cleaned form; API clients get a plain 404 instead of a redirect.
	if WantsJSON(r) && !isClean(r.URL.Path) {
		RenderFramework(w, r, http.StatusNotFound, MsgNotFound)
		return
	}
	h, pattern := rt.mux.Handler(r)
	if pattern != "" {
		recordRoute(r.Context(), pattern)
		rt.mux.ServeHTTP(w, r)
		return
	}
	// The mux has no route: find out whether it would say 404 or 405.
	probe := &statusProbe{header: http.Header{}}
	h.ServeHTTP(probe, r)
	switch probe.status {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		RenderFramework(w, r, http.StatusMethodNotAllowed, MsgMethodNotAllowed)
	case http.StatusNotFound, 0:
		RenderFramework(w, r, http.StatusNotFound, MsgNotFound)
	default:
		// A trailing-slash redirect: let the mux answer.
		rt.mux.ServeHTTP(w, r)
	}
}

// WantsJSON reports whether a framework error for r should be JSON: API
// paths and callers that accept JSON (api.md §0.4).
func WantsJSON(r *http.Request) bool {
	p := "/" + strings.TrimLeft(r.URL.Path, "/") // "//api/x" is still an API path
	return strings.HasPrefix(p, "/api") || strings.HasPrefix(p, "/admin/api") ||
		strings.Contains(r.Header.Get("Accept"), "application/json")
}

// RenderFramework writes a framework-level error: JSON for API callers,
// a minimal HTML page for browsers.
func RenderFramework(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if WantsJSON(r) {
		WriteError(w, r, FrameworkError(status, msg))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	title := http.StatusText(status)
	_, _ = w.Write([]byte("<!doctype html>\n<html lang=en>\n<title>" + title +
		"</title>\n<h1>" + title + "</h1>\n<p>" + msg + "</p>\n"))
}

func isClean(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

type statusProbe struct {
	header http.Header
	status int
}

func (p *statusProbe) Header() http.Header         { return p.header }
func (p *statusProbe) Write(b []byte) (int, error) { return len(b), nil }
func (p *statusProbe) WriteHeader(code int)        { p.status = code }

type routeKey struct{}

type routeHolder struct{ pattern string }

// withRouteHolder lets the access log learn the matched pattern, which
// the router only knows after the outer middleware has run.
func withRouteHolder(ctx context.Context) (context.Context, *routeHolder) {
	h := &routeHolder{}
	return context.WithValue(ctx, routeKey{}, h), h
}

func recordRoute(ctx context.Context, pattern string) {
	if h, ok := ctx.Value(routeKey{}).(*routeHolder); ok && h.pattern == "" {
		h.pattern = pattern
	}
}
