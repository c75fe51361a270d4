package s3api

import (
	"testing"
	"time"

	"github.com/trustgate/trustgate"
)

// Note 77: which retention changes S3 takes while a retention is in
// force, and which only a governance bypass lets through.
func TestRetentionMayBecome(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	later, sooner := now.Add(48*time.Hour), now.Add(time.Hour)
	gov := func(until time.Time) trustgate.Retention {
		return trustgate.Retention{Mode: trustgate.Governance, Until: until}
	}
	comp := func(until time.Time) trustgate.Retention {
		return trustgate.Retention{Mode: trustgate.Compliance, Until: until}
	}
	none := trustgate.Retention{}
	for _, tc := range []struct {
		what        string
		cur, asked  trustgate.Retention
		bypass, may bool
	}{
		{"none yet", none, comp(sooner), false, true},
		{"a governance one lengthened", gov(sooner), gov(later), false, true},
		{"a governance one kept as it is", gov(sooner), gov(sooner), false, true},
		{"a governance one shortened", gov(later), gov(sooner), false, false},
		{"a governance one shortened, bypassed", gov(later), gov(sooner), true, true},
		{"a governance one removed", gov(later), none, false, false},
		{"a governance one removed, bypassed", gov(later), none, true, true},
		{"a governance one made compliance", gov(sooner), comp(later), false, false},
		{"a governance one made compliance, bypassed", gov(sooner), comp(later), true, true},
		{"a compliance one lengthened", comp(sooner), comp(later), false, true},
		{"a compliance one shortened, bypassed", comp(later), comp(sooner), true, false},
		{"a compliance one made governance, bypassed", comp(sooner), gov(later), true, false},
		{"a compliance one removed, bypassed", comp(sooner), none, true, false},
		{"a compliance one run out, removed", comp(now.Add(-time.Second)), none, false, true},
		{"a compliance one running out now, shortened", comp(now), gov(sooner), false, true},
	} {
		if got := retentionMayBecome(tc.cur, tc.asked, now, tc.bypass); got != tc.may {
			t.Errorf("%s: retentionMayBecome = %v; want %v", tc.what, got, tc.may)
		}
	}
}

// Note 77: what a version's lock keeps from deletion, and a bucket's
// default retention counted from a version's creation.
func TestObjectLockProtects(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		what             string
		o                trustgate.Object
		bypass, protects bool
	}{
		{"nothing", trustgate.Object{}, false, false},
		{"a legal hold", trustgate.Object{LegalHold: trustgate.LegalHoldOn}, true, true},
		{"a legal hold lifted", trustgate.Object{LegalHold: trustgate.LegalHoldOff}, false, false},
		{"governance", trustgate.Object{Retention: trustgate.Retention{Mode: trustgate.Governance, Until: now.Add(time.Hour)}}, false, true},
		{"governance, bypassed", trustgate.Object{Retention: trustgate.Retention{Mode: trustgate.Governance, Until: now.Add(time.Hour)}}, true, false},
		{"compliance, bypassed", trustgate.Object{Retention: trustgate.Retention{Mode: trustgate.Compliance, Until: now.Add(time.Hour)}}, true, true},
		{"compliance run out", trustgate.Object{Retention: trustgate.Retention{Mode: trustgate.Compliance, Until: now}}, false, false},
	} {
		if got := tc.o.Protected(now, tc.bypass); got != tc.protects {
			t.Errorf("%s: Protected = %v; want %v", tc.what, got, tc.protects)
		}
	}
	leap := time.Date(2028, 2, 29, 10, 30, 0, 0, time.UTC)
	if got := (trustgate.BucketObjectLock{Enabled: true, DefaultMode: trustgate.Compliance, DefaultYears: 1}).DefaultRetention(leap); !got.Until.Equal(time.Date(2029, 3, 1, 10, 30, 0, 0, time.UTC)) {
		t.Errorf("a year's default retention from 29 February = %v", got.Until)
	}
	if got := (trustgate.BucketObjectLock{Enabled: true, DefaultMode: trustgate.Governance, DefaultDays: 2}).DefaultRetention(leap); !got.Until.Equal(leap.Add(48 * time.Hour)) {
		t.Errorf("two days' default retention = %v", got.Until)
	}
	if got := (trustgate.BucketObjectLock{Enabled: true}).DefaultRetention(leap); got != (trustgate.Retention{}) {
		t.Errorf("the default retention of a bucket without a rule = %+v; want none", got)
	}
}
