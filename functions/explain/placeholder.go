package explain

import "strings"

// placeholderText is the answer when no provider key is configured
// (api.md §3): it does not depend on the question and tells the operator
// what to configure, followed by generic solving tips.
var placeholderText = strings.Join([]string{
	"（尚未配置 DASHSCOPE_API_KEY，以下是通用的解析模板；配置密钥后将由百炼大模型生成针对本题的讲解）",
	"",
	"解题思路建议：",
	"1) 先标出题干中的关键词和限定条件。",
	"2) 把题干改写成可以逐一验证的结论、公式或步骤。",
	"3) 选择题：先排除明显错误的选项，再把剩下的选项代回题干检验。",
	"4) 填空题、问答题：按步骤逐步推导，写完后再代回原题检查一遍。",
}, "\n")

// providerPlaceholder and providerDashScope are the "provider" values
// the mini-program sees.
const (
	providerPlaceholder = "placeholder"
	providerDashScope   = "dashscope"
)
