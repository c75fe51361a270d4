package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/policy"
)

// policyOfSize builds a valid identity policy of exactly n characters as
// IAM counts them, padded with white space that must not count.
func policyOfSize(t *testing.T, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	pad := n - len(head) - len(tail)
	if pad < 1 {
		t.Fatalf("size %d too small", n)
	}
	doc := strings.ReplaceAll(head, ",", ",\n    ") + strings.Repeat("b", pad) + tail
	if got := policy.Size([]byte(doc)); got != n {
		t.Fatalf("policyOfSize(%d) made %d", n, got)
	}
	return doc
}

func TestQuotaCheck(t *testing.T) {
	tests := []struct {
		quota   policy.Quota
		size    int
		wantErr string
	}{
		{policy.ManagedPolicyQuota, 6144, ""},
		{policy.ManagedPolicyQuota, 6145, "Cannot exceed quota for PolicySize: 6144"},
		{policy.TrustPolicyQuota, 2048, ""},
		{policy.TrustPolicyQuota, 2049, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{policy.OrgPolicyQuota, 5121, "Cannot exceed quota for PolicyContentSize: 5120"},
	}
	for _, tt := range tests {
		doc := policyOfSize(t, tt.size)
		err := tt.quota.Check(doc)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s.Check(%d characters) = %v, want nil", tt.quota.Name, tt.size, err)
			}
			continue
		}
		var perr *policy.Error
		if !errors.As(err, &perr) || perr.Kind != policy.ErrTooLarge || perr.Message != tt.wantErr {
			t.Errorf("%s.Check(%d characters) = %v, want ErrTooLarge %q", tt.quota.Name, tt.size, err, tt.wantErr)
		}
	}
}

// A bucket policy counts bytes, white space included.
func TestBucketPolicyQuotaCountsBytes(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[]}` + strings.Repeat(" ", 20*1024)
	if err := policy.BucketPolicyQuota.Check(doc); err == nil {
		t.Errorf("BucketPolicyQuota.Check(%d bytes) = nil, want too large", len(doc))
	}
}
