// Package logging sets up log/slog for the process: human-readable lines
// on stdout (journald or CloudWatch collects them), plus logs/app.log
// rotated by size in production, with secret-looking attributes redacted.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Options says where logs go.
type Options struct {
	Stdout io.Writer
	// File, when non-empty, is a log file rotated at 10 MiB keeping 10 files.
	File  string
	Level slog.Level
	// Secrets are values that must never appear in a log line; any
	// attribute value containing one is redacted.
	Secrets []string
}

// sensitive attribute names: their values never reach a log line.
var sensitive = []string{"password", "token", "secret", "authorization", "cookie", "code", "api_key", "apikey"}

// New returns the logger and a closer for the log file.
func New(o Options) (*slog.Logger, io.Closer, error) {
	out := o.Stdout
	if out == nil {
		out = os.Stdout
	}
	var closer io.Closer = nopCloser{}
	if o.File != "" {
		if err := os.MkdirAll(filepath.Dir(o.File), 0o750); err != nil {
			return nil, nil, fmt.Errorf("create log directory: %w", err)
		}
		lj := &lumberjack.Logger{Filename: o.File, MaxSize: 10, MaxBackups: 10}
		out = io.MultiWriter(out, lj)
		closer = lj
	}
	h := slog.NewTextHandler(out, &slog.HandlerOptions{Level: o.Level, ReplaceAttr: redactor(o.Secrets)})
	return slog.New(h), closer, nil
}

func redactor(secrets []string) func([]string, slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		k := strings.ToLower(a.Key)
		for _, s := range sensitive {
			if strings.Contains(k, s) && a.Value.Kind() == slog.KindString && a.Key != "status_code" {
				return slog.String(a.Key, "[redacted]")
			}
		}
		if a.Value.Kind() == slog.KindString || a.Value.Kind() == slog.KindAny {
			v := a.Value.String()
			for _, s := range secrets {
				if len(s) >= 6 && strings.Contains(v, s) {
					return slog.String(a.Key, strings.ReplaceAll(v, s, "[redacted]"))
				}
			}
		}
		return a
	}
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
