package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// lockedBucket makes a bucket with Object Lock enabled at its creation.
func lockedBucket(t *testing.T, c *s3.Client, name string) *string {
	t.Helper()
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(true)}); err != nil {
		t.Fatalf("CreateBucket(%s) with Object Lock: %v", name, err)
	}
	return aws.String(name)
}

// TestS3ObjectLock walks versions of a bucket with Object Lock through
// their retention and legal holds with the SDK: the bucket's default
// retention, a write's own, the deletions refused and the ones a
// governance bypass lets through, and the retention changes S3 takes
// and refuses (note 77).
func TestS3ObjectLock(t *testing.T) {
	ts := startServer(t)
	c := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", checksumming)
	ctx := t.Context()
	bucket := lockedBucket(t, c, "vault")
	key := aws.String("ledger.csv")

	// Object Lock comes with versioning, which stays enabled.
	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Errorf("GetBucketVersioning of a bucket made with Object Lock = %+v, %v; want Enabled", v, err)
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	wantAPIError(t, "PutBucketVersioning Suspended with Object Lock", err, "InvalidBucketState", "An Object Lock configuration is present on this bucket")
	conf, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	if err != nil || conf.ObjectLockConfiguration.ObjectLockEnabled != s3types.ObjectLockEnabledEnabled || conf.ObjectLockConfiguration.Rule != nil {
		t.Fatalf("GetObjectLockConfiguration of a new locked bucket = %+v, %v; want Enabled without a rule", conf, err)
	}

	// The default retention: a day of governance from each version's
	// creation.
	if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
		ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
		Rule:              &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}}); err != nil {
		t.Fatal(err)
	}
	conf, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	if err != nil || conf.ObjectLockConfiguration.Rule == nil || conf.ObjectLockConfiguration.Rule.DefaultRetention.Mode != s3types.ObjectLockRetentionModeGovernance ||
		aws.ToInt32(conf.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 1 || conf.ObjectLockConfiguration.Rule.DefaultRetention.Years != nil {
		t.Errorf("GetObjectLockConfiguration after a rule = %+v, %v; want GOVERNANCE for 1 day", conf, err)
	}
	governed, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("v1")})
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	// Last-Modified is to the second, the retention to the millisecond.
	if err != nil || head.ObjectLockMode != s3types.ObjectLockModeGovernance || head.ObjectLockRetainUntilDate == nil ||
		head.ObjectLockRetainUntilDate.Truncate(time.Second) != head.LastModified.Add(24*time.Hour) || head.ObjectLockLegalHoldStatus != "" {
		t.Errorf("HeadObject of a version under the default retention = %+v, %v; want GOVERNANCE until a day after %v, no legal hold", head, err, head.LastModified)
	}

	// A write's own retention and legal hold take the default's place.
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	complied, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("v2"),
		ObjectLockMode: s3types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: &until, ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.ObjectLockMode != s3types.ObjectLockModeCompliance || !aws.ToTime(got.ObjectLockRetainUntilDate).Equal(until) || got.ObjectLockLegalHoldStatus != s3types.ObjectLockLegalHoldStatusOn {
		t.Errorf("GetObject of a version put with its own lock = mode %q until %v hold %q; want COMPLIANCE until %v, ON",
			got.ObjectLockMode, got.ObjectLockRetainUntilDate, got.ObjectLockLegalHoldStatus, until)
	}
	retention, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: key, VersionId: complied.VersionId})
	if err != nil || retention.Retention.Mode != s3types.ObjectLockRetentionModeCompliance || !aws.ToTime(retention.Retention.RetainUntilDate).Equal(until) {
		t.Errorf("GetObjectRetention = %+v, %v", retention, err)
	}
	hold, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: bucket, Key: key, VersionId: complied.VersionId})
	if err != nil || hold.LegalHold.Status != s3types.ObjectLockLegalHoldStatusOn {
		t.Errorf("GetObjectLegalHold = %+v, %v", hold, err)
	}
	_, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: bucket, Key: key, VersionId: governed.VersionId})
	wantAPIError(t, "GetObjectLegalHold of a version never held", err, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")

	// Deleting a locked version is refused; a governance retention gives
	// way to a caller who asks to bypass it, a compliance one and a legal
	// hold to no one.
	deleteVersion := func(version *string, bypass bool) error {
		t.Helper()
		in := &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: version}
		if bypass {
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		_, err := c.DeleteObject(ctx, in)
		return err
	}
	const locked = "Access Denied because object protected by object lock."
	wantAPIError(t, "DeleteObject of a version under governance", deleteVersion(governed.VersionId, false), "AccessDenied", locked)
	wantAPIError(t, "DeleteObject of a held version under compliance, bypassing governance", deleteVersion(complied.VersionId, true), "AccessDenied", locked)
	if _, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: bucket, Key: key, VersionId: complied.VersionId,
		LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOff}}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "DeleteObject of a version under compliance, bypassing governance", deleteVersion(complied.VersionId, true), "AccessDenied", locked)
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key}); err != nil || head.ObjectLockLegalHoldStatus != s3types.ObjectLockLegalHoldStatusOff {
		t.Errorf("HeadObject after lifting the hold = %+v, %v; want the legal hold OFF", head, err)
	}

	// A compliance retention can be lengthened, never shortened or made
	// governance; a governance one can be shortened or removed only by a
	// caller bypassing it.
	retain := func(version *string, mode s3types.ObjectLockRetentionMode, until time.Time, bypass bool) error {
		t.Helper()
		in := &s3.PutObjectRetentionInput{Bucket: bucket, Key: key, VersionId: version, Retention: &s3types.ObjectLockRetention{}}
		if mode != "" {
			in.Retention.Mode, in.Retention.RetainUntilDate = mode, &until
		}
		if bypass {
			in.BypassGovernanceRetention = aws.Bool(true)
		}
		_, err := c.PutObjectRetention(ctx, in)
		return err
	}
	if err := retain(complied.VersionId, s3types.ObjectLockRetentionModeCompliance, until.Add(time.Hour), false); err != nil {
		t.Errorf("PutObjectRetention lengthening a compliance retention: %v", err)
	}
	// A date finer than S3 keeps is kept to the millisecond, so that the
	// date read back can be put again.
	fine := until.Add(time.Hour + 123456*time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
	doc := `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>COMPLIANCE</Mode><RetainUntilDate>` + fine + `</RetainUntilDate></Retention>`
	rootCreds := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	if status, body := ts.sendHeaders(t, rootCreds, "s3", http.MethodPut, "/vault/ledger.csv?retention&versionId="+aws.ToString(complied.VersionId),
		http.Header{"Content-Md5": {md5Base64(doc)}}, doc); status != 200 {
		t.Fatalf("PutObjectRetention with microseconds = %d %s", status, body)
	}
	shown, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: key, VersionId: complied.VersionId})
	if err != nil || !aws.ToTime(shown.Retention.RetainUntilDate).Equal(until.Add(time.Hour+123*time.Millisecond)) {
		t.Fatalf("GetObjectRetention after a date in microseconds = %+v, %v; want it to the millisecond", shown, err)
	}
	if err := retain(complied.VersionId, s3types.ObjectLockRetentionModeCompliance, aws.ToTime(shown.Retention.RetainUntilDate), false); err != nil {
		t.Errorf("PutObjectRetention of the compliance date read back: %v", err)
	}
	wantAPIError(t, "PutObjectRetention shortening a compliance retention", retain(complied.VersionId, s3types.ObjectLockRetentionModeCompliance, until, true), "AccessDenied", locked)
	wantAPIError(t, "PutObjectRetention making a compliance retention governance", retain(complied.VersionId, s3types.ObjectLockRetentionModeGovernance, until.Add(2*time.Hour), true), "AccessDenied", locked)
	wantAPIError(t, "PutObjectRetention shortening a governance retention", retain(governed.VersionId, s3types.ObjectLockRetentionModeGovernance, until, false), "AccessDenied", locked)
	wantAPIError(t, "PutObjectRetention making a governance retention compliance", retain(governed.VersionId, s3types.ObjectLockRetentionModeCompliance, until.Add(48*time.Hour), false), "AccessDenied", locked)
	if err := retain(governed.VersionId, "", time.Time{}, true); err != nil {
		t.Errorf("PutObjectRetention removing a governance retention, bypassing it: %v", err)
	}
	_, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: key, VersionId: governed.VersionId})
	wantAPIError(t, "GetObjectRetention of a version whose retention was removed", err, "NoSuchObjectLockConfiguration", "")
	if err := deleteVersion(governed.VersionId, false); err != nil {
		t.Errorf("DeleteObject of a version no longer locked: %v", err)
	}

	// A delete without a version writes a delete marker, locks or not;
	// DeleteObjects refuses the locked version alone.
	marker, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	if err != nil || !aws.ToBool(marker.DeleteMarker) {
		t.Errorf("DeleteObject without a version over a locked one = %+v, %v; want a delete marker", marker, err)
	}
	many, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, BypassGovernanceRetention: aws.Bool(true), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: key, VersionId: complied.VersionId}, {Key: key, VersionId: marker.VersionId}}}})
	if err != nil || len(many.Errors) != 1 || aws.ToString(many.Errors[0].Code) != "AccessDenied" || aws.ToString(many.Errors[0].Message) != locked ||
		aws.ToString(many.Errors[0].VersionId) != aws.ToString(complied.VersionId) || len(many.Deleted) != 1 {
		t.Errorf("DeleteObjects of a locked version and a delete marker = %+v, %v; want the marker deleted and the version refused", many, err)
	}

	// A copy takes the bucket's default retention, not its source's lock;
	// a multipart upload the lock it was created with.
	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.csv"), CopySource: aws.String("vault/ledger.csv?versionId=" + aws.ToString(complied.VersionId))})
	if err != nil {
		t.Fatal(err)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("copy.csv"), VersionId: copied.VersionId}); err != nil ||
		head.ObjectLockMode != s3types.ObjectLockModeGovernance || head.ObjectLockLegalHoldStatus != "" {
		t.Errorf("HeadObject of a copy of a compliance version = %+v, %v; want the default GOVERNANCE", head, err)
	}
	big := aws.String("big.bin")
	created, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: big, ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32,
		ObjectLockMode: s3types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: &until, ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOn})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: big, UploadId: created.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("parts")})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: big, UploadId: created.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}})
	if err != nil {
		t.Fatal(err)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("big.bin"), VersionId: up.VersionId}); err != nil ||
		head.ObjectLockMode != s3types.ObjectLockModeCompliance || !aws.ToTime(head.ObjectLockRetainUntilDate).Equal(until) ||
		head.ObjectLockLegalHoldStatus != s3types.ObjectLockLegalHoldStatusOn {
		t.Errorf("HeadObject of a multipart upload created with a lock = %+v, %v; want COMPLIANCE until %v and ON", head, err, until)
	}

	// A bucket full of locked versions cannot be deleted.
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	wantAPIError(t, "DeleteBucket of locked versions", err, "BucketNotEmpty", "")
}

// TestS3ObjectLockPermissions: a write's own lock needs the permission to
// set it, a governance bypass s3:BypassGovernanceRetention, and the lock
// is on a read's answer only for a caller who may read it (note 77).
func TestS3ObjectLockPermissions(t *testing.T) {
	ts := startServer(t)
	c := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", checksumming)
	ctx := t.Context()
	bucket := lockedBucket(t, c, "guarded")
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	version, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("a.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &until, ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOff})
	if err != nil {
		t.Fatal(err)
	}
	root := ts.rootIAM()
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("clerk")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("clerk"), PolicyName: aws.String("objects"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObjectVersion","s3:GetObjectLegalHold"],"Resource":"arn:aws:s3:::guarded/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("clerk")})
	if err != nil {
		t.Fatal(err)
	}
	clerk := ts.s3Client(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "", checksumming)
	head, err := clerk.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("a.txt")})
	if err != nil || head.ObjectLockMode != "" || head.ObjectLockRetainUntilDate != nil || head.ObjectLockLegalHoldStatus != s3types.ObjectLockLegalHoldStatusOff {
		t.Errorf("HeadObject by a caller who may read the legal hold, not the retention = %+v, %v", head, err)
	}
	_, err = clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("b.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &until})
	wantAPIError(t, "PutObject with a retention by a caller without s3:PutObjectRetention", err, "AccessDenied", "s3:PutObjectRetention")
	if _, err := clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("b.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Errorf("PutObject without a lock by a caller allowed s3:PutObject: %v", err)
	}
	_, err = clerk.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), VersionId: version.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	wantAPIError(t, "DeleteObject bypassing governance without s3:BypassGovernanceRetention", err, "AccessDenied", "protected by object lock")
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("clerk"), PolicyName: aws.String("bypass"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::guarded/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), VersionId: version.VersionId, BypassGovernanceRetention: aws.Bool(true)}); err != nil {
		t.Errorf("DeleteObject bypassing governance with s3:BypassGovernanceRetention: %v", err)
	}

	// The lock a write asks for is in its condition keys.
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("clerk"), PolicyName: aws.String("retention"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:PutObjectRetention","s3:PutObjectLegalHold"],"Resource":"arn:aws:s3:::guarded/*"},
			{"Effect":"Deny","Action":"s3:PutObjectRetention","Resource":"arn:aws:s3:::guarded/*","Condition":{"NumericGreaterThan":{"s3:object-lock-remaining-retention-days":"10"}}},
			{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::guarded/*","Condition":{"StringEquals":{"s3:object-lock-mode":"COMPLIANCE"}}},
			{"Effect":"Deny","Action":"s3:PutObjectLegalHold","Resource":"arn:aws:s3:::guarded/*","Condition":{"StringEquals":{"s3:object-lock-legal-hold":"ON"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	month, week := time.Now().Add(30*24*time.Hour), time.Now().Add(7*24*time.Hour)
	_, err = clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("c.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &month})
	wantAPIError(t, "PutObject with 30 days' retention, denied over 10 days", err, "AccessDenied", "s3:PutObjectRetention")
	_, err = clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("c.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: &week})
	wantAPIError(t, "PutObject in compliance mode, denied it", err, "AccessDenied", "s3:PutObject")
	_, err = clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("c.txt"), Body: strings.NewReader("x"), ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOn})
	wantAPIError(t, "PutObject with a legal hold, denied it", err, "AccessDenied", "s3:PutObjectLegalHold")
	weekly, err := clerk.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("c.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &week})
	if err != nil {
		t.Fatalf("PutObject with a week's governance retention: %v", err)
	}
	_, err = clerk.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: bucket, Key: aws.String("c.txt"), VersionId: weekly.VersionId,
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance, RetainUntilDate: &month}})
	wantAPIError(t, "PutObjectRetention lengthening to 30 days, denied over 10", err, "AccessDenied", "s3:PutObjectRetention")

	// A deletion's bypass is decided with the version's own lock.
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("clerk"), PolicyName: aws.String("bypass"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::guarded/*",
			"Condition":{"NumericLessThanEquals":{"s3:object-lock-remaining-retention-days":"3"},"StringEquals":{"s3:object-lock-mode":"GOVERNANCE"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	soon := time.Now().Add(48 * time.Hour)
	shortly, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("d.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &soon})
	if err != nil {
		t.Fatal(err)
	}
	_, err = clerk.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("c.txt"), VersionId: weekly.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	wantAPIError(t, "DeleteObject bypassing a week's retention, allowed up to 3 days", err, "AccessDenied", "protected by object lock")
	if _, err := clerk.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("d.txt"), VersionId: shortly.VersionId, BypassGovernanceRetention: aws.Bool(true)}); err != nil {
		t.Errorf("DeleteObject bypassing two days' retention, allowed up to 3 days: %v", err)
	}

	// Object Lock on a new bucket needs the permissions of its settings.
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("clerk"), PolicyName: aws.String("buckets"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:CreateBucket","s3:PutBucketVersioning"],"Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = clerk.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("clerks-vault"), ObjectLockEnabledForBucket: aws.Bool(true)})
	wantAPIError(t, "CreateBucket with Object Lock without s3:PutBucketObjectLockConfiguration", err, "AccessDenied", "s3:PutBucketObjectLockConfiguration")
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("clerks-vault")}); err == nil {
		t.Error("CreateBucket refused for its Object Lock made the bucket all the same")
	}
}

// TestS3ObjectLockLifecycle: a lifecycle rule expires a noncurrent
// version only once its retention has run out (note 77).
func TestS3ObjectLockLifecycle(t *testing.T) {
	ticks, ran := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{lifecycleTicks: ticks, lifecycleRan: ran})
	c := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", checksumming)
	ctx := t.Context()
	bucket := lockedBucket(t, c, "archive")
	until := time.Now().Add(10 * 24 * time.Hour)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("r.txt"), Body: strings.NewReader("old"),
		ObjectLockMode: s3types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: &until}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "archive", "r.txt", "new")
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket, LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{
		Rules: []s3types.LifecycleRule{{ID: aws.String("noncurrent"), Status: s3types.ExpirationStatusEnabled, Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration: &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)}}}}}); err != nil {
		t.Fatal(err)
	}
	run := func(at time.Time) int {
		t.Helper()
		ticks <- at
		return <-ran
	}
	if n := run(time.Now().Add(3 * 24 * time.Hour)); n != 0 {
		t.Errorf("a lifecycle run during the retention removed %d; want the version kept", n)
	}
	if n := run(until.Add(24 * time.Hour)); n != 1 {
		t.Errorf("a lifecycle run after the retention removed %d; want the version gone", n)
	}
}

// TestS3ObjectLockBadInput: Object Lock asked of a bucket without it, or
// written as S3 does not take it, is refused as S3 refuses it (note 77).
func TestS3ObjectLockBadInput(t *testing.T) {
	ts, c, bucket := withBucket(t, "plain")
	ctx := t.Context()
	put(t, c, "plain", "a.txt", "x")

	// A bucket without Object Lock.
	_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetObjectLockConfiguration without Object Lock", err, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
	_, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: aws.String("a.txt")})
	wantAPIError(t, "GetObjectRetention without Object Lock", err, "InvalidRequest", "Bucket is missing Object Lock Configuration")
	_, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: bucket, Key: aws.String("a.txt")})
	wantAPIError(t, "GetObjectLegalHold without Object Lock", err, "InvalidRequest", "Bucket is missing Object Lock Configuration")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("b.txt"), Body: strings.NewReader("x"),
		ObjectLockLegalHoldStatus: s3types.ObjectLockLegalHoldStatusOn})
	wantAPIError(t, "PutObject with a legal hold without Object Lock", err, "InvalidRequest", "Bucket is missing ObjectLockConfiguration")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), BypassGovernanceRetention: aws.Bool(false)})
	wantAPIError(t, "DeleteObject naming a bypass without Object Lock", err, "InvalidArgument", "only applicable to Object Lock enabled buckets")
	_, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, BypassGovernanceRetention: aws.Bool(true),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("a.txt")}}}})
	wantAPIError(t, "DeleteObjects naming a bypass without Object Lock", err, "InvalidArgument", "only applicable to Object Lock enabled buckets")
	enable := &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled}}
	_, err = c.PutObjectLockConfiguration(ctx, enable)
	wantAPIError(t, "PutObjectLockConfiguration on a bucket without versioning", err, "InvalidBucketState", "Versioning must be 'Enabled'")

	// Enabled on an existing bucket once it is versioned.
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObjectLockConfiguration(ctx, enable); err != nil {
		t.Fatalf("PutObjectLockConfiguration on a versioned bucket: %v", err)
	}
	_, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: bucket, Key: aws.String("a.txt")})
	wantAPIError(t, "GetObjectRetention of an object written before Object Lock", err, "NoSuchObjectLockConfiguration", "")

	rule := func(mode s3types.ObjectLockRetentionMode, days, years *int32) error {
		_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{
			ObjectLockEnabled: s3types.ObjectLockEnabledEnabled, Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: mode, Days: days, Years: years}}}})
		return err
	}
	for _, tc := range []struct {
		what        string
		mode        s3types.ObjectLockRetentionMode
		days, years *int32
		code, msg   string
	}{
		{"days and years", "GOVERNANCE", aws.Int32(1), aws.Int32(1), "MalformedXML", ""},
		{"neither days nor years", "GOVERNANCE", nil, nil, "MalformedXML", ""},
		{"a mode S3 does not know", "governance", aws.Int32(1), nil, "MalformedXML", ""},
		{"no days", "COMPLIANCE", aws.Int32(0), nil, "InvalidArgument", "must be a positive integer value"},
		{"more than 100 years", "COMPLIANCE", nil, aws.Int32(101), "InvalidArgument", "too large"},
	} {
		wantAPIError(t, "PutObjectLockConfiguration with "+tc.what, rule(tc.mode, tc.days, tc.years), tc.code, tc.msg)
	}
	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: bucket, ObjectLockConfiguration: &s3types.ObjectLockConfiguration{}})
	wantAPIError(t, "PutObjectLockConfiguration without ObjectLockEnabled", err, "MalformedXML", "")

	// A write's lock headers. An SDK that sends no checksum with its body
	// is refused, as S3 refuses it.
	future, past := time.Now().Add(time.Hour), time.Now().Add(-time.Hour)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("c.txt"), Body: strings.NewReader("x"),
		ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &future})
	wantAPIError(t, "PutObject with a retention and no checksum", err, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required")
	c = ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", checksumming)
	for _, tc := range []struct {
		what      string
		in        s3.PutObjectInput
		code, msg string
	}{
		{"a mode without a date", s3.PutObjectInput{ObjectLockMode: s3types.ObjectLockModeGovernance}, "InvalidArgument", "must both be supplied"},
		{"a date without a mode", s3.PutObjectInput{ObjectLockRetainUntilDate: &future}, "InvalidArgument", "must both be supplied"},
		{"a mode S3 does not know", s3.PutObjectInput{ObjectLockMode: "FOREVER", ObjectLockRetainUntilDate: &future}, "InvalidArgument", "Unknown wormMode directive."},
		{"a date past", s3.PutObjectInput{ObjectLockMode: s3types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: &past}, "InvalidArgument", "The retain until date must be in the future!"},
		{"a legal hold S3 does not know", s3.PutObjectInput{ObjectLockLegalHoldStatus: "MAYBE"}, "InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'"},
	} {
		in := tc.in
		in.Bucket, in.Key, in.Body = bucket, aws.String("c.txt"), strings.NewReader("x")
		_, err := c.PutObject(ctx, &in)
		wantAPIError(t, "PutObject with "+tc.what, err, tc.code, tc.msg)
	}
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: bucket, Key: aws.String("a.txt"),
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance}})
	wantAPIError(t, "PutObjectRetention with a mode and no date", err, "MalformedXML", "")
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: bucket, Key: aws.String("a.txt"),
		Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionModeGovernance, RetainUntilDate: &past}})
	wantAPIError(t, "PutObjectRetention with a date past", err, "InvalidArgument", "The retain until date must be in the future!")
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: bucket, Key: aws.String("a.txt"), LegalHold: &s3types.ObjectLockLegalHold{Status: "MAYBE"}})
	wantAPIError(t, "PutObjectLegalHold with a status S3 does not know", err, "MalformedXML", "")
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: bucket, Key: aws.String("missing"), LegalHold: &s3types.ObjectLockLegalHold{Status: "ON"}})
	wantAPIError(t, "PutObjectLegalHold of a missing key", err, "NoSuchKey", "")

	// A body locked by the bucket's default retention comes with a
	// digest, or is refused.
	if err := rule(s3types.ObjectLockRetentionModeGovernance, aws.Int32(1), nil); err != nil {
		t.Fatal(err)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	if status, body := ts.send(t, root, "s3", http.MethodPut, "/plain/d.txt", "", "x"); status != 400 ||
		!strings.Contains(body, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters") {
		t.Errorf("PutObject without a digest under a default retention = %d %s", status, body)
	}
	h := http.Header{"Content-Md5": {md5Base64("x")}}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/plain/d.txt", h, "x"); status != 200 {
		t.Errorf("PutObject with Content-MD5 under a default retention = %d %s", status, body)
	}
	// So does each part of an upload to it.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("e.bin")})
	if err != nil {
		t.Fatal(err)
	}
	partPath := "/plain/e.bin?partNumber=1&uploadId=" + aws.ToString(up.UploadId)
	if status, body := ts.send(t, root, "s3", http.MethodPut, partPath, "", "x"); status != 400 ||
		!strings.Contains(body, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters") {
		t.Errorf("UploadPart without a digest under a default retention = %d %s", status, body)
	}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, partPath, h, "x"); status != 200 {
		t.Errorf("UploadPart with Content-MD5 under a default retention = %d %s", status, body)
	}
	if status, body := ts.send(t, root, "s3", http.MethodPut, "/plain/a.txt?legal-hold", "", `<LegalHold><Status>ON</Status></LegalHold>`); status != 400 ||
		!strings.Contains(body, "Content-MD5 OR x-amz-checksum-*") {
		t.Errorf("PutObjectLegalHold without a digest = %d %s", status, body)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), VersionId: aws.String("null")}); err != nil {
		t.Errorf("DeleteObject of the null version written before Object Lock = %v; want it deleted", err)
	}
}
