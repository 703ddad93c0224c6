// Package names checks the names people choose for things other people
// see — usernames and subject names — so that none carries control
// characters, direction overrides that disguise it, or a form that
// collides with a lookup rule (an "@" makes login treat it as an e-mail;
// "all" is the subject filter's wildcard).
package names

import (
	"errors"
	"strings"
	"unicode"
)

// ErrInvisible is returned for names with control or formatting characters.
var ErrInvisible = errors.New("不能包含控制字符或不可见的格式字符")

func visible(s string) error {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || unicode.Is(unicode.Cf, r) {
			return ErrInvisible
		}
	}
	return nil
}

// Username trims s and checks it as a login name.
func Username(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("用户名不能为空")
	case len([]rune(s)) > 50:
		return "", errors.New("用户名过长（最多50字）")
	case strings.Contains(s, "@"):
		return "", errors.New("用户名不能包含 @（含 @ 的登录名按邮箱查找）")
	}
	if err := visible(s); err != nil {
		return "", errors.New("用户名" + err.Error())
	}
	return s, nil
}

// Subject trims s and checks it as a subject name.
func Subject(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("科目名不能为空")
	case len([]rune(s)) > 100:
		return "", errors.New("科目名过长（最多100字）")
	case strings.EqualFold(s, "all"):
		return "", errors.New("科目名不能是 all（它表示全部科目）")
	}
	if err := visible(s); err != nil {
		return "", errors.New("科目名" + err.Error())
	}
	return s, nil
}
