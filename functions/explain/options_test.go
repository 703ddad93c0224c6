package explain

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestNormaliseStoredText(t *testing.T) {
	cases := []struct {
		stored string
		want   string
	}{
		{`["A. HTTP","B、TCP","C：UDP","D) IP"]`, "A=HTTP|B=TCP|C=UDP|D=IP"},
		{`["a.小写","b. 也行"]`, "A=小写|B=也行"},
		{`["苹果","香蕉"]`, "A=苹果|B=香蕉"},
		// Compatibility note of api.md §0.7: no mangling of plain words
		// or decimals next to keyed options.
		{`["Apple","Banana"]`, "A=Apple|B=Banana"},
		{`["1.5","2.5"]`, "A=1.5|B=2.5"},
		{`[1.5, 2]`, "A=1.5|B=2"},
		{`["A. x","Orange"]`, "A=x|B=Orange"},
		{`[{"key":" A ","value":"  一\n二 \t"},{"key":"B","value":2}]`, "A=一\n二|B=2"},
		{`[{"value":"no key"},{"value":"either"}]`, "A=no key|B=either"},
		{`not json at all`, "A=not json at all"},
		{`{"A":"x"}`, ""},
		{`[]`, ""},
		{``, ""},
	}
	for _, tc := range cases {
		if got := render(normaliseStoredText(tc.stored)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.stored, got, tc.want)
		}
	}
}

func TestNormaliseSentOptions(t *testing.T) {
	cases := map[string]string{
		`["A. 1","B. 2"]`:                  "A=1|B=2",
		`[{"key":"A","value":"x"},"B. y"]`: "A=x|B=y",
		`"[\"A. stored as text\"]"`:        "A=stored as text",
		`null`:                             "",
		`42`:                               "",
		`{"key":"A"}`:                      "",
		`["A、甲","B、乙","C、丙","D、丁","E、戊"]`: "A=甲|B=乙|C=丙|D=丁|E=戊",
	}
	for raw, want := range cases {
		if got := render(normaliseOptions(json.RawMessage(raw))); got != want {
			t.Errorf("%s: got %q, want %q", raw, got, want)
		}
	}
}

func TestLooseText(t *testing.T) {
	cases := map[string]string{
		`"AC"`:        "AC",
		`["A","C"]`:   "AC",
		`["北京","上海"]`: "北京;;上海",
		`1`:           "1",
		`true`:        "true",
		`null`:        "",
	}
	for raw, want := range cases {
		var v looseText
		if err := json.Unmarshal([]byte(raw), &v); err != nil || string(v) != want {
			t.Errorf("%s: got %q (%v), want %q", raw, v, err, want)
		}
	}
	for _, bad := range []string{`{"a":1}`, `[{"a":1}]`, `[[1]]`} {
		var v looseText
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s: accepted as %q", bad, v)
		}
	}
}

func render(opts any) string {
	out := ""
	switch o := opts.(type) {
	case nil:
	default:
		b, _ := json.Marshal(o)
		var list []struct{ Key, Value string }
		_ = json.Unmarshal(b, &list)
		for i, x := range list {
			if i > 0 {
				out += "|"
			}
			out += fmt.Sprintf("%s=%s", x.Key, x.Value)
		}
	}
	return out
}
