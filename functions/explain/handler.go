package explain

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quizbank/shared/authn"
	"quizbank/shared/httpx"
	"quizbank/shared/llm"
	"quizbank/shared/platform"
	"quizbank/shared/users"
)

// Messages of the group's refusals.
const (
	msgMissingQuestion = "缺少题目信息"
	msgSubjectBlocked  = "你暂时无权访问该科目的题目"
	msgProviderFailed  = "AI 解析暂时无法生成：请检查 API Key 是否有效、账户是否欠费，" +
		"以及 Base URL 是否与账号所在地域一致"
)

// service holds what the handler needs between requests.
type service struct {
	d        *platform.Deps
	settings settingsReader
	client   *llm.Client
	cache    answerCache
	usage    usageCounters
	flights  flights
	logger   *slog.Logger
}

func newService(d *platform.Deps) *service {
	loc := d.Config.Location()
	now := func() time.Time { return d.Now() }
	var transport http.RoundTripper
	if d.HTTPClient != nil {
		transport = d.HTTPClient.Transport
	}
	return &service{
		d:        d,
		settings: settingsReader{d: d},
		client:   llm.NewClient(transport),
		cache:    answerCache{db: d.DB, now: now},
		usage:    usageCounters{db: d.DB, loc: loc, now: now},
		logger:   d.Logger,
	}
}

// handleExplain is POST /api/quiz/ai/explain.
func (s *service) handleExplain(w http.ResponseWriter, r *http.Request) error {
	var req explainRequest
	if err := httpx.DecodeJSONLenient(r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	caller := authn.FromContext(ctx).User
	q, storedID, err := s.resolve(ctx, caller, req)
	if err != nil {
		return err
	}
	provider := s.settings.provider(ctx)
	streaming := wantsStream(r)
	if provider.APIKey == "" {
		answer := httpx.M{"explain": placeholderText, "provider": providerPlaceholder}
		if streaming {
			return newEventWriter(w).whole(answer)
		}
		httpx.Data(w, answer)
		return nil
	}
	if streaming {
		return s.streamExplain(ctx, newEventWriter(w), caller, q, storedID, provider)
	}
	text, err := s.explain(ctx, caller, q, storedID, provider)
	if err != nil {
		return err
	}
	httpx.Data(w, httpx.M{"explain": text, "provider": providerDashScope, "model": provider.Model})
	return nil
}

// resolve picks the question to explain: a stored question wins over
// whatever the client sent (storedID is then its id, else 0).
func (s *service) resolve(ctx context.Context, caller *users.User, req explainRequest) (llm.Question, int64, error) {
	hasID := req.QuestionID.Set && req.QuestionID.Value != 0
	if !hasID && strings.TrimSpace(string(req.Content)) == "" {
		return llm.Question{}, 0, httpx.BadRequest(msgMissingQuestion)
	}
	q := llm.Question{
		Type:       string(req.QType),
		Content:    string(req.Content),
		Options:    normaliseOptions(req.Options),
		Answer:     string(req.Answer),
		UserAnswer: string(req.UserAnswer),
	}
	if !hasID {
		return q, 0, nil
	}
	row, found, err := loadQuestion(ctx, s.d.DB, req.QuestionID.Value)
	if err != nil {
		return llm.Question{}, 0, err
	}
	if !found {
		// The original goes on with the inline fields (possibly empty).
		return q, 0, nil
	}
	blocked, err := subjectBlocked(ctx, s.d.DB, caller.ID, caller.IsAdmin, row.SubjectID)
	if err != nil {
		return llm.Question{}, 0, err
	}
	if blocked {
		return llm.Question{}, 0, httpx.Forbidden(msgSubjectBlocked)
	}
	return llm.Question{
		Type:        row.Type,
		Content:     row.Content,
		Options:     normaliseStoredText(row.Options),
		Answer:      row.Answer,
		Explanation: row.Explanation,
		UserAnswer:  q.UserAnswer,
	}, row.ID, nil
}

// explain answers from the cache when it can, else spends one provider
// call within the caller's limits.
func (s *service) explain(ctx context.Context, caller *users.User, q llm.Question, storedID int64, p llm.Settings) (string, error) {
	prompt := llm.Build(q)
	hash := prompt.Hash()
	for {
		if text, ok := s.fromCache(ctx, storedID, p.Model, hash); ok {
			return text, nil
		}
		if storedID == 0 {
			return s.complete(ctx, caller, storedID, p, prompt, hash)
		}
		key := flightKey(storedID, p.Model, hash)
		f, leader := s.flights.join(key)
		if !leader {
			if text, ok := f.wait(ctx); ok {
				return text, nil
			}
			if err := ctx.Err(); err != nil {
				return "", err
			}
			continue // the leader failed: try on our own
		}
		text, err := s.complete(ctx, caller, storedID, p, prompt, hash)
		s.flights.finish(key, f, text, err)
		return text, err
	}
}

// complete is one admitted provider call, remembered on success.
func (s *service) complete(ctx context.Context, caller *users.User, storedID int64, p llm.Settings, prompt llm.Prompt, hash string) (string, error) {
	if err := s.admit(ctx, caller); err != nil {
		return "", err
	}
	start := time.Now()
	reply, err := s.client.Complete(ctx, p, prompt)
	if err != nil {
		return "", s.providerFailure(ctx, err, p, time.Since(start))
	}
	s.remember(ctx, storedID, p.Model, hash, reply, time.Since(start))
	return reply.Text, nil
}

func flightKey(storedID int64, model, hash string) string {
	return strconv.FormatInt(storedID, 10) + "\x00" + model + "\x00" + hash
}

// fromCache returns the stored answer of a stored question; inline
// questions are never cached.
func (s *service) fromCache(ctx context.Context, storedID int64, model, hash string) (string, bool) {
	if storedID == 0 {
		return "", false
	}
	text, ok, err := s.cache.get(ctx, storedID, model, hash)
	if err != nil {
		s.logger.WarnContext(ctx, "AI explanation cache unreadable; asking the provider", "err", err)
	}
	return text, ok
}

// admit spends one call of the caller's per-minute and daily budgets.
func (s *service) admit(ctx context.Context, caller *users.User) error {
	lim := s.settings.limits(ctx)
	if err := perMinute(ctx, s.d.Limiter, caller.ID, lim.UserPerMinute); err != nil {
		return err
	}
	return s.usage.reserve(ctx, caller.ID, lim)
}

// remember logs a provider answer and caches it for a stored question.
func (s *service) remember(ctx context.Context, storedID int64, model, hash string, reply llm.Reply, took time.Duration) {
	s.logger.InfoContext(ctx, "AI explanation generated", "model", reply.Model,
		"question_id", storedID, "tokens", reply.TotalTokens,
		"duration", took.Round(time.Millisecond).String())
	if storedID == 0 {
		return
	}
	if err := s.cache.put(ctx, storedID, model, hash, reply); err != nil {
		s.logger.WarnContext(ctx, "AI explanation not cached", "err", err)
	}
}

// providerFailure logs what went wrong — kind, HTTP status, host; never
// the key or the provider's text — and answers the fixed 502 hint.
func (s *service) providerFailure(ctx context.Context, err error, p llm.Settings, took time.Duration) error {
	var e *llm.Error
	if !errors.As(err, &e) {
		e = &llm.Error{Kind: llm.Malformed}
	}
	if e.Kind == llm.Canceled {
		return context.Canceled // the client left; nobody reads an answer
	}
	s.logFailure(ctx, e, p, took)
	return httpx.Errorf(http.StatusBadGateway, "%s", msgProviderFailed)
}

// logFailure writes the one log line of a provider failure.
func (s *service) logFailure(ctx context.Context, e *llm.Error, p llm.Settings, took time.Duration) {
	host := ""
	if u, perr := url.Parse(p.BaseURL); perr == nil {
		host = u.Host
	}
	s.logger.WarnContext(ctx, "AI provider call failed", "kind", string(e.Kind),
		"http_status", e.Status, "provider_host", host, "model", p.Model,
		"duration", took.Round(time.Millisecond).String())
}
