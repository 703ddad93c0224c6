// Package cloudfn runs route groups as an AWS Lambda function behind API
// Gateway HTTP APIs (payload 2.0) or a function URL, using the same
// platform and handlers as the local server.
package cloudfn

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"quizbank/shared/config"
	"quizbank/shared/logging"
	"quizbank/shared/platform"
)

// Main starts the Lambda runtime loop for groups; it never returns. Init
// failures are printed and exit non-zero, which Lambda reports as an init
// error with the message in the function's log.
func Main(name string, groups ...platform.Group) {
	if err := run(name, groups); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(name string, groups []platform.Group) error {
	start := time.Now()
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	// Instances of one function do not see each other's writes, and one
	// user's requests land on any of them: answer every request from the
	// database unless the operator asked for a cache.
	if os.Getenv("USER_CACHE_TTL") == "" {
		cfg.UserCacheTTL = 0
	}
	logger, _, err := logging.New(logging.Options{Stdout: os.Stdout, Secrets: cfg.Secrets()})
	if err != nil {
		return err
	}
	slog.SetDefault(logger.With("function", name))
	ctx := context.Background()
	deps, err := platform.Open(ctx, cfg, slog.Default())
	if err != nil {
		return err
	}
	h, _ := deps.Handler(groups...)
	adapter := httpadapter.NewV2(h)
	if base := os.Getenv("STRIP_BASE_PATH"); base != "" {
		adapter.StripBasePath(base)
	}
	slog.Info("function ready", "init", time.Since(start).Round(time.Millisecond).String())
	lambda.Start(adapter.ProxyWithContext)
	return nil
}
