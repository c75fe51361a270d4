package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Note 72: names S3 cannot read are refused as S3 refuses them, where
// they were once taken as something else: a key that is not UTF-8, a
// copy source whose encoding is broken, a continuation token never
// handed out, a tag without its value.
func TestS3UnreadableNames(t *testing.T) {
	ts, c, bucket := withBucket(t, "names")
	ctx := t.Context()
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	put(t, c, "names", "a", "1")
	put(t, c, "names", "b", "2")
	put(t, c, "names", "c", "3")

	for _, method := range []string{http.MethodPut, http.MethodGet} {
		status, body := ts.send(t, root, "s3", method, "/names/h%FF", "", "")
		if status != 400 || !strings.Contains(body, "<Code>InvalidURI</Code>") {
			t.Errorf("%s of a key that is not UTF-8 = %d %s; want 400 InvalidURI", method, status, body)
		}
	}
	if status, _ := ts.send(t, root, "s3", http.MethodHead, "/names/h%FF", "", ""); status != 400 {
		t.Errorf("HEAD of a key that is not UTF-8 = %d; want 400", status)
	}
	if status, body := ts.send(t, root, "s3", http.MethodPut, "/names/caf%C3%A9", "", "x"); status != 200 {
		t.Errorf("PUT of a UTF-8 key = %d %s", status, body)
	}

	for _, source := range []string{"names/%%%%", "names/h%FF", "names/a%2"} {
		status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/names/copy", http.Header{"X-Amz-Copy-Source": {source}}, "")
		if status != 400 || !strings.Contains(body, "<Code>InvalidArgument</Code>") || !strings.Contains(body, "Invalid copy source encoding") {
			t.Errorf("CopyObject from %q = %d %s; want 400 InvalidArgument", source, status, body)
		}
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy"), CopySource: aws.String("names/caf%C3%A9")}); err != nil {
		t.Errorf("CopyObject from a UTF-8 key: %v", err)
	}

	// A token is what a listing handed out, or an error: not a key to
	// start after.
	page, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(1)})
	if err != nil || page.NextContinuationToken == nil {
		t.Fatalf("ListObjectsV2 of one key = %+v, %v; want a next page", page, err)
	}
	next, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(1), ContinuationToken: page.NextContinuationToken})
	if err != nil || len(next.Contents) != 1 || aws.ToString(next.Contents[0].Key) != "b" {
		t.Errorf("ListObjectsV2 at the token it gave = %+v, %v; want b", next, err)
	}
	for _, token := range []string{"aWrongToken2", "Yg", strings.TrimSuffix(*page.NextContinuationToken, "A") + "B", "%%"} {
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, ContinuationToken: aws.String(token)})
		wantAPIError(t, "ListObjectsV2 at the token "+token, err, "InvalidArgument", "The continuation token provided is incorrect")
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("names-2")}); err != nil {
		t.Fatal(err)
	}
	buckets, err := c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)})
	if err != nil || buckets.ContinuationToken == nil {
		t.Fatalf("ListBuckets of one = %+v, %v; want a next page", buckets, err)
	}
	if more, err := c.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: buckets.ContinuationToken}); err != nil || len(more.Buckets) != 1 {
		t.Errorf("ListBuckets at the token it gave = %+v, %v; want one bucket", more, err)
	}
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: aws.String("bmFtZXM")}) // "names", as a bare key
	wantAPIError(t, "ListBuckets at a token it never gave", err, "InvalidArgument", "The continuation token provided is incorrect")

	// A Tag names both its Key and its Value; an empty Value is one.
	for _, c := range []struct{ path, tag string }{
		{"/names?tagging", "<Key>team</Key>"},
		{"/names?tagging", "<Value>ops</Value>"},
		{"/names/a?tagging", "<Key>team</Key>"},
	} {
		doc := "<Tagging><TagSet><Tag>" + c.tag + "</Tag></TagSet></Tagging>"
		if status, body := ts.send(t, root, "s3", http.MethodPut, c.path, "", doc); status != 400 || !strings.Contains(body, "<Code>MalformedXML</Code>") {
			t.Errorf("PUT %s of a Tag of only %s = %d %s; want 400 MalformedXML", c.path, c.tag, status, body)
		}
	}
	if status, body := ts.send(t, root, "s3", http.MethodPut, "/names/a?tagging", "", "<Tagging><TagSet><Tag><Key>team</Key><Value/></Tag></TagSet></Tagging>"); status != 200 {
		t.Errorf("PutObjectTagging of an empty Value = %d %s", status, body)
	}
	if strings.Contains(ts.Logs.String(), `"status":500`) {
		t.Errorf("the server failed:\n%s", ts.Logs.String())
	}
}

// Versioning and lifecycle documents, version ids and version markers
// that no client would send are refused with S3's errors, never a 500
// (notes 75 and 76).
func TestS3VersionsAndRulesBadInput(t *testing.T) {
	ts, _, _ := withBucket(t, "odd-input")
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	put(t, ts.rootS3(), "odd-input", "a", "1")
	rule := func(inner string) string {
		return "<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><Prefix/></Filter>" + inner + "</Rule></LifecycleConfiguration>"
	}
	for _, bad := range []struct{ method, path, body, code string }{
		{http.MethodPut, "/odd-input?versioning", "<VersioningConfiguration><Status>Enabled</Status>", "MalformedXML"},
		{http.MethodPut, "/odd-input?versioning", "<Versioning><Status>Enabled</Status></Versioning>", "MalformedXML"},
		{http.MethodPut, "/odd-input?versioning", "<VersioningConfiguration><MfaDelete>Maybe</MfaDelete><Status>Enabled</Status></VersioningConfiguration>", "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", "not xml at all", "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Days>abc</Days></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Days>99999999999999999999</Days></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Date>tomorrow</Date></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Transition><StorageClass>GLACIER</StorageClass></Transition>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<NoncurrentVersionExpiration></NoncurrentVersionExpiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>"), "InvalidArgument"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>-1</DaysAfterInitiation></AbortIncompleteMultipartUpload>"), "InvalidArgument"},
		{http.MethodPut, "/odd-input?lifecycle", "<LifecycleConfiguration><Rule><Status>Enabled</Status><Prefix/><Filter><Prefix/></Filter><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", "<LifecycleConfiguration><Rule><ID>" + strings.Repeat("r", 256) + "</ID><Status>Enabled</Status><Prefix/><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidArgument"},
		{http.MethodPut, "/odd-input?lifecycle", "<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><Prefx>logs/</Prefx></Filter><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Dayz>1</Dayz></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", "<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><Prefix>logs/</Prefix><Prefix></Prefix></Filter><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Days>30</Days></Expiration><Expiration><Days>1</Days></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", "<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><ObjectSizeLessThan>0</ObjectSizeLessThan></Filter><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>", "InvalidRequest"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<Expiration><Days>3000000000</Days></Expiration>"), "MalformedXML"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<NoncurrentVersionTransition><NoncurrentDays>40</NoncurrentDays><NewerNoncurrentVersions>-4</NewerNoncurrentVersions><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>"), "InvalidArgument"},
		{http.MethodPut, "/odd-input?lifecycle", rule("<NoncurrentVersionTransition><NoncurrentDays>7</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>"), "InvalidArgument"},
		{http.MethodGet, "/odd-input/a?versionId=" + strings.Repeat("v", 2000), "", "InvalidArgument"},
		{http.MethodGet, "/odd-input/a?versionId=%FF%FE", "", "InvalidArgument"},
		{http.MethodDelete, "/odd-input/a?versionId=nope", "", "InvalidArgument"},
		{http.MethodGet, "/odd-input?versions&key-marker=a&version-id-marker=nope", "", "InvalidArgument"},
		{http.MethodGet, "/odd-input?versions&max-keys=-1", "", "InvalidArgument"},
		{http.MethodGet, "/odd-input?versions&encoding-type=base64", "", "InvalidArgument"},
	} {
		status, body := ts.send(t, root, "s3", bad.method, bad.path, "", bad.body)
		if status != 400 || !strings.Contains(body, "<Code>"+bad.code+"</Code>") {
			t.Errorf("%s %.80s with %.120q = %d %s; want 400 %s", bad.method, bad.path, bad.body, status, body, bad.code)
		}
	}
	if strings.Contains(ts.Logs.String(), `"status":500`) {
		t.Errorf("the server failed:\n%s", ts.Logs.String())
	}
}
