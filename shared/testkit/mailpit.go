package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// MailpitOptions choose how the test SMTP server behaves.
type MailpitOptions struct {
	// Username and Password, when set, are the only accepted login;
	// otherwise any login is accepted (also over plain text).
	Username, Password string
	// TLS gives the server a fresh self-signed certificate for
	// 127.0.0.1; Roots in the result trusts it.
	TLS bool
	// RequireSTARTTLS refuses clients that do not upgrade (needs TLS).
	RequireSTARTTLS bool
	// ImplicitTLS makes the SMTP port speak TLS from the first byte
	// (SMTPS; needs TLS).
	ImplicitTLS bool
}

// Mailpit is a running mailpit: a real SMTP server whose received
// messages are read through its HTTP API.
type Mailpit struct {
	SMTPHost string
	SMTPPort int
	APIURL   string
	Roots    *x509.CertPool // trusts the server certificate when TLS is on
}

// MailpitMessage is one received message as the list API reports it.
type MailpitMessage struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	From    struct {
		Name    string `json:"Name"`
		Address string `json:"Address"`
	} `json:"From"`
	To []struct {
		Address string `json:"Address"`
	} `json:"To"`
	Snippet string `json:"Snippet"`
}

// MailpitBody is a message's decoded content.
type MailpitBody struct {
	Text string `json:"Text"`
	HTML string `json:"HTML"`
}

// StartMailpit starts mailpit (from PATH or .bin/) with both listeners
// on free 127.0.0.1 ports, no version check, no reverse DNS and its
// database under t.TempDir(); it stops when the test ends.
func StartMailpit(t testing.TB, opt MailpitOptions) *Mailpit {
	t.Helper()
	bin := FindBinary(t, "mailpit")
	dir := t.TempDir()
	var lastErr error
	for range 3 {
		smtpPort, httpPort := FreePort(t), FreePort(t)
		args := []string{
			"--listen", "127.0.0.1:" + strconv.Itoa(httpPort),
			"--smtp", "127.0.0.1:" + strconv.Itoa(smtpPort),
			"--disable-version-check", "--smtp-disable-rdns",
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", smtpPort)),
		}
		mp := &Mailpit{SMTPHost: "127.0.0.1", SMTPPort: smtpPort,
			APIURL: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
		if opt.Username != "" {
			file := filepath.Join(dir, "auth")
			if err := os.WriteFile(file, []byte(opt.Username+":"+opt.Password+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			args = append(args, "--smtp-auth-file", file)
		} else {
			args = append(args, "--smtp-auth-accept-any")
		}
		if opt.TLS {
			cert, key, pool := selfSigned(t, dir)
			mp.Roots = pool
			args = append(args, "--smtp-tls-cert", cert, "--smtp-tls-key", key)
			if opt.RequireSTARTTLS {
				args = append(args, "--smtp-require-starttls")
			}
			if opt.ImplicitTLS {
				args = append(args, "--smtp-require-tls")
			}
		}
		if !opt.TLS || (!opt.RequireSTARTTLS && !opt.ImplicitTLS) {
			args = append(args, "--smtp-auth-allow-insecure")
		}
		cmd := exec.Command(bin, args...)
		logFile := filepath.Join(dir, fmt.Sprintf("mailpit-%d.log", smtpPort))
		out, err := os.Create(logFile)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait(); out.Close() }()
		if lastErr = mp.wait(exited, 15*time.Second); lastErr != nil {
			_ = cmd.Process.Kill()
			log, _ := os.ReadFile(logFile)
			lastErr = fmt.Errorf("%w\n%s", lastErr, log)
			continue
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
		return mp
	}
	t.Fatalf("mailpit did not start: %v", lastErr)
	return nil
}

func (m *Mailpit) wait(exited <-chan error, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %v", err)
		default:
		}
		resp, err := http.Get(m.APIURL + "/api/v1/info")
		if err == nil {
			resp.Body.Close()
			c, err := net.DialTimeout("tcp", net.JoinHostPort(m.SMTPHost, strconv.Itoa(m.SMTPPort)), time.Second)
			if err == nil {
				c.Close()
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("mailpit not ready after %s", limit)
}

// Messages lists what mailpit received, newest first.
func (m *Mailpit) Messages(t testing.TB) []MailpitMessage {
	t.Helper()
	var out struct {
		Messages []MailpitMessage `json:"messages"`
	}
	m.getJSON(t, "/api/v1/messages", &out)
	return out.Messages
}

// Body returns the decoded text and HTML of message id.
func (m *Mailpit) Body(t testing.TB, id string) MailpitBody {
	t.Helper()
	var b MailpitBody
	m.getJSON(t, "/api/v1/message/"+id, &b)
	return b
}

// Clear deletes every received message.
func (m *Mailpit) Clear(t testing.TB) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, m.APIURL+"/api/v1/messages", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("mailpit clear: %v", err)
	}
	resp.Body.Close()
}

func (m *Mailpit) getJSON(t testing.TB, path string, dst any) {
	t.Helper()
	resp, err := http.Get(m.APIURL + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(dst); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}

// selfSigned writes a throw-away certificate for 127.0.0.1 and returns
// the file names and a pool that trusts it.
func selfSigned(t testing.TB, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "smtp.crt"), filepath.Join(dir, "smtp.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
