package main

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3LifecycleConfiguration puts, reads back and deletes a bucket's
// lifecycle rules, and refuses the configurations S3 refuses (note 76).
func TestS3LifecycleConfiguration(t *testing.T) {
	_, c, bucket := withBucket(t, "rules")
	ctx := t.Context()
	_, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetBucketLifecycleConfiguration of a new bucket", err, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")

	rules := []s3types.LifecycleRule{
		{ID: aws.String("old-logs"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			Expiration:                  &s3types.LifecycleExpiration{Days: aws.Int32(30)},
			Transitions:                 []s3types.Transition{{Days: aws.Int32(30), StorageClass: s3types.TransitionStorageClassStandardIa}},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7), NewerNoncurrentVersions: aws.Int32(2)}},
		{ID: aws.String("uploads"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)},
			Expiration:                     &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
		{ID: aws.String("tagged"), Status: s3types.ExpirationStatusDisabled, Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
			Prefix: aws.String("tmp/"), Tags: []s3types.Tag{{Key: aws.String("scratch"), Value: aws.String("yes")}}, ObjectSizeGreaterThan: aws.Int64(1024)}},
			Expiration: &s3types.LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))}},
		// What Terraform sends for a rule without a filter, and for an
		// and block without sizes: each comes back as sent, or Terraform
		// waits for it.
		{ID: aws.String("terraform-no-filter"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(90)}},
		{ID: aws.String("terraform-and"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
			Prefix: aws.String(""), ObjectSizeGreaterThan: aws.Int64(0), Tags: []s3types.Tag{{Key: aws.String("tier"), Value: aws.String("cold")}}}},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(365)}},
		{ID: aws.String("terraform-eodm-false"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{ObjectSizeGreaterThan: aws.Int64(0)},
			Expiration:                     &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(false)},
			AbortIncompleteMultipartUpload: nil, NoncurrentVersionTransitions: []s3types.NoncurrentVersionTransition{
				{NoncurrentDays: aws.Int32(30), NewerNoncurrentVersions: aws.Int32(3), StorageClass: s3types.TransitionStorageClassGlacier}}},
	}
	put, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: rules}})
	if err != nil {
		t.Fatalf("PutBucketLifecycleConfiguration: %v", err)
	}
	if put.TransitionDefaultMinimumObjectSize != s3types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k {
		t.Errorf("PutBucketLifecycleConfiguration answered a minimum object size of %q", put.TransitionDefaultMinimumObjectSize)
	}
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	if err != nil {
		t.Fatalf("GetBucketLifecycleConfiguration: %v", err)
	}
	if !reflect.DeepEqual(got.Rules, rules) {
		for i := range got.Rules {
			t.Logf("rule %d: got %+v\nwant %+v", i, got.Rules[i], rules[i])
		}
		t.Errorf("GetBucketLifecycleConfiguration gave back other rules than were put")
	}

	for _, bad := range []struct {
		why       string
		rule      s3types.LifecycleRule
		code, msg string
	}{
		{"no action", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}},
			"InvalidRequest", "At least one action needs to be specified in a rule"},
		{"no filter", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			"MalformedXML", ""},
		{"an And of one condition", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled,
			Filter:     &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{Prefix: aws.String("logs/")}},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}}, "MalformedXML", ""},
		{"one tag key twice", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled,
			Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{Tags: []s3types.Tag{
				{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}}},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}}, "InvalidRequest", "Duplicate Tag Keys are not allowed."},
		{"a transition to STANDARD_IA within 30 days", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Transitions: []s3types.Transition{{Days: aws.Int32(7), StorageClass: s3types.TransitionStorageClassStandardIa}}}, "InvalidArgument", "greater than or equal to 30"},
		{"an expiration of 0 days", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(0)}}, "InvalidArgument", "must be a positive integer"},
		{"a date not at midnight", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &s3types.LifecycleExpiration{Date: aws.Time(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC))}}, "InvalidArgument", "midnight"},
		{"a status S3 does not know", s3types.LifecycleRule{Status: "On", Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}}, "MalformedXML", ""},
		{"an upload abort with a tag filter", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled,
			Filter:                         &s3types.LifecycleRuleFilter{Tag: &s3types.Tag{Key: aws.String("k"), Value: aws.String("v")}},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}}, "InvalidRequest", "cannot be specified with Tags."},
		{"a transition to STANDARD", s3types.LifecycleRule{Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			Transitions: []s3types.Transition{{Days: aws.Int32(30), StorageClass: "STANDARD"}}}, "MalformedXML", ""},
	} {
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
			LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{bad.rule}}})
		wantAPIError(t, "PutBucketLifecycleConfiguration of a rule with "+bad.why, err, bad.code, bad.msg)
	}
	twice := []s3types.LifecycleRule{rules[0], rules[0]}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: twice}})
	wantAPIError(t, "PutBucketLifecycleConfiguration of two rules of one ID", err, "InvalidArgument", "Rule ID must be unique")
	if got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket}); err != nil || len(got.Rules) != len(rules) {
		t.Errorf("the rules after refused configurations = %+v, %v; want the %d put", got, err, len(rules))
	}
	// A rule put without an ID gets one; a day without a time is a date.
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{Status: s3types.ExpirationStatusEnabled,
			Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("x/")}, Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}}}}}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket}); err != nil || len(got.Rules) != 1 || aws.ToString(got.Rules[0].ID) == "" {
		t.Errorf("a rule put without an ID = %+v, %v; want it named", got, err)
	}

	// The transitions' minimum object size is kept as named.
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration:             &s3types.BucketLifecycleConfiguration{Rules: rules},
		TransitionDefaultMinimumObjectSize: s3types.TransitionDefaultMinimumObjectSizeVariesByStorageClass}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket}); err != nil ||
		got.TransitionDefaultMinimumObjectSize != s3types.TransitionDefaultMinimumObjectSizeVariesByStorageClass {
		t.Errorf("GetBucketLifecycleConfiguration after naming varies_by_storage_class = %+v, %v", got, err)
	}
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: rules}, TransitionDefaultMinimumObjectSize: "all_of_them"})
	wantAPIError(t, "PutBucketLifecycleConfiguration with a minimum object size S3 does not know", err, "InvalidRequest", "Invalid TransitionDefaultMinimumObjectSize found: all_of_them")

	if _, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: bucket}); err != nil {
		t.Fatalf("DeleteBucketLifecycle: %v", err)
	}
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetBucketLifecycleConfiguration after DeleteBucketLifecycle", err, "NoSuchLifecycleConfiguration", "")
}

// TestS3LifecycleApplied lets a server's lifecycle runs see days go by:
// current objects expire by prefix and tag, noncurrent versions expire
// but for the newest kept, a delete marker left alone goes, and an
// upload never completed is aborted, each only once its day has come.
func TestS3LifecycleApplied(t *testing.T) {
	ticks, ran := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{lifecycleTicks: ticks, lifecycleRan: ran})
	c := ts.rootS3()
	ctx := t.Context()
	bucket := aws.String("aging")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct{ key, tagging string }{{"logs/a.log", "expire=yes"}, {"logs/b.log", ""}, {"docs/c.txt", ""}} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(o.key), Body: strings.NewReader("x"), Tagging: aws.String(o.tagging)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		put(t, c, "aging", "docs/report.txt", "a version")
	}
	put(t, c, "aging", "old/gone.txt", "deleted")
	for _, ghost := range []string{"stale/ghost.txt", "tagged/ghost.txt"} {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String(ghost)}); err != nil {
			t.Fatal(err) // a delete marker of a key never written, alone
		}
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("old/gone.txt")}); err != nil {
		t.Fatal(err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("tmp/big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	// Logs tagged to expire go after a day; docs' noncurrent versions
	// after a day, the newest kept; old/'s all; then lone delete markers
	// and uploads of a day.
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket,
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{
			{ID: aws.String("logs"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
				Prefix: aws.String("logs/"), Tags: []s3types.Tag{{Key: aws.String("expire"), Value: aws.String("yes")}}}},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			{ID: aws.String("docs"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("docs/")},
				NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1), NewerNoncurrentVersions: aws.Int32(1)}},
			{ID: aws.String("old"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("old/")},
				NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}},
			{ID: aws.String("cleanup"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("old/")},
				Expiration: &s3types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
			{ID: aws.String("uploads"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
				AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}},
			{ID: aws.String("off"), Status: s3types.ExpirationStatusDisabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			// An expiration by days takes lone delete markers as old.
			{ID: aws.String("stale"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("stale/")},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			// A rule by tag takes no delete marker: a marker has no tags.
			{ID: aws.String("tagged"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{And: &s3types.LifecycleRuleAndOperator{
				Prefix: aws.String("tagged/"), Tags: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)}},
			// Days enough to overflow a duration expire nothing yet.
			{ID: aws.String("forever"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("logs/b")},
				Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(999999)}},
		}}}); err != nil {
		t.Fatal(err)
	}
	// A current object a rule will expire is told when, on its answers.
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("logs/a.log")})
	if err != nil {
		t.Fatal(err)
	}
	expiry := head.LastModified.UTC().Add(48 * time.Hour).Truncate(24 * time.Hour).Format(http.TimeFormat)
	if want := `expiry-date="` + expiry + `", rule-id="logs"`; aws.ToString(head.Expiration) != want {
		t.Errorf("HeadObject of an object a rule expires: Expiration %q; want %q", aws.ToString(head.Expiration), want)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("logs/b.log")}); err != nil ||
		!strings.HasSuffix(aws.ToString(head.Expiration), `00:00:00 GMT", rule-id="forever"`) {
		t.Errorf("HeadObject of an object a rule expires in 999999 days = Expiration %q, %v", aws.ToString(head.Expiration), err)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("docs/c.txt")}); err != nil || head.Expiration != nil {
		t.Errorf("HeadObject of an object no rule expires = Expiration %v, %v; want none", aws.ToString(head.Expiration), err)
	}
	// An upload a rule will abort is told when, and by which rule.
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: aws.String("tmp/big.bin"), UploadId: up.UploadId})
	if err != nil || aws.ToString(parts.AbortRuleId) != "uploads" || parts.AbortDate == nil || !parts.AbortDate.After(time.Now()) {
		t.Errorf("ListParts of an upload a rule aborts = rule %q, date %v, %v; want uploads', in the future", aws.ToString(parts.AbortRuleId), parts.AbortDate, err)
	}
	state := func() []string {
		t.Helper()
		var out []string
		versions, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range versions.Versions {
			out = append(out, aws.ToString(v.Key)+latest(v.IsLatest))
		}
		for _, m := range versions.DeleteMarkers {
			out = append(out, "marker "+aws.ToString(m.Key)+latest(m.IsLatest))
		}
		uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range uploads.Uploads {
			out = append(out, "upload "+aws.ToString(u.Key))
		}
		slices.Sort(out)
		return out
	}
	run := func(at time.Time) int {
		t.Helper()
		ticks <- at
		return <-ran
	}
	before := state()
	if n := run(time.Now()); n != 0 {
		t.Errorf("a lifecycle run on the day of the writes removed %d; want nothing due yet", n)
	}
	if got := state(); !slices.Equal(got, before) {
		t.Errorf("a lifecycle run on the day of the writes left %q; want %q", got, before)
	}
	if n := run(time.Now().Add(3 * 24 * time.Hour)); n != 6 {
		t.Errorf("a lifecycle run three days on removed %d; want 6", n)
	}
	// logs/a.log is behind a delete marker; report.txt's oldest version
	// is gone; gone.txt's version and then its lone marker are gone; the
	// upload is aborted; a disabled rule did nothing.
	want := []string{"docs/c.txt*", "docs/report.txt", "docs/report.txt*", "logs/a.log", "logs/b.log*", "marker logs/a.log*", "marker tagged/ghost.txt*"}
	if got := state(); !slices.Equal(got, want) {
		t.Errorf("after a lifecycle run three days on: %q; want %q", got, want)
	}
	if n := run(time.Now().Add(3 * 24 * time.Hour)); n != 0 {
		t.Errorf("a second run on the same day removed %d; want nothing left due", n)
	}
}
