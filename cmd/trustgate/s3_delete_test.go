package main

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Note 71: a delete that names an ETag (DeleteObject's If-Match, a
// DeleteObjects key's ETag) removes only the object of that ETag.
func TestS3ConditionalDeletes(t *testing.T) {
	_, c, bucket := withBucket(t, "guarded-deletes")
	ctx := t.Context()
	put(t, c, "guarded-deletes", "a.txt", "first")
	put(t, c, "guarded-deletes", "b.txt", "second")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	exists := func(key string) bool {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String(key)})
		return err == nil
	}

	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), IfMatch: aws.String(`"0123456789abcdef0123456789abcdef"`)})
	wantAPIError(t, "DeleteObject If-Match of another ETag", err, "PreconditionFailed", "pre-conditions")
	if !exists("a.txt") {
		t.Fatal("a DeleteObject whose If-Match failed deleted its object")
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("missing.txt"), IfMatch: head.ETag})
	wantAPIError(t, "DeleteObject If-Match of a missing key", err, "NoSuchKey", "")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("a.txt"), IfMatch: head.ETag}); err != nil || exists("a.txt") {
		t.Errorf("DeleteObject If-Match of its ETag: %v, still there %v", err, exists("a.txt"))
	}

	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("b.txt"), ETag: aws.String(`"0123456789abcdef0123456789abcdef"`)}}}})
	if err != nil || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "PreconditionFailed" || len(out.Deleted) != 0 || !exists("b.txt") {
		t.Errorf("DeleteObjects of a key with another ETag = %+v, %v; want PreconditionFailed and the object kept", out, err)
	}

	// A delete naming a version, null or another, holds to the
	// condition too: it would remove the version for good (note 75).
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("b.txt"), VersionId: aws.String("null"), IfMatch: aws.String(`"0123456789abcdef0123456789abcdef"`)})
	wantAPIError(t, "DeleteObject of version null, If-Match of another ETag", err, "PreconditionFailed", "pre-conditions")
	if !exists("b.txt") {
		t.Fatal("a DeleteObject of version null whose If-Match failed deleted its object")
	}
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("b.txt"), Body: strings.NewReader("third")})
	if err != nil {
		t.Fatal(err)
	}
	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("b.txt"), VersionId: v.VersionId, ETag: aws.String(`"0123456789abcdef0123456789abcdef"`)}}}})
	if err != nil || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "PreconditionFailed" {
		t.Errorf("DeleteObjects of a version with another ETag = %+v, %v; want PreconditionFailed", out, err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("b.txt"), VersionId: v.VersionId, IfMatch: v.ETag}); err != nil {
		t.Errorf("DeleteObject of a version, If-Match of its ETag: %v", err)
	}
	if body, err := get(t, c, "guarded-deletes", "b.txt"); err != nil || body != "second" {
		t.Errorf("b.txt after its newest version was deleted = %q, %v; want the null version back", body, err)
	}
}

// Note 59: a configuration S3 requires is refused when its body is
// empty, rather than taken as one that sets nothing: an empty
// PutPublicAccessBlock would turn Block Public Access off, an empty
// tagging remove every tag.
func TestS3EmptyDocuments(t *testing.T) {
	ts, c, bucket := withBucket(t, "documents")
	put(t, c, "documents", "a.txt", "x")
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	for _, path := range []string{"/documents?publicAccessBlock", "/documents?tagging", "/documents/a.txt?tagging"} {
		if status, body := ts.send(t, root, "s3", http.MethodPut, path, "", ""); status != http.StatusBadRequest || !strings.Contains(body, "MissingRequestBodyError") {
			t.Errorf("PUT %s with no body = %d %s; want 400 MissingRequestBodyError", path, status, body)
		}
	}
	pab, err := c.GetPublicAccessBlock(t.Context(), &s3.GetPublicAccessBlockInput{Bucket: bucket})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy) {
		t.Errorf("Block Public Access after the refused PUT = %+v, %v; want it still on", pab, err)
	}
}

// Requests that look like others: an empty x-amz-copy-source is a copy
// of nothing, refused, never a write of an empty body over the object;
// a DeleteObjects or CreateBucket document must be of its own element;
// ListMultipartUploads takes only the encodings the other listings do.
func TestS3MisshapenRequests(t *testing.T) {
	ts, c, bucket := withBucket(t, "misshapen")
	put(t, c, "misshapen", "keep.txt", "precious")
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	h := http.Header{"X-Amz-Copy-Source": {""}}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/misshapen/keep.txt", h, ""); status != 400 ||
		!strings.Contains(body, "Copy Source must mention the source bucket and key") {
		t.Errorf("PUT with an empty x-amz-copy-source = %d %s", status, body)
	}
	if head, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("keep.txt")}); err != nil || aws.ToInt64(head.ContentLength) != 8 {
		t.Errorf("the object after a refused copy = %+v, %v; want it as it was", head, err)
	}
	wrongRoot := `<Foo><Object><Key>keep.txt</Key></Object></Foo>`
	h = http.Header{"Content-Md5": {md5Base64(wrongRoot)}}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPost, "/misshapen?delete", h, wrongRoot); status != 400 || !strings.Contains(body, "MalformedXML") {
		t.Errorf("DeleteObjects of another element = %d %s", status, body)
	}
	if status, body := ts.send(t, root, "s3", http.MethodGet, "/misshapen?uploads&encoding-type=foo", "", ""); status != 400 ||
		!strings.Contains(body, "Invalid Encoding Method specified in Request") {
		t.Errorf("ListMultipartUploads with encoding-type foo = %d %s", status, body)
	}
}

// md5Base64 is a body's Content-MD5.
func md5Base64(body string) string {
	sum := md5.Sum([]byte(body))
	return base64.StdEncoding.EncodeToString(sum[:])
}
