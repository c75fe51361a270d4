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
		{"AccessKeyID(LongTermKey)", func() string { return ids.AccessKeyID(ids.LongTermKey) }, `^AKIA[A-Z2-7]{16}$`},
		{"AccessKeyID(TemporaryKey)", func() string { return ids.AccessKeyID(ids.TemporaryKey) }, `^ASIA[A-Z2-7]{16}$`},
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
