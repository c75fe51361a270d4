package storetest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

func testBuckets(t *testing.T, s store.Store) {
	seed(t, s)
	b := &trustgate.Bucket{Name: "sunsets", Account: mgmt, Region: "eu-west-1", LocationConstraint: "EU", CreatedAt: t0, PublicAccessBlock: trustgate.BlockAll}
	if err := s.CreateBucket(ctx, b); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateBucket of a taken name", s.CreateBucket(ctx, &trustgate.Bucket{Name: "sunsets", Account: mgmt, Region: "eu-west-1", CreatedAt: t0}), trustgate.ErrConflict)
	wantErr(t, "CreateBucket in an unknown account", s.CreateBucket(ctx, &trustgate.Bucket{Name: "other", Account: "999999999999", CreatedAt: t0}), trustgate.ErrNotFound)
	got, err := s.Bucket(ctx, "sunsets")
	if err != nil || !reflect.DeepEqual(got, b) {
		t.Errorf("Bucket = %+v, %v; want %+v", got, err, b)
	}
	_, err = s.Bucket(ctx, "nothing")
	wantErr(t, "Bucket of an unknown name", err, trustgate.ErrNotFound)

	b.Policy = `{"Version":"2012-10-17","Statement":[]}`
	b.PublicAccessBlock.BlockPublicPolicy = false
	b.Tags = []trustgate.Tag{{Key: "team", Value: "photo"}}
	b.Encryption = trustgate.BucketEncryption{Algorithm: "aws:kms", KMSKeyID: "arn:aws:kms:eu-west-1:111111111111:key/k", BucketKeyEnabled: true, AllowCustomerKeys: true}
	b.Versioning, b.MFADelete = trustgate.VersioningSuspended, "Disabled"
	b.LifecycleMinimumSize = "varies_by_storage_class"
	b.Lifecycle = []trustgate.LifecycleRule{{ID: "old-logs", Enabled: true, Filter: trustgate.ObjectFilter{Prefix: "logs/", Tags: []trustgate.Tag{{Key: "keep", Value: "no"}}, And: true},
		ExpirationDays: 30, NoncurrentDays: 7, NewerNoncurrentVersions: 2, AbortUploadDays: 1,
		Transitions: []trustgate.LifecycleTransition{{Days: 30, StorageClass: "STANDARD_IA"}}}, {ID: "legacy", LegacyPrefix: true, ExpirationDate: t0.Truncate(24 * time.Hour).UTC()}}
	maxAge := 3000
	b.CORS = []trustgate.CORSRule{{ID: "uploads", AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "POST"},
		AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: &maxAge}, {AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}}}
	b.ObjectLock = trustgate.BucketObjectLock{Enabled: true, DefaultMode: trustgate.Compliance, DefaultYears: 2}
	empty, docs := "", "docs/"
	b.Website = &trustgate.BucketWebsite{IndexSuffix: "index.html", ErrorKey: "404.html", RoutingRules: []trustgate.WebsiteRoutingRule{
		{Condition: &trustgate.WebsiteCondition{KeyPrefixEquals: &docs}, Redirect: trustgate.WebsiteRedirect{ReplaceKeyPrefixWith: &empty, HTTPRedirectCode: "302"}},
		{Redirect: trustgate.WebsiteRedirect{HostName: "example.com", Protocol: "https"}}}}
	b.Logging = &trustgate.BucketLogging{TargetBucket: "logs", TargetPrefix: "sunsets/", KeyFormat: trustgate.PartitionedPrefix, PartitionDateSource: "DeliveryTime"}
	priority := 2
	b.Replication = &trustgate.BucketReplication{Role: "arn:aws:iam::111111111111:role/replication", Rules: []trustgate.ReplicationRule{
		{ID: "photos", Enabled: true, Priority: &priority, DeleteMarkers: "Enabled", Filter: trustgate.ObjectFilter{Prefix: "photos/", Named: []string{"Prefix"}},
			Destination: trustgate.ReplicationDestination{Bucket: "sunsets-copy", Account: "222222222222", OwnerOverride: true, StorageClass: "STANDARD_IA",
				ReplicationTime: "Enabled", ReplicationTimeMinutes: 15, Metrics: "Enabled", MetricsMinutes: 15}},
		{ID: "legacy", LegacyPrefix: true, Destination: trustgate.ReplicationDestination{Bucket: "sunsets-copy"}, SourceSelection: true, ReplicaModifications: "Disabled"}}}
	b.RequesterPays, b.Accelerate, b.ABAC = true, "Suspended", true
	b.Notification = &trustgate.BucketNotification{EventBridge: true, Destinations: []trustgate.NotificationDestination{
		{Kind: "Queue", ID: "uploads", ARN: "arn:aws:sqs:us-east-1:111111111111:uploads", Events: []string{"s3:ObjectCreated:*"}, Prefix: "in/", HasPrefix: true, HasSuffix: true}}}
	if err := s.UpdateBucket(ctx, "sunsets", setBucket(b)); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Bucket(ctx, "sunsets"); err != nil || !reflect.DeepEqual(got, b) {
		t.Errorf("Bucket after UpdateBucket = %+v, %v; want %+v", got, err, b)
	}
	wantErr(t, "UpdateBucket of an unknown bucket", s.UpdateBucket(ctx, "nothing", setBucket(b)), trustgate.ErrNotFound)

	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "a-first", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Buckets(ctx, mgmt)
	if err != nil || len(list) != 2 || list[0].Name != "a-first" || list[1].Name != "sunsets" {
		t.Errorf("Buckets = %v, %v; want a-first, sunsets", list, err)
	}

	if _, err := s.PutObject(ctx, &trustgate.Object{Bucket: "sunsets", Key: "k", Blob: "b1", LastModified: t0}, trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.DeleteBucket(ctx, "sunsets")
	wantErr(t, "DeleteBucket while it holds an object", err, trustgate.ErrConflict)
	if _, err := s.DeleteObject(ctx, "sunsets", "k", trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteBucket(ctx, "sunsets"); err != nil {
		t.Errorf("DeleteBucket of an empty bucket: %v", err)
	}
	_, err = s.DeleteBucket(ctx, "sunsets")
	wantErr(t, "DeleteBucket twice", err, trustgate.ErrNotFound)
}

func testObjects(t *testing.T, s store.Store) {
	seed(t, s)
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "photos", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	o := &trustgate.Object{Bucket: "photos", Key: "2026/Sunset.jpg", Size: 5, ETag: `"abc"`, ContentType: "image/jpeg", LastModified: t0,
		Metadata: map[string]string{"camera": "x100"}, Headers: map[string]string{"Cache-Control": "no-cache"}, Blob: "blob-1",
		Tags: []trustgate.Tag{{Key: "project", Value: "x"}}, PartSizes: []int64{3, 2}, PartChecksums: []string{"AAAAAA==", "AAAAAQ=="}}
	replaced, err := s.PutObject(ctx, o, trustgate.WriteCondition{})
	if err != nil || replaced != nil {
		t.Fatalf("PutObject = %v, %v; want no replaced object", replaced, err)
	}
	got, err := s.Object(ctx, "photos", "2026/Sunset.jpg")
	if err != nil || !reflect.DeepEqual(got, o) {
		t.Errorf("Object = %+v, %v; want %+v", got, err, o)
	}
	tags := []trustgate.Tag{{Key: "classification", Value: "public"}, {Key: "project", Value: "y"}}
	if err := s.SetObjectTags(ctx, "photos", "2026/Sunset.jpg", trustgate.NullVersion, tags); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Object(ctx, "photos", "2026/Sunset.jpg"); got == nil || !reflect.DeepEqual(got.Tags, tags) {
		t.Errorf("tags after SetObjectTags = %+v; want %+v", got, tags)
	}
	wantErr(t, "SetObjectTags(unknown key)", s.SetObjectTags(ctx, "photos", "nope", trustgate.NullVersion, tags), trustgate.ErrNotFound)
	second := *o
	second.Blob, second.Size = "blob-2", 7
	replaced, err = s.PutObject(ctx, &second, trustgate.WriteCondition{})
	if err != nil || replaced == nil || replaced.Blob != "blob-1" {
		t.Errorf("PutObject over an object = %+v, %v; want the first, for its blob", replaced, err)
	}
	// Conditional writes: the object there is "abc", blob-2.
	third := second
	third.Blob = "blob-3"
	for _, c := range []struct {
		name string
		cond trustgate.WriteCondition
		want error
	}{
		{"If-None-Match over an object", trustgate.WriteCondition{IfNoneMatch: true}, trustgate.ErrPrecondition},
		{"If-Match of another ETag", trustgate.WriteCondition{IfMatch: `"other"`}, trustgate.ErrPrecondition},
	} {
		_, err := s.PutObject(ctx, &third, c.cond)
		wantErr(t, "PutObject "+c.name, err, c.want)
	}
	if got, _ := s.Object(ctx, "photos", "2026/Sunset.jpg"); got == nil || got.Blob != "blob-2" {
		t.Errorf("object after refused conditional writes = %+v; want blob-2 still", got)
	}
	if replaced, err := s.PutObject(ctx, &third, trustgate.WriteCondition{IfMatch: `"abc"`}); err != nil || replaced == nil || replaced.Blob != "blob-2" {
		t.Errorf("PutObject If-Match of its ETag = %+v, %v; want blob-2 replaced", replaced, err)
	}
	fresh := trustgate.Object{Bucket: "photos", Key: "2026/new.jpg", Blob: "blob-new", LastModified: t0}
	_, err = s.PutObject(ctx, &fresh, trustgate.WriteCondition{IfMatch: `"abc"`})
	wantErr(t, "PutObject If-Match of no object", err, trustgate.ErrNoObject)
	if _, err := s.PutObject(ctx, &fresh, trustgate.WriteCondition{IfNoneMatch: true}); err != nil {
		t.Errorf("PutObject If-None-Match of no object: %v", err)
	}
	if _, err := s.DeleteObject(ctx, "photos", fresh.Key, trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutObject(ctx, &second, trustgate.WriteCondition{}); err != nil { // as the checks below expect
		t.Fatal(err)
	}

	// A small body kept in the record comes back with Object, not with
	// listings, which would otherwise carry every body they list.
	small := &trustgate.Object{Bucket: "photos", Key: "2026/small.txt", Size: 5, ETag: `"e"`, LastModified: t0,
		Metadata: map[string]string{}, Headers: map[string]string{}, Inline: []byte("hello")}
	if _, err := s.PutObject(ctx, small, trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Object(ctx, "photos", "2026/small.txt"); err != nil || !reflect.DeepEqual(got, small) {
		t.Errorf("Object of an inline body = %+v, %v; want %+v", got, err, small)
	}
	if list, err := s.Objects(ctx, "photos", "2026/small", "", 10); err != nil || len(list) != 1 || list[0].Inline != nil || list[0].Size != 5 {
		t.Errorf("Objects = %+v, %v; want the small object without its body", list, err)
	}
	if deleted, err := s.DeleteObject(ctx, "photos", "2026/small.txt", trustgate.WriteCondition{}); err != nil || deleted.Blob != "" {
		t.Errorf("DeleteObject of an inline body = %+v, %v", deleted, err)
	}
	_, err = s.PutObject(ctx, &trustgate.Object{Bucket: "nothing", Key: "k", Blob: "b"}, trustgate.WriteCondition{})
	wantErr(t, "PutObject into an unknown bucket", err, trustgate.ErrNotFound)
	_, err = s.Object(ctx, "photos", "2026/sunset.jpg")
	wantErr(t, "Object keys are case-sensitive", err, trustgate.ErrNotFound)

	for _, k := range []string{"2026/a.jpg", "2026/b/c.jpg", "2027/d.jpg", "2026\xff", "readme"} {
		if _, err := s.PutObject(ctx, &trustgate.Object{Bucket: "photos", Key: k, Blob: "b-" + k, LastModified: t0}, trustgate.WriteCondition{}); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(prefix, after string, limit int) []string {
		t.Helper()
		list, err := s.Objects(ctx, "photos", prefix, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range list {
			out = append(out, o.Key)
		}
		return out
	}
	for _, c := range []struct {
		prefix, after string
		limit         int
		want          []string
	}{
		{"", "", 100, []string{"2026/Sunset.jpg", "2026/a.jpg", "2026/b/c.jpg", "2026\xff", "2027/d.jpg", "readme"}},
		{"2026/", "", 100, []string{"2026/Sunset.jpg", "2026/a.jpg", "2026/b/c.jpg"}},
		{"2026/", "2026/a.jpg", 100, []string{"2026/b/c.jpg"}},
		{"", "2026/Sunset.jpg", 2, []string{"2026/a.jpg", "2026/b/c.jpg"}},
		{"2026", "2026/b/c.jpg", 100, []string{"2026\xff"}},
		{"z", "", 100, nil},
	} {
		if got := keys(c.prefix, c.after, c.limit); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Objects(prefix %q, after %q, %d) = %q, want %q", c.prefix, c.after, c.limit, got, c.want)
		}
	}

	if in, err := s.BlobsInUse(ctx); err != nil || !in["blob-2"] || !in["b-readme"] || in["blob-1"] || in[""] {
		t.Errorf("BlobsInUse = %v, %v; want blob-2 and b-readme, not the replaced blob-1", in, err)
	}
	_, err = s.DeleteObject(ctx, "photos", "readme", trustgate.WriteCondition{IfMatch: `"not-its-etag"`})
	wantErr(t, "DeleteObject of another ETag", err, trustgate.ErrPrecondition)
	if _, err := s.Object(ctx, "photos", "readme"); err != nil {
		t.Errorf("the object a refused DeleteObject named: %v", err)
	}
	deleted, err := s.DeleteObject(ctx, "photos", "readme", trustgate.WriteCondition{IfMatch: "*"})
	if err != nil || deleted.Blob != "b-readme" {
		t.Errorf("DeleteObject = %+v, %v", deleted, err)
	}
	_, err = s.DeleteObject(ctx, "photos", "readme", trustgate.WriteCondition{})
	wantErr(t, "DeleteObject twice", err, trustgate.ErrNotFound)
	_, err = s.DeleteObject(ctx, "photos", "readme", trustgate.WriteCondition{IfMatch: `"e"`})
	wantErr(t, "DeleteObject If-Match of no object", err, trustgate.ErrNoObject)
}

func testMultipart(t *testing.T, s store.Store) {
	seed(t, s)
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "videos", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	u := &trustgate.Upload{ID: "up-1", Bucket: "videos", Key: "film.mp4", Account: mgmt, Initiator: "arn:aws:iam::" + mgmt + ":root",
		Initiated: t0, ContentType: "video/mp4", Metadata: map[string]string{"take": "3"}, Headers: map[string]string{},
		ChecksumAlgorithm: "CRC32", ChecksumType: "COMPOSITE"}
	if err := s.CreateUpload(ctx, u); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateUpload in an unknown bucket", s.CreateUpload(ctx, &trustgate.Upload{ID: "up-x", Bucket: "nothing", Initiated: t0}), trustgate.ErrNotFound)
	if got, err := s.Upload(ctx, "videos", "up-1"); err != nil || !reflect.DeepEqual(got, u) {
		t.Errorf("Upload = %+v, %v; want %+v", got, err, u)
	}
	_, err := s.Upload(ctx, "other", "up-1")
	wantErr(t, "Upload of another bucket", err, trustgate.ErrNotFound)
	for _, n := range []int{2, 1} {
		if _, err := s.PutPart(ctx, &trustgate.Part{UploadID: "up-1", Number: n, Size: 5, ETag: `"e"`, Blob: fmt.Sprintf("p%d", n), LastModified: t0}); err != nil {
			t.Fatal(err)
		}
	}
	replaced, err := s.PutPart(ctx, &trustgate.Part{UploadID: "up-1", Number: 2, Size: 6, ETag: `"f"`, Checksum: "AAAAAQ==", Blob: "p2b", LastModified: t0})
	if err != nil || replaced == nil || replaced.Blob != "p2" {
		t.Errorf("PutPart over part 2 = %+v, %v; want the first, for its blob", replaced, err)
	}
	_, err = s.PutPart(ctx, &trustgate.Part{UploadID: "nothing", Number: 1})
	wantErr(t, "PutPart of an unknown upload", err, trustgate.ErrNotFound)
	parts, err := s.Parts(ctx, "up-1")
	if err != nil || len(parts) != 2 || parts[0].Number != 1 || parts[1].Blob != "p2b" || parts[1].Checksum != "AAAAAQ==" {
		t.Errorf("Parts = %+v, %v", parts, err)
	}

	_, ended, err := s.CompleteUpload(ctx, "up-1", &trustgate.Object{Bucket: "videos", Key: "film.mp4", Size: 11, Blob: "whole", LastModified: t0}, trustgate.WriteCondition{})
	if err != nil || len(ended) != 2 {
		t.Fatalf("CompleteUpload = %v parts, %v", len(ended), err)
	}
	if o, err := s.Object(ctx, "videos", "film.mp4"); err != nil || o.Blob != "whole" {
		t.Errorf("the completed object = %+v, %v", o, err)
	}
	_, _, err = s.CompleteUpload(ctx, "up-1", &trustgate.Object{Bucket: "videos", Key: "film.mp4", Blob: "again"}, trustgate.WriteCondition{})
	wantErr(t, "CompleteUpload twice", err, trustgate.ErrNotFound)
	if o, _ := s.Object(ctx, "videos", "film.mp4"); o == nil || o.Blob != "whole" {
		t.Errorf("a failed CompleteUpload changed the object: %+v", o)
	}

	if err := s.CreateUpload(ctx, &trustgate.Upload{ID: "up-2", Bucket: "videos", Key: "k", Initiated: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPart(ctx, &trustgate.Part{UploadID: "up-2", Number: 1, Blob: "q1", LastModified: t0}); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Uploads(ctx, "videos"); err != nil || len(list) != 1 || list[0].ID != "up-2" {
		t.Errorf("Uploads = %v, %v", list, err)
	}
	aborted, err := s.AbortUpload(ctx, "up-2")
	if err != nil || len(aborted) != 1 || aborted[0].Blob != "q1" {
		t.Errorf("AbortUpload = %+v, %v", aborted, err)
	}
	_, err = s.AbortUpload(ctx, "up-2")
	wantErr(t, "AbortUpload twice", err, trustgate.ErrNotFound)

	// Deleting the bucket ends the uploads in progress in it, whose parts
	// it returns, for their blobs.
	if err := s.CreateUpload(ctx, &trustgate.Upload{ID: "up-3", Bucket: "videos", Key: "k", Initiated: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPart(ctx, &trustgate.Part{UploadID: "up-3", Number: 1, Blob: "r1", LastModified: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteObject(ctx, "videos", "film.mp4", trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	aborted, err = s.DeleteBucket(ctx, "videos")
	if err != nil || len(aborted) != 1 || aborted[0].Blob != "r1" {
		t.Errorf("DeleteBucket with an upload in progress = %+v, %v; want the upload's part", aborted, err)
	}
	_, err = s.Upload(ctx, "videos", "up-3")
	wantErr(t, "Upload of a deleted bucket's upload", err, trustgate.ErrNotFound)
}

// setBucket is an UpdateBucket change that makes a bucket's fields b's.
func setBucket(b *trustgate.Bucket) func(*trustgate.Bucket) error {
	return func(cur *trustgate.Bucket) error {
		cur.Policy, cur.PublicAccessBlock, cur.Tags, cur.Encryption, cur.CORS = b.Policy, b.PublicAccessBlock, b.Tags, b.Encryption, b.CORS
		cur.Versioning, cur.MFADelete, cur.Lifecycle, cur.LifecycleMinimumSize = b.Versioning, b.MFADelete, b.Lifecycle, b.LifecycleMinimumSize
		cur.ObjectLock, cur.Website, cur.Logging, cur.Replication, cur.RequesterPays, cur.Accelerate = b.ObjectLock, b.Website, b.Logging, b.Replication, b.RequesterPays, b.Accelerate
		cur.Notification, cur.ABAC = b.Notification, b.ABAC
		return nil
	}
}

// testAccountPublicAccessBlock: an account has no Block Public Access of
// its own until one is set, and none once it is removed.
func testAccountPublicAccessBlock(t *testing.T, s store.Store) {
	seed(t, s)
	if pab, err := s.AccountPublicAccessBlock(ctx, mgmt); err != nil || pab != nil {
		t.Errorf("AccountPublicAccessBlock of a new account = %+v, %v; want none", pab, err)
	}
	want := trustgate.PublicAccessBlock{BlockPublicPolicy: true, RestrictPublicBuckets: true, Set: true}
	if err := s.SetAccountPublicAccessBlock(ctx, mgmt, &want); err != nil {
		t.Fatal(err)
	}
	if pab, err := s.AccountPublicAccessBlock(ctx, mgmt); err != nil || pab == nil || *pab != want {
		t.Errorf("AccountPublicAccessBlock = %+v, %v; want %+v", pab, err, want)
	}
	if err := s.SetAccountPublicAccessBlock(ctx, mgmt, nil); err != nil {
		t.Fatal(err)
	}
	if pab, err := s.AccountPublicAccessBlock(ctx, mgmt); err != nil || pab != nil {
		t.Errorf("AccountPublicAccessBlock once removed = %+v, %v; want none", pab, err)
	}
	_, err := s.AccountPublicAccessBlock(ctx, "999999999999")
	wantErr(t, "AccountPublicAccessBlock of an unknown account", err, trustgate.ErrNotFound)
	wantErr(t, "SetAccountPublicAccessBlock of an unknown account", s.SetAccountPublicAccessBlock(ctx, "999999999999", &want), trustgate.ErrNotFound)
}

// testAccessPoints: an access point is found by its account and name or
// by its alias alone; names are an account's own, aliases everyone's.
func testAccessPoints(t *testing.T, s store.Store) {
	seed(t, s)
	const other = "222222222222"
	if err := s.CreateAccount(ctx, &trustgate.Account{ID: other, Name: "other", Email: "other@example.com", Status: "ACTIVE", JoinedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "data", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	ap := &trustgate.AccessPoint{Account: mgmt, Name: "reports", Region: "us-east-1", Bucket: "data", BucketAccount: mgmt,
		Alias: "reports-abcdefghijklmnopqrstuvwxyz0123456-s3alias", PublicAccessBlock: trustgate.BlockAll, CreatedAt: t0}
	if err := s.CreateAccessPoint(ctx, ap); err != nil {
		t.Fatal(err)
	}
	vpc := &trustgate.AccessPoint{Account: mgmt, Name: "internal", Region: "us-east-1", Bucket: "data", BucketAccount: mgmt,
		Alias: "internal-abcdefghijklmnopqrstuvwxyz01234-s3alias", VpcID: "vpc-1a2b3c4d", CreatedAt: t0}
	if err := s.CreateAccessPoint(ctx, vpc); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccessPoint(ctx, mgmt, "reports")
	if err != nil || !reflect.DeepEqual(got, ap) {
		t.Errorf("AccessPoint = %+v, %v; want %+v", got, err, ap)
	}
	if got, err := s.AccessPointByAlias(ctx, vpc.Alias); err != nil || !reflect.DeepEqual(got, vpc) {
		t.Errorf("AccessPointByAlias = %+v, %v; want %+v", got, err, vpc)
	}
	same := *ap
	same.Alias = "reports-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-s3alias"
	wantErr(t, "CreateAccessPoint of a name the account has", s.CreateAccessPoint(ctx, &same), trustgate.ErrConflict)
	elsewhere := same
	elsewhere.Account = other
	if err := s.CreateAccessPoint(ctx, &elsewhere); err != nil {
		t.Errorf("CreateAccessPoint of another account's name: %v", err)
	}
	taken := elsewhere
	taken.Name = "copied"
	wantErr(t, "CreateAccessPoint of a taken alias", s.CreateAccessPoint(ctx, &taken), trustgate.ErrConflict)
	unknown := *ap
	unknown.Account, unknown.Alias = "999999999999", "unknown-s3alias"
	wantErr(t, "CreateAccessPoint in an unknown account", s.CreateAccessPoint(ctx, &unknown), trustgate.ErrNotFound)
	nowhere := *ap
	nowhere.Name, nowhere.Bucket, nowhere.Alias = "nowhere", "missing", "nowhere-s3alias"
	wantErr(t, "CreateAccessPoint for an unknown bucket", s.CreateAccessPoint(ctx, &nowhere), trustgate.ErrNotFound)
	mislabelled := *ap
	mislabelled.Name, mislabelled.BucketAccount, mislabelled.Alias = "mislabelled", other, "mislabelled-s3alias"
	wantErr(t, "CreateAccessPoint naming another owner of its bucket", s.CreateAccessPoint(ctx, &mislabelled), trustgate.ErrNotFound)

	const doc = `{"Version":"2012-10-17","Statement":[]}`
	tags := []trustgate.Tag{{Key: "team", Value: "data"}}
	if err := s.UpdateAccessPoint(ctx, mgmt, "reports", func(cur *trustgate.AccessPoint) error {
		cur.Policy, cur.Tags = doc, tags
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessPoint(ctx, mgmt, "reports"); err != nil || got.Policy != doc || !reflect.DeepEqual(got.Tags, tags) {
		t.Errorf("policy and tags once set = %+v, %v", got, err)
	}
	wantErr(t, "UpdateAccessPoint of an unknown access point", s.UpdateAccessPoint(ctx, other, "reports-x", func(*trustgate.AccessPoint) error { return nil }), trustgate.ErrNotFound)

	list, err := s.AccessPoints(ctx, mgmt)
	if err != nil || len(list) != 2 || list[0].Name != "internal" || list[1].Name != "reports" {
		t.Errorf("AccessPoints = %v, %v; want internal and reports", list, err)
	}
	_, err = s.DeleteBucket(ctx, "data")
	wantErr(t, "DeleteBucket with access points", err, trustgate.ErrAccessPointsAttached)
	if err := s.DeleteAccessPoint(ctx, mgmt, "reports"); err != nil {
		t.Fatal(err)
	}
	_, err = s.AccessPoint(ctx, mgmt, "reports")
	wantErr(t, "AccessPoint once deleted", err, trustgate.ErrNotFound)
	_, err = s.AccessPointByAlias(ctx, ap.Alias)
	wantErr(t, "AccessPointByAlias once deleted", err, trustgate.ErrNotFound)
	wantErr(t, "DeleteAccessPoint twice", s.DeleteAccessPoint(ctx, mgmt, "reports"), trustgate.ErrNotFound)
	if got, err := s.AccessPoint(ctx, other, "reports"); err != nil || got.Account != other {
		t.Errorf("the other account's access point of the same name = %+v, %v", got, err)
	}
	// Another account's access point to the bucket leaves it free to go.
	for _, left := range []struct{ account, name string }{{mgmt, "internal"}} {
		if err := s.DeleteAccessPoint(ctx, left.account, left.name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeleteBucket(ctx, "data"); err != nil {
		t.Errorf("DeleteBucket once its access points are gone: %v", err)
	}
}

func testBucketConfigurations(t *testing.T, s store.Store) {
	seed(t, s)
	const other = "222222222222"
	if err := s.CreateAccount(ctx, &trustgate.Account{ID: other, Name: "other", Email: "other@example.com", Status: "ACTIVE", JoinedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "data", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	metrics := func(id, doc string) trustgate.BucketConfiguration {
		return trustgate.BucketConfiguration{Kind: "metrics", ID: id, Document: doc}
	}
	const limit = 3
	for _, c := range []trustgate.BucketConfiguration{metrics("b", "<b/>"), metrics("a", "<a/>"), metrics("c", "<c/>"),
		{Kind: "inventory", ID: "a", Document: "<inventory/>"}} {
		if err := s.PutBucketConfiguration(ctx, mgmt, "data", c, limit); err != nil {
			t.Fatalf("PutBucketConfiguration(%s %s): %v", c.Kind, c.ID, err)
		}
	}
	wantErr(t, "PutBucketConfiguration past the limit of its kind", s.PutBucketConfiguration(ctx, mgmt, "data", metrics("d", "<d/>"), limit), trustgate.ErrLimit)
	if err := s.PutBucketConfiguration(ctx, mgmt, "data", metrics("b", "<b2/>"), limit); err != nil {
		t.Errorf("PutBucketConfiguration replacing one at the limit: %v", err)
	}
	wantErr(t, "PutBucketConfiguration by another account", s.PutBucketConfiguration(ctx, other, "data", metrics("x", "<x/>"), limit), trustgate.ErrNotFound)
	wantErr(t, "PutBucketConfiguration to an unknown bucket", s.PutBucketConfiguration(ctx, mgmt, "nowhere", metrics("x", "<x/>"), limit), trustgate.ErrNotFound)

	if got, err := s.BucketConfiguration(ctx, "data", "metrics", "b"); err != nil || *got != metrics("b", "<b2/>") {
		t.Errorf("BucketConfiguration = %+v, %v; want the replaced one", got, err)
	}
	_, err := s.BucketConfiguration(ctx, "data", "analytics", "a")
	wantErr(t, "BucketConfiguration of another kind", err, trustgate.ErrNotFound)
	page, err := s.BucketConfigurations(ctx, "data", "metrics", "", 2)
	if err != nil || len(page) != 2 || page[0].ID != "a" || page[1].ID != "b" {
		t.Errorf("BucketConfigurations first page = %+v, %v; want a and b", page, err)
	}
	page, err = s.BucketConfigurations(ctx, "data", "metrics", "b", 2)
	if err != nil || len(page) != 1 || page[0] != metrics("c", "<c/>") {
		t.Errorf("BucketConfigurations after b = %+v, %v; want c", page, err)
	}

	if err := s.DeleteBucketConfiguration(ctx, "data", "metrics", "a"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteBucketConfiguration again", s.DeleteBucketConfiguration(ctx, "data", "metrics", "a"), trustgate.ErrNotFound)
	if err := s.PutBucketConfiguration(ctx, mgmt, "data", metrics("d", "<d/>"), limit); err != nil {
		t.Errorf("PutBucketConfiguration below the limit again: %v", err)
	}

	// The configurations go with their bucket: a bucket of the name made
	// again has none.
	if _, err := s.DeleteBucket(ctx, "data"); err != nil {
		t.Fatalf("DeleteBucket with configurations: %v", err)
	}
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "data", Account: other, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if page, err := s.BucketConfigurations(ctx, "data", "metrics", "", 10); err != nil || len(page) != 0 {
		t.Errorf("BucketConfigurations of the bucket made again = %+v, %v; want none", page, err)
	}
}
