package question

import (
	"reflect"
	"strings"
	"testing"
)

func TestNormaliseOptions(t *testing.T) {
	tests := []struct {
		name, raw, qtype string
		want             []Option
	}{
		{"dot prefix", `["A. var", "B. const"]`, Single, []Option{{"A", "var"}, {"B", "const"}}},
		{"ideographic comma", `["A、甲", "B、乙"]`, Single, []Option{{"A", "甲"}, {"B", "乙"}}},
		{"lower case and paren", `["a) x", "b) y"]`, Single, []Option{{"A", "x"}, {"B", "y"}}},
		{"unprefixed latin text", `["Apple", "Banana"]`, Single, []Option{{"A", "Apple"}, {"B", "Banana"}}},
		{"numbers stay numbers", `["1.5", "2.5"]`, Single, []Option{{"A", "1.5"}, {"B", "2.5"}}},
		{"json numbers", `[1.5, 2]`, Single, []Option{{"A", "1.5"}, {"B", "2"}}},
		{"mixed keyed and not", `["A. Apple", "Banana"]`, Single, []Option{{"A", "Apple"}, {"B", "Banana"}}},
		{"objects", `[{"key":" A ","value":" x\ny "},{"key":"B","value":"z"}]`, Single,
			[]Option{{"A", "x\ny"}, {"B", "z"}}},
		{"chinese text", `["北京", "上海"]`, Single, []Option{{"A", "北京"}, {"B", "上海"}}},
		{"not json", `just one`, Single, []Option{{"A", "just one"}}},
		{"not an array", `{"a":1}`, Single, []Option{}},
		{"empty true/false", `[]`, TrueFalse, []Option{{"正确", "正确"}, {"错误", "错误"}}},
		{"empty fill", `[]`, FillBlank, []Option{}},
		{"space keyed", `["A var", "B const"]`, Single, []Option{{"A", "var"}, {"B", "const"}}},
		{"duplicate keys lettered", `["A. x", "A. y"]`, Single, []Option{{"A", "x"}, {"B", "y"}}},
		{"double encoded", `"[\"A. x\", \"B. y\"]"`, Single, []Option{{"A", "x"}, {"B", "y"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NormaliseOptions(tc.raw, tc.qtype)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("NormaliseOptions(%s) = %v, want %v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestShuffleOptionsKeepsTheAnswer(t *testing.T) {
	q := &Question{ID: 7, QType: Multiple, Answer: "AC",
		Options: []Option{{"A", "one"}, {"B", "two"}, {"C", "three"}, {"D", "four"}}}
	opts, ans := ShuffleOptions(q, 3, 0)
	again, ans2 := ShuffleOptions(q, 3, 0)
	if !reflect.DeepEqual(opts, again) || ans != ans2 {
		t.Fatalf("shuffle is not deterministic: %v %s vs %v %s", opts, ans, again, ans2)
	}
	var texts []string
	for i, o := range opts {
		if o.Key != Letter(i) {
			t.Fatalf("option %d key %q, want %q", i, o.Key, Letter(i))
		}
		if strings.Contains(ans, o.Key) {
			texts = append(texts, o.Value)
		}
	}
	if len(texts) != 2 || !(contains(texts, "one") && contains(texts, "three")) {
		t.Fatalf("answer %q picks %v, want one and three", ans, texts)
	}
	differs := false
	for seed := int64(1); seed < 20; seed++ {
		o, _ := ShuffleOptions(q, 3, seed)
		if !reflect.DeepEqual(o, opts) {
			differs = true
		}
	}
	if !differs {
		t.Fatal("the seed never changes the order")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestShuffleIDsIsReproducible(t *testing.T) {
	ids := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	a, b := ShuffleIDs(ids, 42), ShuffleIDs(ids, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different order: %v %v", a, b)
	}
	if reflect.DeepEqual(a, ids) && reflect.DeepEqual(ShuffleIDs(ids, 43), ids) {
		t.Fatal("shuffle does not shuffle")
	}
}

func TestImageURLs(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		stored *string
		want   []string
	}{
		{nil, nil},
		{s(""), nil},
		{s("[]"), nil},
		{s("question_images/a.png"), []string{"/uploads/question_images/a.png"}},
		{s("/uploads/question_images/a.png"), []string{"/uploads/question_images/a.png"}},
		{s("uploads/question_images/a.png"), []string{"/uploads/question_images/a.png"}},
		{s(`["question_images/a.png","question_images/b.png"]`),
			[]string{"/uploads/question_images/a.png", "/uploads/question_images/b.png"}},
		{s("https://cdn.example.com/x.png"), []string{"https://cdn.example.com/x.png"}},
		{s("../etc/passwd"), nil},
	}
	for _, tc := range tests {
		got := ImageURLs(tc.stored)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ImageURLs(%v) = %v, want %v", tc.stored, got, tc.want)
		}
	}
}

func TestPreview(t *testing.T) {
	if got := Preview("  <b>Go</b> 语言\n支持 goroutine。 "); got != "Go 语言 支持 goroutine。" {
		t.Fatalf("Preview = %q", got)
	}
	long := strings.Repeat("题", 100)
	if got := Preview(long); got != strings.Repeat("题", 80)+"..." {
		t.Fatalf("long preview = %q", got)
	}
}

func TestValidType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{{"选择题", true}, {"多选题", true}, {"判断题", true}, {"填空题", true}, {"问答题", true},
		{"", false}, {"单选题", false}, {" 选择题", false}, {"' OR 1=1 --", false}} {
		if got := ValidType(tc.in); got != tc.want {
			t.Errorf("ValidType(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
