package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"quizbank/shared/testkit"
)

// TestInstallScriptStagesTheLayout runs infra/install.sh with ROOT set, so
// it writes every file into a temporary folder, and checks the result: the
// layout, a production env file with a fresh secret that a second run
// keeps, a site that Nginx accepts and a unit that systemd accepts.
func TestInstallScriptStagesTheLayout(t *testing.T) {
	bin := buildLocal(t)
	root := t.TempDir()
	repo := testkit.RepoRoot(t)
	install := func() string {
		cmd := exec.Command("bash", filepath.Join(repo, "infra", "install.sh"), "--domain", "quiz.example.com", "--binary", bin)
		cmd.Env = append(os.Environ(), "ROOT="+root)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("install.sh: %v\n%s", err, out)
		}
		return string(out)
	}
	install()
	for _, p := range []string{"opt/quizbank/bin/quizbank", "opt/quizbank/bin/quizbank-backup", "etc/quizbank/quizbank.env",
		"etc/systemd/system/quizbank.service", "etc/nginx/sites-available/quizbank", "etc/cron.d/quizbank-backup",
		"srv/quizbank/instance", "srv/quizbank/logs", "srv/quizbank/uploads/question_images", "srv/quizbank/uploads/avatars",
		"var/backups/quizbank"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if link, err := os.Readlink(filepath.Join(root, "srv/quizbank/.env")); err != nil || link != "/etc/quizbank/quizbank.env" {
		t.Errorf("srv/quizbank/.env links to %q (%v)", link, err)
	}
	envFile := filepath.Join(root, "etc/quizbank/quizbank.env")
	first, _ := os.ReadFile(envFile)
	secret := regexp.MustCompile(`(?m)^SECRET_KEY=([0-9a-f]{64})$`).FindSubmatch(first)
	if secret == nil {
		t.Fatalf("env file has no fresh 64-hex SECRET_KEY:\n%s", first)
	}
	for _, line := range []string{"ENVIRONMENT=production", "TRUSTED_PROXIES=127.0.0.1"} {
		if !strings.Contains(string(first), "\n"+line+"\n") {
			t.Errorf("env file lacks %q", line)
		}
	}
	if st, _ := os.Stat(envFile); st.Mode().Perm() != 0o640 {
		t.Errorf("env file mode %v, want 0640", st.Mode().Perm())
	}
	// The staged env file is a valid production configuration.
	vars := map[string]string{}
	for _, line := range strings.Split(string(first), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			vars[k] = v
		}
	}
	dir := t.TempDir()
	vars["DATABASE_URL"] = "file:" + filepath.Join(dir, "instance", "submissions.db")
	vars["UPLOAD_DIR"], vars["LOG_DIR"] = filepath.Join(dir, "uploads"), filepath.Join(dir, "logs")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, func(k string) string { return vars[k] }, &out, &out); err != nil {
		t.Errorf("the generated env file does not start the app: %v\n%s", err, out.String())
	}

	if again := install(); !strings.Contains(again, "keeping the existing") {
		t.Errorf("second run output: %s", again)
	}
	if second, _ := os.ReadFile(envFile); !bytes.Equal(first, second) {
		t.Error("a second install changed the env file")
	}

	site, _ := os.ReadFile(filepath.Join(root, "etc/nginx/sites-available/quizbank"))
	for _, want := range []string{"server_name quiz.example.com;", "listen 80;", "server 127.0.0.1:8000;",
		"alias /srv/quizbank/uploads/$1;", "client_max_body_size 16m;"} {
		if !bytes.Contains(site, []byte(want)) {
			t.Errorf("rendered site lacks %q", want)
		}
	}
	if bytes.Contains(site, []byte("{{")) {
		t.Error("rendered site still has placeholders")
	}
	checkSiteWithNginx(t, string(site))

	if sd, err := exec.LookPath("systemd-analyze"); err == nil {
		unit, _ := os.ReadFile(filepath.Join(root, "etc/systemd/system/quizbank.service"))
		staged := strings.ReplaceAll(string(unit), "/opt/quizbank/bin/quizbank", filepath.Join(root, "opt/quizbank/bin/quizbank"))
		unitPath := filepath.Join(t.TempDir(), "quizbank.service")
		if err := os.WriteFile(unitPath, []byte(staged), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sd, "verify", unitPath).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify: %v\n%s", err, out)
		}
	} else {
		t.Log("systemd-analyze not installed; unit not verified")
	}
}

// checkSiteWithNginx runs nginx -t on a production site (port 80 rewritten
// to a free port, as the test may not bind 80).
func checkSiteWithNginx(t *testing.T, site string) {
	t.Helper()
	bin := testkit.FindBinary(t, "nginx")
	dir := t.TempDir()
	site = strings.Replace(site, "listen 80;", "listen "+freeAddr(t)+";", 1)
	sitePath := filepath.Join(dir, "site.conf")
	conf := "pid " + dir + "/nginx.pid;\nerror_log " + dir + "/error.log;\nevents {}\nhttp {\n" +
		"access_log off;\nclient_body_temp_path " + dir + "/body;\nproxy_temp_path " + dir + "/proxy;\n" +
		"include " + sitePath + ";\n}\n"
	confPath := filepath.Join(dir, "nginx.conf")
	_ = os.WriteFile(sitePath, []byte(site), 0o600)
	_ = os.WriteFile(confPath, []byte(conf), 0o600)
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", confPath, "-e", dir+"/error.log").CombinedOutput(); err != nil {
		t.Errorf("nginx -t on the installed site: %v\n%s", err, out)
	}
}

// TestBackupScriptKeepsTheNewest runs infra/backup.sh the way cron does
// and checks the retention count.
func TestBackupScriptKeepsTheNewest(t *testing.T) {
	bin := buildLocal(t)
	home := t.TempDir()
	dbFile := filepath.Join(home, "instance", "submissions.db")
	envFile := filepath.Join(t.TempDir(), "quizbank.env")
	env := "# service configuration\nENVIRONMENT=development\nDATABASE_URL=\"file:" + dbFile + "\"\n" +
		"UPLOAD_DIR=uploads\nLOG_DIR=logs\nMAIL_DEFAULT_SENDER_NAME=系统 通知\n"
	if err := os.WriteFile(envFile, []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": "file:" + dbFile}[k] }
	if err := run(context.Background(), []string{"migrate"}, getenv, &out, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	dest := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(dest, 0o750); err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"submissions-20240101-031700.db", "submissions-20240102-031700.db", "submissions-20240103-031700.db"} {
		_ = os.WriteFile(filepath.Join(dest, old), []byte("old"), 0o600)
	}
	_ = os.WriteFile(filepath.Join(dest, "unrelated.txt"), []byte("keep"), 0o600)

	cmd := exec.Command("bash", filepath.Join(testkit.RepoRoot(t), "infra", "backup.sh"), dest, "2")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "QUIZBANK_BIN=" + bin, "QUIZBANK_ENV=" + envFile, "QUIZBANK_HOME=" + home}
	output, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("backup.sh: %v\n%s", err, output)
	}
	entries, _ := os.ReadDir(dest)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if len(names) != 3 || names[0] != "submissions-20240103-031700.db" || !strings.HasPrefix(names[1], "submissions-20") ||
		names[1] <= names[0] || names[2] != "unrelated.txt" {
		t.Fatalf("after backup.sh DEST 2: %v\n%s", names, output)
	}
	if !strings.Contains(string(output), "integrity_check ok") ||
		!strings.Contains(string(output), "removed old backup "+filepath.Join(dest, "submissions-20240101-031700.db")) {
		t.Errorf("output:\n%s", output)
	}
	for _, bad := range [][]string{{dest, "0"}, {dest, "x"}, {}} {
		cmd := exec.Command("bash", append([]string{filepath.Join(testkit.RepoRoot(t), "infra", "backup.sh")}, bad...)...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "QUIZBANK_BIN=" + bin}
		if out, err := cmd.CombinedOutput(); err == nil {
			t.Errorf("backup.sh %v succeeded: %s", bad, out)
		}
	}
}
