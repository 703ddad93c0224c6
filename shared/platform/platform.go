// Package platform builds, from the configuration, the dependencies every
// route group is made of — database, users, system configuration, rate
// limiter, mailer, credentials, clock, logger — and the middleware chain
// they all run behind. The local server and every Lambda entry point use
// the same Open, so both runtimes behave the same.
package platform

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"quizbank/shared/authn"
	"quizbank/shared/config"
	"quizbank/shared/httpx"
	"quizbank/shared/mail"
	"quizbank/shared/ratelimit"
	"quizbank/shared/session"
	"quizbank/shared/store"
	"quizbank/shared/sysconfig"
	"quizbank/shared/users"
)

// MaxBody is the request body cap of api.md §0.1.
const MaxBody = 16 << 20

// Deps are the explicit dependencies of a route group.
type Deps struct {
	Config    config.Config
	DB        *store.DB
	Users     *users.Store
	SysConfig *sysconfig.Store
	Limiter   *ratelimit.Limiter
	Mailer    mail.Sender
	Sessions  *session.Codec
	Tokens    *authn.Tokens
	Guard     *authn.Guard
	Now       func() time.Time
	Logger    *slog.Logger
	// HTTPClient calls third-party services (WeChat, mail and AI providers).
	HTTPClient *http.Client
}

// Open connects to the database, applies migrations and builds Deps.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Deps, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DatabaseAuthToken)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if logger == nil {
		logger = slog.Default()
	}
	for _, v := range applied {
		logger.Info("migration applied", "version", v)
	}
	lim, err := ratelimit.Open(ctx, cfg.RateLimitStorageURL, cfg.RateLimitEnabled)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return Build(cfg, db, lim, logger), nil
}

// Build assembles Deps over an open database and limiter (tests use it
// to inject their own clock or limiter afterwards).
func Build(cfg config.Config, db *store.DB, lim *ratelimit.Limiter, logger *slog.Logger) *Deps {
	if logger == nil {
		logger = slog.Default()
	}
	now := time.Now
	d := &Deps{
		Config:     cfg,
		DB:         db,
		Users:      users.New(db),
		SysConfig:  sysconfig.New(db, cfg.SecretKey, 5*time.Second),
		Limiter:    lim,
		Sessions:   session.NewCodec(cfg.SecretKey, cfg.SessionCookieSecure),
		Tokens:     authn.NewTokens(cfg.SecretKey, now),
		Now:        now,
		Logger:     logger,
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
	}
	d.Users.CacheFor(cfg.UserCacheTTL)
	d.Mailer = mail.New(cfg.Mail, d.SysConfig, d.HTTPClient, logger)
	d.Guard = &authn.Guard{Users: d.Users, Sessions: d.Sessions, Tokens: d.Tokens, Now: now}
	if cfg.EmailBindEnforce {
		d.Guard.EmailBindRequired = func(ctx context.Context) bool {
			return d.SysConfig.String(ctx, "email_bind_required", "1") == "1"
		}
	}
	return d
}

// SetClock replaces the clock everywhere it is used (tests).
func (d *Deps) SetClock(now func() time.Time) {
	d.Now = now
	d.Tokens = authn.NewTokens(d.Config.SecretKey, now)
	d.Guard.Tokens = d.Tokens
	d.Guard.Now = now
}

// Close releases the database and the limiter.
func (d *Deps) Close() error {
	_ = d.Limiter.Close()
	return d.DB.Close()
}

// Middleware wraps h in the chain every runtime uses: request id, access
// log, panic recovery, client address, CORS, body cap and gzip.
func (d *Deps) Middleware(h http.Handler) http.Handler {
	mws := []httpx.Middleware{
		httpx.WithRequestID,
		httpx.RealIP(d.Config.TrustedProxies),
		httpx.AccessLog(d.Logger),
		httpx.Recover,
		httpx.CORS(authn.AnonymousAllowed),
		httpx.LimitBody(MaxBody),
	}
	if d.Config.EnableGzip {
		gz, err := gzhttp.NewWrapper(gzhttp.MinSize(d.Config.GzipMinimumSize))
		if err == nil {
			mws = append(mws, func(next http.Handler) http.Handler { return gz(next) })
		}
	}
	return httpx.Chain(h, mws...)
}

// Group is how a route group registers its routes on a router.
type Group func(r *httpx.Router, d *Deps)

// Handler is one group (or several) as an http.Handler behind the chain.
func (d *Deps) Handler(groups ...Group) (http.Handler, *httpx.Router) {
	r := httpx.NewRouter()
	for _, g := range groups {
		g(r, d)
	}
	return d.Middleware(r), r
}
