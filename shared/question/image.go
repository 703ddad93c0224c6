package question

import (
	"encoding/json"
	"path"
	"strings"
)

// ImagePaths lists the images a stored image_path names (api.md §0.8): a
// single relative path, a JSON array string of paths, or nothing (NULL,
// "" or "[]").
func ImagePaths(stored *string) []string {
	if stored == nil {
		return nil
	}
	s := strings.TrimSpace(*stored)
	if s == "" || s == "[]" || s == "null" {
		return nil
	}
	if strings.HasPrefix(s, "[") {
		var list []string
		if err := json.Unmarshal([]byte(s), &list); err == nil {
			out := make([]string, 0, len(list))
			for _, p := range list {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		}
	}
	return []string{s}
}

// ImageURL resolves one stored path the way the clients do: an absolute
// http(s) URL stays as it is, "/uploads/x" and "uploads/x" become
// "/uploads/x", and any other relative path is taken as lying under
// /uploads/. Paths that try to climb out of /uploads/ resolve to "".
func ImageURL(p string) string {
	p = strings.TrimSpace(strings.ReplaceAll(p, `\`, "/"))
	lower := strings.ToLower(p)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return p
	}
	rel := strings.TrimPrefix(p, "/")
	rel = strings.TrimPrefix(rel, "uploads/")
	clean := path.Clean("/" + rel)
	if rel == "" || clean == "/" || strings.Contains(rel, "..") {
		return ""
	}
	return "/uploads" + clean
}

// ImageURLs resolves every image of a stored image_path.
func ImageURLs(stored *string) []string {
	var out []string
	for _, p := range ImagePaths(stored) {
		if u := ImageURL(p); u != "" {
			out = append(out, u)
		}
	}
	return out
}
