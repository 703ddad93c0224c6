package main

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"quizbank/shared/httpx"
)

// uploadsHandler serves files under dir with Range support, no directory
// listings and no way out of dir (os.Root refuses "..", absolute paths
// and symlinks that leave it). Question images and avatars are public so
// the mini-program's <image> requests, which carry no credential, load.
func uploadsHandler(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel := r.PathValue("path")
		clean := path.Clean("/" + rel)[1:]
		if rel == "" || clean == "" || strings.HasSuffix(rel, "/") || clean != rel {
			httpx.RenderFramework(w, r, http.StatusNotFound, httpx.MsgNotFound)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			httpx.RenderFramework(w, r, http.StatusNotFound, httpx.MsgNotFound)
			return
		}
		defer root.Close()
		f, err := root.Open(clean)
		if err != nil {
			status := http.StatusNotFound
			if !errors.Is(err, fs.ErrNotExist) && !strings.Contains(err.Error(), "escapes") {
				status = http.StatusForbidden
			}
			httpx.RenderFramework(w, r, status, http.StatusText(status))
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			httpx.RenderFramework(w, r, http.StatusNotFound, httpx.MsgNotFound)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		if strings.HasSuffix(strings.ToLower(clean), ".svg") {
			// SVG can carry script; never let it run in our origin.
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		}
		http.ServeContent(w, r, st.Name(), st.ModTime(), f)
	})
}
