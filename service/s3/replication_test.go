package s3api

import (
	"testing"
	"time"

	"github.com/trustgate/trustgate"
)

// TestMergedRetention: a sync lengthens or strengthens a copy's
// retention, never shortens or weakens it (note 81).
func TestMergedRetention(t *testing.T) {
	now := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return now.Add(time.Duration(n) * 24 * time.Hour) }
	gov := func(n int) trustgate.Retention { return trustgate.Retention{Mode: trustgate.Governance, Until: day(n)} }
	comp := func(n int) trustgate.Retention { return trustgate.Retention{Mode: trustgate.Compliance, Until: day(n)} }
	for _, tc := range []struct {
		what           string
		cur, src, want trustgate.Retention
	}{
		{"none, then governance", trustgate.Retention{}, gov(2), gov(2)},
		{"governance lengthened", gov(1), gov(3), gov(3)},
		{"governance not shortened", gov(3), gov(1), gov(3)},
		{"compliance in force lengthened by governance, still compliance", comp(1), gov(2), comp(2)},
		{"compliance run out, then governance", comp(-1), gov(2), gov(2)},
		{"governance made compliance at the same date", gov(2), comp(2), comp(2)},
		{"governance made compliance, an earlier date kept later", gov(3), comp(2), comp(3)},
		{"compliance in force not weakened by an earlier governance", comp(3), gov(1), comp(3)},
		{"a compliance run out at the source changes nothing", gov(3), comp(-2), gov(3)},
	} {
		if got := mergedRetention(tc.cur, tc.src, now); got != tc.want {
			t.Errorf("%s: mergedRetention(%v, %v) = %v; want %v", tc.what, tc.cur, tc.src, got, tc.want)
		}
	}
}
