// Package hranatest is a small Hrana v2 server (the HTTP protocol of
// libSQL/Turso) backed by a real SQLite file, so tests can run the store,
// the route groups and the Lambda functions against a remote database URL
// on the loopback interface. No real libSQL server can be installed here;
// this one speaks exactly what libsql-client-go sends: POST /v2/pipeline
// with execute, batch and close requests, chained by batons.
package hranatest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the SQLite engine behind the server
)

// DefaultStreamTTL is how long an idle stream (and its connection, with
// any open transaction) survives before the server drops it.
const DefaultStreamTTL = 30 * time.Second

// Server is a running Hrana v2 server. Its URL is what DATABASE_URL gets.
type Server struct {
	// URL is the base URL ("http://127.0.0.1:PORT") for DATABASE_URL.
	URL string
	// Path is the SQLite file behind the server.
	Path string

	db    *sql.DB
	http  *httptest.Server
	token string
	ttl   time.Duration

	mu      sync.Mutex
	streams map[string]*stream // by current baton
	closed  bool
	stop    chan struct{}
	done    chan struct{}

	requests atomic.Int64
	expired  atomic.Int64
}

// stream is one Hrana stream: one SQLite connection, used by one
// pipeline request at a time.
type stream struct {
	conn     *sql.Conn
	lastUsed time.Time
}

// Option changes how Start configures the server.
type Option func(*settings)

type settings struct {
	token string
	ttl   time.Duration
	path  string
	tls   bool
}

// WithAuthToken makes the server refuse requests without
// "Authorization: Bearer token" (DATABASE_AUTH_TOKEN on the client side).
func WithAuthToken(token string) Option { return func(s *settings) { s.token = token } }

// WithStreamTTL sets how long an idle stream lives (DefaultStreamTTL).
func WithStreamTTL(d time.Duration) Option { return func(s *settings) { s.ttl = d } }

// WithTLS serves HTTPS with a self-signed certificate, so a libsql://
// URL (which the driver turns into https://) can reach the server; see
// Server.TLSClientConfig.
func WithTLS() Option { return func(s *settings) { s.tls = true } }

// WithFile puts the database in path instead of a new temporary file.
func WithFile(path string) Option { return func(s *settings) { s.path = path } }

// New starts a server for the test and stops it at cleanup. It returns
// the base URL to put in DATABASE_URL.
func New(t testing.TB, opts ...Option) string {
	t.Helper()
	return NewServer(t, opts...).URL
}

// NewServer is New returning the server itself, for tests that look at
// its streams or counters.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	all := append([]Option{WithFile(filepath.Join(t.TempDir(), "remote.db"))}, opts...)
	s, err := Start(all...)
	if err != nil {
		t.Fatalf("start Hrana server: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Start opens the database and serves /v2/pipeline on a free loopback
// port until Close.
func Start(opts ...Option) (*Server, error) {
	cfg := settings{ttl: DefaultStreamTTL}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.path == "" {
		dir, err := os.MkdirTemp("", "hranatest-")
		if err != nil {
			return nil, fmt.Errorf("temporary folder: %w", err)
		}
		cfg.path = filepath.Join(dir, "remote.db")
	}
	dsn := "file:" + cfg.path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.path, err)
	}
	// A stream's connection is never handed to another stream: closing a
	// stream closes its connection, and with it any open transaction.
	db.SetMaxIdleConns(0)
	if err := db.Ping(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open %s: %w", cfg.path, err)
	}
	s := &Server{
		Path:    cfg.path,
		db:      db,
		token:   cfg.token,
		ttl:     cfg.ttl,
		streams: map[string]*stream{},
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/pipeline", s.pipeline)
	mux.HandleFunc("GET /v2", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	if cfg.tls {
		s.http = httptest.NewTLSServer(mux)
	} else {
		s.http = httptest.NewServer(mux) // listens on 127.0.0.1
	}
	s.URL = s.http.URL
	go s.expireLoop()
	return s, nil
}

// Close stops serving, drops every stream and closes the database.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	s.mu.Unlock()
	<-s.done
	s.http.Close()
	s.mu.Lock()
	for baton, st := range s.streams {
		_ = st.conn.Close()
		delete(s.streams, baton)
	}
	s.mu.Unlock()
	return s.db.Close()
}

// LibsqlURL is the server's address as a libsql:// URL, the form Turso
// hands out; the driver speaks HTTPS to it, so start with WithTLS.
func (s *Server) LibsqlURL() string {
	return "libsql://" + strings.TrimPrefix(strings.TrimPrefix(s.URL, "https://"), "http://")
}

// CertificatePEM is the server's self-signed certificate (WithTLS only).
// The driver sends with http.DefaultClient and the system roots, so a
// client process trusts it through SSL_CERT_FILE.
func (s *Server) CertificatePEM() []byte {
	c := s.http.Certificate()
	if c == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// OpenStreams is how many streams are waiting for their next request.
func (s *Server) OpenStreams() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.streams)
}

// Requests counts the pipeline requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Expired counts the streams dropped for being idle too long.
func (s *Server) Expired() int64 { return s.expired.Load() }

// DB is a direct handle on the file behind the server, for assertions.
func (s *Server) DB() *sql.DB { return s.db }

func (s *Server) expireLoop() {
	defer close(s.done)
	tick := s.ttl / 4
	if tick < 10*time.Millisecond {
		tick = 10 * time.Millisecond
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.expireIdle(now)
		}
	}
}

func (s *Server) expireIdle(now time.Time) {
	s.mu.Lock()
	var old []*stream
	for baton, st := range s.streams {
		if now.Sub(st.lastUsed) > s.ttl {
			old = append(old, st)
			delete(s.streams, baton)
		}
	}
	s.mu.Unlock()
	for _, st := range old {
		_ = st.conn.Close()
		s.expired.Add(1)
	}
}

// claim takes the stream of baton out of the table for the duration of
// one pipeline request; a baton is good for one request only.
func (s *Server) claim(ctx context.Context, baton string) (*stream, error) {
	if baton == "" {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("open stream connection: %w", err)
		}
		return &stream{conn: conn}, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.streams[baton]
	if !ok {
		return nil, errStreamExpired
	}
	delete(s.streams, baton)
	return st, nil
}

// park puts the stream back under a fresh baton.
func (s *Server) park(st *stream) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	baton := hex.EncodeToString(b[:])
	st.lastUsed = time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = st.conn.Close()
		return "", errors.New("server is closing")
	}
	s.streams[baton] = st
	return baton, nil
}

var errStreamExpired = errors.New("the stream has expired due to inactivity")

func (s *Server) pipeline(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Unauthorized: bad or missing auth token"})
		return
	}
	var req pipelineRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20))
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "malformed pipeline request: " + err.Error()})
		return
	}
	st, err := s.claim(r.Context(), req.Baton)
	if errors.Is(err, errStreamExpired) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error(), "code": "STREAM_EXPIRED"})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	resp := pipelineResponse{Results: make([]streamResult, 0, len(req.Requests))}
	closing := false
	for _, sr := range req.Requests {
		if closing {
			resp.Results = append(resp.Results, failure(errors.New("the stream is closed"), "STREAM_CLOSED"))
			continue
		}
		switch sr.Type {
		case "execute":
			resp.Results = append(resp.Results, s.execute(r.Context(), st.conn, sr.Stmt))
		case "batch":
			resp.Results = append(resp.Results, s.batch(r.Context(), st.conn, sr.Batch))
		case "close":
			closing = true
			resp.Results = append(resp.Results, streamResult{Type: "ok", Response: &streamResponse{Type: "close"}})
		default:
			resp.Results = append(resp.Results,
				failure(fmt.Errorf("request type %q is not supported by this server", sr.Type), "PROTOCOL_ERROR"))
		}
	}
	if closing {
		_ = st.conn.Close()
	} else {
		baton, err := s.park(st)
		if err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
			return
		}
		resp.Baton = &baton
	}
	writeJSON(w, http.StatusOK, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errorCode names SQLite's primary result code the way libSQL does
// ("SQLITE_CONSTRAINT", "SQLITE_BUSY").
func errorCode(err error) string {
	msg := err.Error()
	for _, name := range []string{"SQLITE_CONSTRAINT", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY",
		"SQLITE_MISMATCH", "SQLITE_RANGE", "SQLITE_TOOBIG", "SQLITE_FULL"} {
		if strings.Contains(msg, name) {
			return name
		}
	}
	switch {
	case strings.Contains(msg, "constraint failed"):
		return "SQLITE_CONSTRAINT"
	case strings.Contains(msg, "database is locked"):
		return "SQLITE_BUSY"
	}
	return "SQLITE_ERROR"
}
