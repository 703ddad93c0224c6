package emailcode_test

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"quizbank/shared/emailcode"
	"quizbank/shared/testkit"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func setup(t *testing.T) (*emailcode.Store, *clock, *testkit.Env) {
	env := testkit.New(t)
	c := &clock{t: time.Date(2026, 12, 4, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	return emailcode.New(env.Deps.DB, testkit.SecretKey, c.now), c, env
}

func TestGenerateIsSixDigits(t *testing.T) {
	re := regexp.MustCompile(`^\d{6}$`)
	seen := map[string]bool{}
	for range 200 {
		c, err := emailcode.Generate()
		if err != nil || !re.MatchString(c) {
			t.Fatalf("code %q, err %v", c, err)
		}
		seen[c] = true
	}
	if len(seen) < 190 {
		t.Errorf("only %d distinct codes in 200", len(seen))
	}
}

func TestIssueStoresHashAndVerifiesOnce(t *testing.T) {
	s, _, env := setup(t)
	ctx := context.Background()
	iss, err := s.Issue(ctx, "Alice@Example.test", emailcode.Login, 0)
	if err != nil {
		t.Fatal(err)
	}
	var stored, email string
	if err := env.Deps.DB.QueryRow(`SELECT code, email FROM email_verification_codes WHERE id = ?`, iss.ID).
		Scan(&stored, &email); err != nil {
		t.Fatal(err)
	}
	if stored == iss.Code || len(stored) != 64 || email != "alice@example.test" {
		t.Fatalf("stored %q for %q", stored, email)
	}
	if err := s.Verify(ctx, "alice@example.test", iss.Code, emailcode.Login, 0); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := s.Verify(ctx, "alice@example.test", iss.Code, emailcode.Login, 0); !errors.Is(err, emailcode.ErrWrong) {
		t.Fatalf("second use: %v, want ErrWrong", err)
	}
}

func TestCodeIsBoundToKindAndUser(t *testing.T) {
	s, _, env := setup(t)
	ctx := context.Background()
	u := env.CreateUser("bob", "", false)
	other := env.CreateUser("eve", "", false)
	iss, err := s.Issue(ctx, "bob@example.test", emailcode.Bind, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx, "bob@example.test", iss.Code, emailcode.Login, 0); err == nil {
		t.Error("bind code accepted as login code")
	}
	if err := s.Verify(ctx, "bob@example.test", iss.Code, emailcode.Bind, other.ID); err == nil {
		t.Error("bind code accepted for another user")
	}
	if err := s.Verify(ctx, "bob@example.test", iss.Code, emailcode.Bind, u.ID); err != nil {
		t.Errorf("right user: %v", err)
	}
}

func TestExpiresAfterTenMinutes(t *testing.T) {
	s, c, _ := setup(t)
	ctx := context.Background()
	iss, _ := s.Issue(ctx, "c@example.test", emailcode.Login, 0)
	c.add(10*time.Minute + time.Second)
	if err := s.Verify(ctx, "c@example.test", iss.Code, emailcode.Login, 0); !errors.Is(err, emailcode.ErrWrong) {
		t.Fatalf("expired code: %v", err)
	}
	n, err := s.Purge(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purge removed %d (%v), want 1", n, err)
	}
}

func TestFiveWrongGuessesKillTheCode(t *testing.T) {
	s, _, _ := setup(t)
	ctx := context.Background()
	iss, _ := s.Issue(ctx, "d@example.test", emailcode.Login, 0)
	wrong := "000000"
	if iss.Code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= 5; i++ {
		err := s.Verify(ctx, "d@example.test", wrong, emailcode.Login, 0)
		want := emailcode.ErrWrong
		if i == 5 {
			want = emailcode.ErrAttempts
		}
		if !errors.Is(err, want) {
			t.Fatalf("guess %d: %v, want %v", i, err, want)
		}
	}
	if err := s.Verify(ctx, "d@example.test", iss.Code, emailcode.Login, 0); !errors.Is(err, emailcode.ErrAttempts) {
		t.Fatalf("right code after 5 failures: %v, want ErrAttempts", err)
	}
}

func TestResendIntervalAndHourlyCapInUTC(t *testing.T) {
	s, c, env := setup(t)
	ctx := context.Background()
	u := env.CreateUser("frank", "", false)
	if _, err := s.Issue(ctx, "f@example.test", emailcode.ResetPassword, u.ID); err != nil {
		t.Fatal(err)
	}
	// The clock is UTC+8: a local-time comparison would never refuse.
	if _, err := s.Issue(ctx, "f@example.test", emailcode.ResetPassword, u.ID); !errors.Is(err, emailcode.ErrTooSoon) {
		t.Fatalf("resend within 60 s: %v, want ErrTooSoon", err)
	}
	// Another kind for the same address is independent.
	if _, err := s.Issue(ctx, "f@example.test", emailcode.Login, u.ID); err != nil {
		t.Fatalf("login code next to a reset code: %v", err)
	}
	for i := 2; i <= 5; i++ {
		c.add(61 * time.Second)
		if _, err := s.Issue(ctx, "f@example.test", emailcode.ResetPassword, u.ID); err != nil {
			t.Fatalf("reset code %d: %v", i, err)
		}
	}
	c.add(61 * time.Second)
	if _, err := s.Issue(ctx, "f@example.test", emailcode.ResetPassword, u.ID); !errors.Is(err, emailcode.ErrTooMany) {
		t.Fatalf("sixth reset code within the hour: %v, want ErrTooMany", err)
	}
	c.add(time.Hour)
	if _, err := s.Issue(ctx, "f@example.test", emailcode.ResetPassword, u.ID); err != nil {
		t.Fatalf("after the hour: %v", err)
	}
}

func TestWithdrawAllowsImmediateRetry(t *testing.T) {
	s, _, _ := setup(t)
	ctx := context.Background()
	iss, _ := s.Issue(ctx, "g@example.test", emailcode.Login, 0)
	if err := s.Withdraw(ctx, iss.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, "g@example.test", emailcode.Login, 0); err != nil {
		t.Fatalf("after withdraw: %v", err)
	}
}

func TestConcurrentIssueSendsOne(t *testing.T) {
	s, _, _ := setup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Issue(ctx, "h@example.test", emailcode.Login, 0); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			} else if !errors.Is(err, emailcode.ErrTooSoon) {
				t.Errorf("issue: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d concurrent requests got a code, want 1", ok)
	}
}
