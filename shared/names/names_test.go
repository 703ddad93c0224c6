package names

import "testing"

func TestUsername(t *testing.T) {
	cases := map[string]bool{
		"student1": true, "  学生甲 ": true, "": false, "a\x00b": false, "evil\u202egnp.exe": false,
		"admin@example.com": false, "zero\u200bwidth": false, string(make([]rune, 51)): false,
	}
	for in, ok := range cases {
		if _, err := Username(in); (err == nil) != ok {
			t.Errorf("Username(%q) err = %v, want ok=%v", in, err, ok)
		}
	}
	if got, _ := Username("  学生甲 "); got != "学生甲" {
		t.Errorf("Username trims: got %q", got)
	}
}

func TestSubject(t *testing.T) {
	cases := map[string]bool{"计算机网络": true, "Go 语言": true, "all": false, "ALL": false, "a\tb": false, " ": false}
	for in, ok := range cases {
		if _, err := Subject(in); (err == nil) != ok {
			t.Errorf("Subject(%q) err = %v, want ok=%v", in, err, ok)
		}
	}
}
