package mfa_test

import (
	"testing"
	"time"

	"github.com/trustgate/trustgate/mfa"
)

// The SHA1 test vectors of RFC 6238 appendix B, cut to six digits as AWS's
// devices show them.
func TestCodeRFC6238(t *testing.T) {
	seed := "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
	}
	for _, tt := range tests {
		step := mfa.Step(time.Unix(tt.unix, 0))
		got, err := mfa.Code(seed, step)
		if err != nil || got != tt.want {
			t.Errorf("Code(seed, Step(%d)) = %q, %v; want %q", tt.unix, got, err, tt.want)
		}
		if !mfa.Matches(seed, step, tt.want) || mfa.Matches(seed, step+1, tt.want) {
			t.Errorf("Matches at step %d is wrong for %q", step, tt.want)
		}
	}
}
