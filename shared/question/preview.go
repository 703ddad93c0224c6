package question

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// PreviewLength is how many characters of a stem a search result shows.
const PreviewLength = 80

// Preview is the stem as one plain line for search results: HTML tags
// removed, line breaks turned into spaces, trimmed, and cut to
// PreviewLength characters followed by "..." when longer.
func Preview(content string) string {
	s := tagPattern.ReplaceAllString(content, "")
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= PreviewLength {
		return s
	}
	r := []rune(s)
	return string(r[:PreviewLength]) + "..."
}
