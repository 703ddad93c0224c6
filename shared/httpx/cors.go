package httpx

import (
	"net/http"
	"strings"
)

// CORS answers cross-origin callers of /api/* as the original's
// Flask-CORS set-up does: any origin, the usual methods, Content-Type and
// Authorization headers, no credentials. A preflight on a route that
// needs a credential and carries none is refused with 401, as the
// original answers it (transcript 104); public routes get 204.
func CORS(public func(path string) bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/api/") {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			origin := r.Header.Get("Origin")
			if origin == "" {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
			}
			if r.Method != http.MethodOptions {
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			h.Set("Access-Control-Max-Age", "600")
			if !public(r.URL.Path) && !hasCredential(r) {
				WriteError(w, r, Unauthorized("请先登录"))
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

func hasCredential(r *http.Request) bool {
	if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		return true
	}
	_, err := r.Cookie("session")
	return err == nil
}
