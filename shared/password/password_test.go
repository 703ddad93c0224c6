package password

import "testing"

func TestArgonRoundTrip(t *testing.T) {
	h, err := Hash("AdminPass123")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash := Verify(h, "AdminPass123"); !ok || rehash {
		t.Fatalf("Verify(own hash) = %v, %v; want true, false", ok, rehash)
	}
	if ok, _ := Verify(h, "AdminPass124"); ok {
		t.Fatal("wrong password accepted")
	}
	if ok, _ := Verify("", ""); ok {
		t.Fatal("empty hash accepted")
	}
}

// The digests below were computed with Python's hashlib exactly as
// Werkzeug's generate_password_hash does (pbkdf2_hmac(...).hex() and
// scrypt(..., dklen 64).hex()) for the password "Student123"; the pbkdf2
// one uses 1000 iterations and scrypt n=16384 to keep the test fast.
const (
	pbkdf2Digest = "5a029e3b8b7d4fc51b1cd96f5db0b77e83c35bb915e400703462a69bf3c1a4ce"
	scryptDigest = "1c8d9955b0194d7e592cee081aa6087e80fd17ac25ff4268adc15be3252cd57a" +
		"b4db3aab7bb783ff654f2c8a3a9bd223f8c7ff732682a102f110be9247cc647e"
)

func TestWerkzeugHashes(t *testing.T) {
	cases := []struct {
		hash string
		pw   string
		want bool
	}{
		{"pbkdf2:sha256:1000$abcdefgh$" + pbkdf2Digest, "Student123", true},
		{"pbkdf2:sha256:1000$abcdefgh$" + pbkdf2Digest, "student123", false},
		{"scrypt:16384:8:1$saltsalt$" + scryptDigest, "Student123", true},
		{"scrypt:16384:8:1$saltsalt$" + scryptDigest, "x", false},
		{"md5$x$y", "Student123", false},
	}
	for _, c := range cases {
		ok, rehash := Verify(c.hash, c.pw)
		if ok != c.want {
			t.Errorf("Verify(%.20s…, %q) = %v, want %v", c.hash, c.pw, ok, c.want)
		}
		if ok && !rehash {
			t.Errorf("Verify(%.20s…) asked for no rehash of a Werkzeug hash", c.hash)
		}
	}
}

func TestCheckStrength(t *testing.T) {
	for pw, ok := range map[string]bool{"Student123": true, "short1": false, "onlyletters": false, "12345678": false} {
		if got := CheckStrength(pw) == nil; got != ok {
			t.Errorf("CheckStrength(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}
