package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"quizbank/shared/testkit"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// buildLocal compiles this command once per test run, as the deployment
// does, and returns the binary's path.
func buildLocal(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "quizbank-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "quizbank")
		// Same settings as the test binary, so the build reuses its cache.
		cmd := exec.Command("go", "build", "-o", builtBin, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./local: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// app is a `quizbank serve` process started by a test.
type app struct {
	cmd      *exec.Cmd
	logs     *testkit.SyncBuffer
	done     chan error
	stopOnce sync.Once
}

// startApp runs the built binary on addr with exactly the given
// environment, in dir, and waits until /healthz answers.
func startApp(t *testing.T, bin, dir, addr string, vars map[string]string) *app {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Dir = dir
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	a := &app{cmd: cmd, logs: &testkit.SyncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = a.logs, a.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { a.done <- cmd.Wait() }()
	t.Cleanup(a.stop)
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return a
		}
		select {
		case err := <-a.done:
			t.Fatalf("serve exited: %v\n%s", err, a.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer on %s: %v\n%s", addr, err, a.logs.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// stop ends the process with SIGTERM (its graceful shutdown), killing it
// if it hangs.
func (a *app) stop() {
	a.stopOnce.Do(func() {
		_ = a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(15 * time.Second):
			_ = a.cmd.Process.Kill()
			<-a.done
		}
	})
}

// renderSite fills the placeholders of infra/nginx/quizbank.conf.
func renderSite(t *testing.T, vars map[string]string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testkit.RepoRoot(t), "infra", "nginx", "quizbank.conf"))
	if err != nil {
		t.Fatal(err)
	}
	site := string(raw)
	for k, v := range vars {
		site = strings.ReplaceAll(site, "{{"+k+"}}", v)
	}
	if i := strings.Index(site, "{{"); i >= 0 {
		t.Fatalf("placeholder left in the site: %q", site[i:min(len(site), i+30)])
	}
	return site
}

// startNginx writes a self-contained nginx.conf around the site (pid,
// logs and temp paths inside dir, in the foreground), checks it with
// nginx -t and starts it. With worker ("user group") the master runs as
// root and its workers as that account, as in production; without, one
// process runs as the current user. Upstream connections leave from
// 127.0.0.2, the address the app trusts.
func startNginx(t *testing.T, dir, listen, site, worker string) {
	t.Helper()
	bin := testkit.FindBinary(t, "nginx")
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	processes := "master_process off;"
	if worker != "" {
		processes = "master_process on;\nworker_processes 1;\nuser " + worker + ";"
	}
	sitePath := filepath.Join(dir, "quizbank.conf")
	if err := os.WriteFile(sitePath, []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	mime := "types { image/png png; text/plain txt; image/svg+xml svg; }"
	if _, err := os.Stat("/etc/nginx/mime.types"); err == nil {
		mime = "include /etc/nginx/mime.types;"
	}
	conf := fmt.Sprintf(`daemon off;
%[4]s
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 128; }
http {
    %[2]s
    default_type application/octet-stream;
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/tmp/client_body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    proxy_bind 127.0.0.2;
    include %[3]s;
}
`, dir, mime, sitePath, processes)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log")}
	if out, err := exec.Command(bin, append([]string{"-t"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, args...)
	var out testkit.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", listen, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %v\n%s\n%s", err, out.String(), log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s", listen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shareUploadsWithWorker sets up, when the test runs as root, what
// infra/install.sh sets up on a host: Nginx's workers run as an
// unprivileged account that reads the uploads only through their group
// (there: www-data in the quizbank group; here: nobody with group
// nogroup owning the folders, setgid so new files inherit it). The
// folders above stay closed to others except for traversal. It returns
// the worker account for startNginx ("" when not root).
func shareUploadsWithWorker(t *testing.T, dir, uploads string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return ""
	}
	g, err := user.LookupGroup("nogroup")
	if err != nil {
		t.Logf("no nogroup group (%v); Nginx runs as one root process", err)
		return ""
	}
	gid, _ := strconv.Atoi(g.Gid)
	for p := filepath.Dir(uploads); ; p = filepath.Dir(p) {
		if err := os.Chmod(p, 0o711); err != nil {
			t.Fatal(err)
		}
		if p == filepath.Dir(dir) || p == "/" {
			break
		}
	}
	err = filepath.Walk(uploads, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if err := os.Chown(p, 0, gid); err != nil {
			return err
		}
		if info.IsDir() {
			return os.Chmod(p, 0o750|os.ModeSetgid)
		}
		return os.Chmod(p, 0o640)
	})
	if err != nil {
		t.Fatal(err)
	}
	return "nobody nogroup"
}

// pngImage is a small real PNG (the upload endpoint checks the bytes).
func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 24, 16))
	for x := 0; x < 24; x++ {
		img.Set(x, x%16, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// clientFrom dials from a chosen loopback address, so that one machine
// can play several visitors (Linux routes all of 127.0.0.0/8 to lo).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func send(t *testing.T, c *http.Client, method, url string, body io.Reader, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// loginStatuses posts n wrong logins and returns the status codes.
func loginStatuses(t *testing.T, c *http.Client, base string, n int, forged func(i int) string) []int {
	t.Helper()
	var out []int
	for i := 0; i < n; i++ {
		header := []string{"Content-Type", "application/json"}
		if forged != nil {
			header = append(header, "X-Forwarded-For", forged(i))
		}
		resp, _ := send(t, c, http.MethodPost, base+"/api/login",
			strings.NewReader(`{"username":"nobody","password":"wrong-password-1"}`), header...)
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestNginxInFrontOfServe(t *testing.T) {
	bin := buildLocal(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "srv")
	uploads := filepath.Join(data, "uploads")
	for _, sub := range []string{"question_images", "chat"} {
		if err := os.MkdirAll(filepath.Join(uploads, sub), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	image := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 1000)...)
	if err := os.WriteFile(filepath.Join(uploads, "question_images", "1712345678_4821_fig.png"), image, 0o640); err != nil {
		t.Fatal(err)
	}
	worker := shareUploadsWithWorker(t, dir, uploads)
	appAddr, nginxAddr := freeAddr(t), freeAddr(t)
	appEnv := map[string]string{
		"SECRET_KEY":      testkit.SecretKey,
		"DATABASE_URL":    "file:" + filepath.Join(data, "instance", "submissions.db"),
		"UPLOAD_DIR":      uploads,
		"LOG_DIR":         filepath.Join(data, "logs"),
		"INSTANCE_DIR":    filepath.Join(data, "instance"),
		"TRUSTED_PROXIES": "127.0.0.2",
	}
	server := startApp(t, bin, data, appAddr, appEnv)
	site := renderSite(t, map[string]string{"server_name": "quiz.test", "listen": nginxAddr,
		"upstream": appAddr, "uploads": uploads})
	startNginx(t, filepath.Join(dir, "nginx"), nginxAddr, site, worker)
	base := "http://" + nginxAddr
	visitor := clientFrom("127.0.0.3")

	t.Run("proxied", func(t *testing.T) {
		resp, body := send(t, visitor, http.MethodGet, base+"/", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Quiz Bank is running") {
			t.Errorf("GET /: %d %q", resp.StatusCode, body)
		}
		resp, body = send(t, visitor, http.MethodGet, base+"/healthz", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"database":"ok"`) {
			t.Errorf("GET /healthz: %d %q", resp.StatusCode, body)
		}
		if got := resp.Header.Get("Server"); got != "nginx" {
			t.Errorf("Server header %q, want nginx without a version (server_tokens off)", got)
		}
	})

	imageURL := base + "/uploads/question_images/1712345678_4821_fig.png"
	t.Run("uploads from disk", func(t *testing.T) {
		resp, body := send(t, visitor, http.MethodGet, imageURL, nil)
		if resp.StatusCode != 200 || !bytes.Equal(body, image) {
			t.Fatalf("image: %d, %d bytes", resp.StatusCode, len(body))
		}
		if resp.Header.Get("X-Served-By") != "nginx-static" || resp.Header.Get("Content-Type") != "image/png" ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("image headers: %v", resp.Header)
		}
		// No listings, and no way from a public folder into the others.
		for _, path := range []string{"/uploads/question_images/", "/uploads/question_images/%2e%2e/%2e%2e/instance/submissions.db",
			"/uploads/question_images/../chat/x.png"} {
			resp, body := send(t, visitor, http.MethodGet, base+path, nil)
			if resp.StatusCode == 200 || bytes.Contains(body, []byte("fig.png")) || bytes.Contains(body, []byte("SQLite")) {
				t.Errorf("GET %s: %d %q", path, resp.StatusCode, body[:min(len(body), 80)])
			}
		}
	})

	// An image uploaded through the admin API (via Nginx) lands in the
	// uploads folder and is then served by Nginx from disk.
	var uploadedURL string
	var uploaded []byte
	t.Run("upload through the app, serve from disk", func(t *testing.T) {
		var out bytes.Buffer
		getenv := func(k string) string { return appEnv[k] }
		if err := run(context.Background(), []string{"user", "create", "--email", "ops@example.com", "--username", "ops",
			"--password", "OpsAdmin123", "--admin"}, getenv, &out, &out); err != nil {
			t.Fatalf("user create: %v\n%s", err, out.String())
		}
		jar, _ := cookiejar.New(nil)
		admin := clientFrom("127.0.0.10")
		admin.Jar = jar
		resp, body := send(t, admin, http.MethodPost, base+"/api/login",
			strings.NewReader(`{"username":"ops","password":"OpsAdmin123"}`), "Content-Type", "application/json")
		if resp.StatusCode != 200 {
			t.Fatalf("admin login through Nginx: %d %s", resp.StatusCode, body)
		}
		uploaded = pngImage(t)
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		fw, _ := mw.CreateFormFile("file", "diagram.png")
		_, _ = fw.Write(uploaded)
		_ = mw.Close()
		resp, body = send(t, admin, http.MethodPost, base+"/admin/api/questions/upload_image", &form,
			"Content-Type", mw.FormDataContentType())
		var answer struct {
			Status, URL, Path string
		}
		if err := json.Unmarshal(body, &answer); err != nil || resp.StatusCode != 200 || answer.Status != "success" ||
			!strings.HasPrefix(answer.URL, "/uploads/question_images/") {
			t.Fatalf("upload through Nginx: %d %s", resp.StatusCode, body)
		}
		uploadedURL = base + answer.URL
		resp, body = send(t, visitor, http.MethodGet, uploadedURL, nil)
		if resp.StatusCode != 200 || !bytes.Equal(body, uploaded) || resp.Header.Get("X-Served-By") != "nginx-static" {
			t.Errorf("uploaded image: %d, %d bytes, X-Served-By %q", resp.StatusCode, len(body), resp.Header.Get("X-Served-By"))
		}
	})

	t.Run("body cap", func(t *testing.T) {
		big := bytes.Repeat([]byte("x"), 17<<20)
		resp, _ := send(t, clientFrom("127.0.0.7"), http.MethodPost, base+"/api/login", bytes.NewReader(big),
			"Content-Type", "application/json")
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("17 MiB body: %d, want 413", resp.StatusCode)
		}
		resp, _ = send(t, clientFrom("127.0.0.7"), http.MethodPost, base+"/api/login",
			bytes.NewReader(bytes.Repeat([]byte(" "), 1<<20)), "Content-Type", "application/json")
		if resp.StatusCode == http.StatusRequestEntityTooLarge {
			t.Errorf("1 MiB body refused with 413")
		}
	})

	// /api/login allows 5 per minute per client address.
	fiveThenRefused := []int{400, 400, 400, 400, 400, 429}
	t.Run("limits follow the real client", func(t *testing.T) {
		if got := loginStatuses(t, visitor, base, 6, nil); fmt.Sprint(got) != fmt.Sprint(fiveThenRefused) {
			t.Errorf("visitor 127.0.0.3: %v, want %v", got, fiveThenRefused)
		}
		if got := loginStatuses(t, clientFrom("127.0.0.4"), base, 1, nil); got[0] != 400 {
			t.Errorf("visitor 127.0.0.4 after 127.0.0.3 was limited: %v, want its own bucket (400)", got)
		}
		// A visitor sending its own X-Forwarded-For cannot pick a bucket:
		// Nginx appends the real address and the app takes that one.
		forged := func(i int) string { return fmt.Sprintf("10.9.8.%d", i+1) }
		if got := loginStatuses(t, clientFrom("127.0.0.5"), base, 6, forged); fmt.Sprint(got) != fmt.Sprint(fiveThenRefused) {
			t.Errorf("visitor forging X-Forwarded-For through Nginx: %v, want %v", got, fiveThenRefused)
		}
		// Straight to the app, the peer is not a trusted proxy, so the
		// header is ignored and the peer address is the bucket.
		direct := "http://" + appAddr
		if got := loginStatuses(t, clientFrom("127.0.0.6"), direct, 6, forged); fmt.Sprint(got) != fmt.Sprint(fiveThenRefused) {
			t.Errorf("untrusted peer forging X-Forwarded-For: %v, want %v", got, fiveThenRefused)
		}
	})

	t.Run("nginx serves uploads without the app", func(t *testing.T) {
		server.stop()
		resp, body := send(t, visitor, http.MethodGet, imageURL, nil)
		if resp.StatusCode != 200 || !bytes.Equal(body, image) {
			t.Errorf("image with the app stopped: %d, %d bytes", resp.StatusCode, len(body))
		}
		if uploadedURL != "" {
			resp, body = send(t, visitor, http.MethodGet, uploadedURL, nil)
			if resp.StatusCode != 200 || !bytes.Equal(body, uploaded) {
				t.Errorf("uploaded image with the app stopped: %d, %d bytes", resp.StatusCode, len(body))
			}
		}
		resp, _ = send(t, visitor, http.MethodGet, base+"/healthz", nil)
		if resp.StatusCode != http.StatusBadGateway {
			t.Errorf("proxied route with the app stopped: %d, want 502", resp.StatusCode)
		}
	})

	t.Run("without TRUSTED_PROXIES everyone shares the proxy's bucket", func(t *testing.T) {
		untrusting := map[string]string{}
		for k, v := range appEnv {
			untrusting[k] = v
		}
		delete(untrusting, "TRUSTED_PROXIES")
		startApp(t, bin, data, appAddr, untrusting)
		forged := func(i int) string { return fmt.Sprintf("10.7.7.%d", i+1) }
		if got := loginStatuses(t, clientFrom("127.0.0.8"), base, 6, forged); fmt.Sprint(got) != fmt.Sprint(fiveThenRefused) {
			t.Errorf("forging X-Forwarded-For without trust: %v, want %v", got, fiveThenRefused)
		}
		if got := loginStatuses(t, clientFrom("127.0.0.9"), base, 1, nil); got[0] != 429 {
			t.Errorf("another visitor: %v, want 429 (one shared bucket: the proxy's address)", got)
		}
	})
}
