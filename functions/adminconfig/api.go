package adminconfig

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/platform"
	"quizbank/shared/question"
	"quizbank/shared/store"
)

// api holds the group's dependencies; its methods are the handlers.
type api struct {
	d *platform.Deps
	// onContentChange, when set, runs after every change to questions or
	// subjects (the quiz group's read cache hook).
	onContentChange func(ctx context.Context)
}

func newAPI(d *platform.Deps) *api {
	return &api{d: d, onContentChange: func(ctx context.Context) {
		if err := question.BumpVersion(ctx, d.DB); err != nil {
			d.Logger.WarnContext(ctx, "quiz cache may serve stale questions", "err", err)
		}
	}}
}

// caller is the authenticated administrator (the guards ran first).
func caller(r *http.Request) *authn.Identity { return authn.FromContext(r.Context()) }

func callerID(r *http.Request) int64 {
	if id := caller(r); id != nil {
		return id.User.ID
	}
	return 0
}

func (a *api) now() string { return store.Timestamp(a.d.Now()) }

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string, def int64) int64 {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return def
	}
	return n
}

// truthy reads the query/form spellings of "yes".
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// contentChanged tells readers of the public bank that questions or
// subjects changed, so caches keyed on the bank's content are dropped.
func (a *api) contentChanged(ctx context.Context) {
	if a.onContentChange != nil {
		a.onContentChange(ctx)
	}
}

// idList is a JSON list of ids, accepting numbers and numeric strings.
type idList []httpx.FlexInt

func (l idList) values() []int64 {
	seen := map[int64]bool{}
	out := make([]int64, 0, len(l))
	for _, v := range l {
		if v.Set && v.Value > 0 && !seen[v.Value] {
			seen[v.Value] = true
			out = append(out, v.Value)
		}
	}
	return out
}

// placeholders returns "?, ?, ?" for n values and the values as args.
func placeholders(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}
