package auth

import "testing"

func TestLocalRedirect(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/": "/", "/quiz?subject=网络": "/quiz?subject=网络", "https://evil.example/": "/",
		"//evil.example": "/", "/\\evil.example": "/", "javascript:alert(1)": "/", "quiz": "/",
		"/a\r\nSet-Cookie: x": "/",
	} {
		if got := localRedirect(in); got != want {
			t.Errorf("localRedirect(%q) = %q, want %q", in, got, want)
		}
	}
}
