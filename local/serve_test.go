package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func testEnv(dir string, extra map[string]string) func(string) string {
	vars := map[string]string{
		"DATABASE_URL": "file:" + filepath.Join(dir, "instance", "submissions.db"),
		"UPLOAD_DIR":   filepath.Join(dir, "uploads"),
		"LOG_DIR":      filepath.Join(dir, "logs"),
		"INSTANCE_DIR": filepath.Join(dir, "instance"),
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

// startServe runs `local serve` in-process and waits until it answers.
func startServe(t *testing.T, getenv func(string) string) (base string, logs *testkit.SyncBuffer, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	logs = &testkit.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", addr}, getenv, logs, logs) }()
	base = "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(15 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return base, logs, stop
}

func get(t *testing.T, method, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServeHealthUploadsAndShutdown(t *testing.T) {
	dir := t.TempDir()
	base, logs, stop := startServe(t, testEnv(dir, nil))

	if resp, _ := get(t, "HEAD", base+"/"); resp.StatusCode != 200 {
		t.Fatalf("HEAD / = %d", resp.StatusCode)
	}
	if resp, body := get(t, "GET", base+"/healthz"); resp.StatusCode != 200 || !strings.Contains(body, `"database":"ok"`) {
		t.Fatalf("GET /healthz = %d %s", resp.StatusCode, body)
	}

	img := filepath.Join(dir, "uploads", "question_images", "fig.png")
	if err := os.MkdirAll(filepath.Dir(img), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, "GET", base+"/uploads/question_images/fig.png"); resp.StatusCode != 200 || body != "0123456789" {
		t.Fatalf("image: %d %q", resp.StatusCode, body)
	}
	if resp, body := get(t, "GET", base+"/uploads/question_images/fig.png", "Range", "bytes=2-4"); resp.StatusCode != 206 || body != "234" {
		t.Fatalf("range: %d %q", resp.StatusCode, body)
	}
	for _, p := range []string{"/uploads/question_images/", "/uploads/", "/uploads/../secret.txt",
		"/uploads/%2e%2e/secret.txt", "/uploads/question_images/..%2f..%2fsecret.txt", "/uploads/nope.png"} {
		resp, body := get(t, "GET", base+p)
		if resp.StatusCode == 200 || strings.Contains(body, "top secret") || strings.Contains(body, "fig.png") {
			t.Errorf("GET %s = %d %q: listing or traversal", p, resp.StatusCode, body)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Fatalf("no shutdown line in logs:\n%s", logs.String())
	}
}

func TestServeRefusesBusyAddressAndUnwritableFolders(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	var out bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String()}, testEnv(dir, nil), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("busy address: err = %v", err)
	}

	blocker := filepath.Join(dir, "not-a-folder")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"UPLOAD_DIR", "LOG_DIR"} {
		err := run(context.Background(), []string{"serve", "--addr", freeAddr(t)},
			testEnv(dir, map[string]string{key: filepath.Join(blocker, "sub")}), &out, &out)
		if err == nil || !strings.Contains(err.Error(), blocker) {
			t.Errorf("%s under a file: err = %v, want it to name the folder", key, err)
		}
	}
	err = run(context.Background(), []string{"serve", "--addr", freeAddr(t)},
		testEnv(dir, map[string]string{"ENVIRONMENT": "production"}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("production without SECRET_KEY: err = %v", err)
	}
}
