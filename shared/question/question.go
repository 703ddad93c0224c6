// Package question holds the public bank's question model as the quiz
// API shows it: the question types, the normalisation of the stored
// options (api.md §0.7 with its compatibility note), option shuffling,
// the image_path forms of §0.8 and the search preview.
package question

// The question types the admin import accepts (api.md §0.7). Any other
// string may be stored and is graded like an essay.
const (
	Single    = "选择题"
	Multiple  = "多选题"
	TrueFalse = "判断题"
	FillBlank = "填空题"
	Essay     = "问答题"
)

// IsChoice reports whether answers of qtype are option letters.
func IsChoice(qtype string) bool { return qtype == Single || qtype == Multiple }

// Question is one row of the public bank with its options already
// normalised, so read paths never re-parse the stored JSON.
type Question struct {
	ID          int64
	SubjectID   int64 // 0: no subject
	Subject     string
	Content     string
	QType       string
	Options     []Option
	RawOptions  string // the stored JSON text, searched by keyword
	Answer      string
	Explanation string
	ImagePath   *string // verbatim: nil, a relative path or a JSON array string
}

// Types lists the five question types in the order the admin screens
// show them; edits that name any other type are refused.
var Types = []string{Single, Multiple, TrueFalse, FillBlank, Essay}

// ValidType reports whether qtype is one of Types (exact match).
func ValidType(qtype string) bool {
	for _, t := range Types {
		if t == qtype {
			return true
		}
	}
	return false
}
