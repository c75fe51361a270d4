package s3api

import (
	"testing"

	"github.com/trustgate/trustgate"
)

// TestVersionIDs checks that the ids trustgate makes read back, and that
// a change to any one character of one is refused as an id it could not
// have made (note 75).
func TestVersionIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := newVersionID()
		if seen[id] {
			t.Fatalf("newVersionID made %s twice", id)
		}
		seen[id] = true
		if got, err := parseVersion("versionId", id); err != nil || got != id {
			t.Fatalf("parseVersion(%s) = %q, %v; want the id", id, got, err)
		}
		for i := range id {
			for _, c := range []byte{'A', 'z', '.', '_', '7'} {
				if id[i] == c {
					continue
				}
				changed := id[:i] + string(c) + id[i+1:]
				if _, err := parseVersion("versionId", changed); err == nil || err.Code != "InvalidArgument" {
					t.Fatalf("parseVersion(%s), %s with character %d changed = %v; want InvalidArgument", changed, id, i, err)
				}
			}
		}
	}
	if got, err := parseVersion("versionId", "null"); err != nil || got != trustgate.NullVersion {
		t.Errorf("parseVersion(null) = %q, %v; want the null version", got, err)
	}
	for _, bad := range []string{"", "nul", "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD", "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"} {
		if _, err := parseVersion("versionId", bad); err == nil {
			t.Errorf("parseVersion(%q) accepted it", bad)
		}
	}
}
