// Package password hashes passwords with argon2id, verifies both those
// hashes and the Werkzeug hashes of the original system (pbkdf2:sha256
// and scrypt), and holds the account input rules (password strength,
// e-mail format).
package password

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/scrypt"
)

// argon2id parameters: 64 MiB, one pass, four lanes (RFC 9106's second
// recommendation, fitting a 128 MiB Lambda).
const (
	argonTime    = 1
	argonMemory  = 64 * 1024
	argonThreads = 4
	argonKeyLen  = 32
)

// MaxLength bounds password input so hashing cannot be used to burn CPU.
const MaxLength = 128

// Hash returns a PHC-format argon2id hash of pw.
func Hash(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime,
		argonThreads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify reports whether pw matches hash. It accepts argon2id hashes and
// the original's Werkzeug formats; an empty hash never matches. Rehash
// is true when the hash is not our current argon2id form, so the caller
// should store Hash(pw) after a successful login.
func Verify(hash, pw string) (ok, rehash bool) {
	if hash == "" || len(pw) > MaxLength {
		return false, false
	}
	switch {
	case strings.HasPrefix(hash, "$argon2id$"):
		return verifyArgon(hash, pw), false
	case strings.HasPrefix(hash, "pbkdf2:"), strings.HasPrefix(hash, "scrypt:"):
		return verifyWerkzeug(hash, pw), true
	}
	return false, false
}

func verifyArgon(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// verifyWerkzeug checks "method$salt$hexdigest" where method is
// pbkdf2:<digest>[:iterations] or scrypt[:n:r:p].
func verifyWerkzeug(encoded, pw string) bool {
	method, rest, ok := strings.Cut(encoded, "$")
	if !ok {
		return false
	}
	salt, digest, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	want, err := hex.DecodeString(digest)
	if err != nil || len(want) == 0 {
		return false
	}
	fields := strings.Split(method, ":")
	var got []byte
	switch fields[0] {
	case "pbkdf2":
		name, iter := "sha256", 600000
		if len(fields) > 1 {
			name = fields[1]
		}
		if len(fields) > 2 {
			if iter, err = strconv.Atoi(fields[2]); err != nil || iter <= 0 || iter > 5_000_000 {
				return false
			}
		}
		var h func() hash.Hash
		switch name {
		case "sha256":
			h = sha256.New
		case "sha512":
			h = sha512.New
		case "sha1":
			h = sha1.New
		default:
			return false
		}
		got, err = pbkdf2.Key(h, pw, []byte(salt), iter, len(want))
		if err != nil {
			return false
		}
	case "scrypt":
		n, r, p := 1<<15, 8, 1
		if len(fields) == 4 {
			var e1, e2, e3 error
			n, e1 = strconv.Atoi(fields[1])
			r, e2 = strconv.Atoi(fields[2])
			p, e3 = strconv.Atoi(fields[3])
			if e1 != nil || e2 != nil || e3 != nil || n > 1<<20 || r > 32 || p > 16 {
				return false
			}
		}
		got, err = scrypt.Key([]byte(pw), []byte(salt), n, r, p, len(want))
		if err != nil {
			return false
		}
	default:
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// ErrWeak explains the password rule of admin-created accounts.
var ErrWeak = errors.New("密码至少8位，且必须同时包含字母和数字")

// CheckStrength applies the admin create/reset rule: at least 8
// characters, a letter and a digit, at most MaxLength bytes.
func CheckStrength(pw string) error {
	if len([]rune(pw)) < 8 || len(pw) > MaxLength {
		return ErrWeak
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return ErrWeak
	}
	return nil
}

var emailRE = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$`)

// ValidEmail is the original's e-mail format check.
func ValidEmail(s string) bool { return len(s) <= 254 && emailRE.MatchString(s) }
