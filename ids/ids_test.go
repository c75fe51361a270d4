package ids_test

import (
	"regexp"
	"testing"

	"github.com/trustgate/trustgate/ids"
)

func TestShapes(t *testing.T) {
	tests := []struct {
		name string
		make func() string
		want string
	}{
		{"Account", ids.Account, `^[1-9][0-9]{11}$`},
		{"Unique(User)", func() string { return ids.Unique(ids.User) }, `^AIDA[A-Z2-7]{17}$`},
		{"Unique(Role)", func() string { return ids.Unique(ids.Role) }, `^AROA[A-Z2-7]{17}$`},
		{"AccessKeyID(LongTermKey)", func() string { return ids.AccessKeyID(ids.LongTermKey, "123456789012") }, `^AKIA[A-Z2-7]{16}$`},
		{"AccessKeyID(TemporaryKey)", func() string { return ids.AccessKeyID(ids.TemporaryKey, "000000000001") }, `^ASIA[A-Z2-7]{16}$`},
		{"SecretAccessKey", ids.SecretAccessKey, `^[A-Za-z0-9+/]{40}$`},
		{"Organization", ids.Organization, `^o-[a-z0-9]{10}$`},
		{"OrganizationRoot", ids.OrganizationRoot, `^r-[a-z0-9]{4}$`},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.want)
		seen := map[string]bool{}
		for range 200 {
			id := tt.make()
			if !re.MatchString(id) {
				t.Fatalf("%s() = %q, want it to match %s", tt.name, id, tt.want)
			}
			seen[id] = true
		}
		if len(seen) < 190 {
			t.Errorf("%s() made only %d distinct ids in 200 calls", tt.name, len(seen))
		}
	}
}

// An access key id carries its account as AWS's do: the account read
// back from AWS's own published keys, and from every key made here.
func TestAccountOfAccessKey(t *testing.T) {
	for id, want := range map[string]string{
		"ASIAQNZGKIQY56JQ7WML": "029608264753", // an AWS key decoded in public write-ups of the format
		"AKIAIOSFODNN7EXAMPLE": "581039954779", // AWS's documentation key, decoded the same way
	} {
		if got, ok := ids.AccountOfAccessKey(id); !ok || got != want {
			t.Errorf("AccountOfAccessKey(%s) = %q, %v; want %s", id, got, ok, want)
		}
	}
	for _, account := range []string{"000000000000", "000000000001", "123456789012", "999999999999", ids.Account()} {
		for _, prefix := range []string{ids.LongTermKey, ids.TemporaryKey} {
			id := ids.AccessKeyID(prefix, account)
			if got, ok := ids.AccountOfAccessKey(id); !ok || got != account {
				t.Errorf("AccountOfAccessKey(AccessKeyID(%s, %s) = %s) = %q, %v", prefix, account, id, got, ok)
			}
		}
	}
	for _, bad := range []string{"", "AKIA", "AKIA0123456789ABCDEF", "AKIAIOSFODNN7EXAMPL", "akiaiosfodnn7example"} {
		if got, ok := ids.AccountOfAccessKey(bad); ok {
			t.Errorf("AccountOfAccessKey(%q) = %q; want it refused", bad, got)
		}
	}
}
