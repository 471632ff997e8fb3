package twofactor

import (
	"encoding/base32"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// rfcSecret is the SHA-1 key of the RFC 6238 appendix B test vectors.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

func TestRFC6238Vectors(t *testing.T) {
	vectors := []struct {
		unix int64
		code string // 8 digits, as printed in RFC 6238 appendix B
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, v := range vectors {
		got, err := totp.GenerateCodeCustom(rfcSecret, time.Unix(v.unix, 0),
			totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || got != v.code {
			t.Errorf("code at %d = %q, %v; want %q", v.unix, got, err, v.code)
		}
		// Six digits are the last six of the eight.
		step, ok := matchStep(rfcSecret, v.code[2:], time.Unix(v.unix, 0))
		if !ok || step != v.unix/30 {
			t.Errorf("matchStep(%s) at %d = %d, %v; want step %d", v.code[2:], v.unix, step, ok, v.unix/30)
		}
	}
}

func TestMatchStepSkew(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	code := func(offset int64) string {
		c, _ := totp.GenerateCodeCustom(rfcSecret, now.Add(time.Duration(offset*Period)*time.Second), validateOpts())
		return c
	}
	for offset, want := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		if _, ok := matchStep(rfcSecret, code(offset), now); ok != want {
			t.Errorf("code %d steps away accepted = %v, want %v", offset, ok, want)
		}
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef"} {
		if _, ok := matchStep(rfcSecret, bad, now); ok {
			t.Errorf("matchStep(%q) accepted", bad)
		}
	}
}
