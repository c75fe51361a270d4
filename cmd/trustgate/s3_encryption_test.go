package main

import (
	"crypto/md5"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// customerKey is an SSE-C key as the SDKs send it: the key and its MD5,
// base64.
func customerKey() (key, keyMD5 *string) {
	raw := []byte("0123456789abcdef0123456789abcdef")
	sum := md5.Sum(raw)
	return aws.String(base64.StdEncoding.EncodeToString(raw)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))
}

// encryptionOf reads a bucket's default encryption rule.
func encryptionOf(t *testing.T, c *s3.Client, bucket *string) s3types.ServerSideEncryptionRule {
	t.Helper()
	got, err := c.GetBucketEncryption(t.Context(), &s3.GetBucketEncryptionInput{Bucket: bucket})
	if err != nil || got.ServerSideEncryptionConfiguration == nil || len(got.ServerSideEncryptionConfiguration.Rules) != 1 {
		t.Fatalf("GetBucketEncryption = %+v, %v; want one rule", got, err)
	}
	return got.ServerSideEncryptionConfiguration.Rules[0]
}

// blocked is the rule's BlockedEncryptionTypes, joined.
func blocked(r s3types.ServerSideEncryptionRule) string {
	if r.BlockedEncryptionTypes == nil {
		return "<none>"
	}
	var types []string
	for _, e := range r.BlockedEncryptionTypes.EncryptionType {
		types = append(types, string(e))
	}
	return strings.Join(types, ",")
}

// Note 68: a new bucket encrypts with SSE-S3 and blocks SSE-C; a default
// of SSE-KMS set with PutBucketEncryption is what every object written
// without asking for an encryption gets, whichever write makes it.
func TestS3BucketEncryption(t *testing.T) {
	_, c, bucket := withBucket(t, "sealed")
	ctx := t.Context()

	rule := encryptionOf(t, c, bucket)
	if rule.ApplyServerSideEncryptionByDefault == nil || rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 ||
		aws.ToBool(rule.BucketKeyEnabled) || blocked(rule) != "SSE-C" {
		t.Errorf("a new bucket's encryption = %+v, blocked %s; want AES256, no bucket key, SSE-C blocked", rule, blocked(rule))
	}

	kmsKey := "arn:aws:kms:us-east-1:111111111111:key/4f3c9e5a-1b2d-4c6e-8f90-a1b2c3d4e5f6"
	setDefault := func(r s3types.ServerSideEncryptionRule) error {
		_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket,
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{r}}})
		return err
	}
	if err := setDefault(s3types.ServerSideEncryptionRule{BucketKeyEnabled: aws.Bool(true),
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(kmsKey)}}); err != nil {
		t.Fatal(err)
	}
	// A rule that names no BlockedEncryptionTypes leaves SSE-C blocked.
	rule = encryptionOf(t, c, bucket)
	if d := rule.ApplyServerSideEncryptionByDefault; d == nil || d.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms ||
		aws.ToString(d.KMSMasterKeyID) != kmsKey || !aws.ToBool(rule.BucketKeyEnabled) || blocked(rule) != "SSE-C" {
		t.Errorf("the encryption set = %+v, blocked %s; want aws:kms with its key and bucket key, SSE-C still blocked", rule, blocked(rule))
	}

	wantKMS := func(call string, sse s3types.ServerSideEncryption, key *string, bucketKey *bool) {
		t.Helper()
		if sse != s3types.ServerSideEncryptionAwsKms || aws.ToString(key) != kmsKey || !aws.ToBool(bucketKey) {
			t.Errorf("%s names %q, key %q, bucket key %v; want the bucket's aws:kms default", call, sse, aws.ToString(key), aws.ToBool(bucketKey))
		}
	}
	p, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("plain.txt"), Body: strings.NewReader("no encryption asked for")})
	if err != nil {
		t.Fatal(err)
	}
	wantKMS("PutObject", p.ServerSideEncryption, p.SSEKMSKeyId, p.BucketKeyEnabled)
	h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("plain.txt")})
	if err != nil {
		t.Fatal(err)
	}
	wantKMS("HeadObject", h.ServerSideEncryption, h.SSEKMSKeyId, h.BucketKeyEnabled)
	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("sealed/plain.txt")})
	if err != nil {
		t.Fatal(err)
	}
	wantKMS("CopyObject", cp.ServerSideEncryption, cp.SSEKMSKeyId, cp.BucketKeyEnabled)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("parts.bin")})
	if err != nil {
		t.Fatal(err)
	}
	wantKMS("CreateMultipartUpload", up.ServerSideEncryption, up.SSEKMSKeyId, up.BucketKeyEnabled)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("parts.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("one part")})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("parts.bin"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32}}}})
	if err != nil {
		t.Fatal(err)
	}
	wantKMS("CompleteMultipartUpload", done.ServerSideEncryption, done.SSEKMSKeyId, done.BucketKeyEnabled)
	// A KMS key without SSE-KMS asked for is refused (note 52).
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("odd.txt"), Body: strings.NewReader("x"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256, SSEKMSKeyId: aws.String(kmsKey)})
	wantAPIError(t, "PutObject of AES256 with a KMS key", err, "InvalidArgument", "requires HTTP header x-amz-server-side-encryption : aws:kms")
	// A write that asks for an encryption gets it, not the default.
	asked, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("asked.txt"), Body: strings.NewReader("x"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256})
	if err != nil || asked.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || asked.SSEKMSKeyId != nil || aws.ToBool(asked.BucketKeyEnabled) {
		t.Errorf("PutObject asking for AES256 = %+v, %v; want AES256 alone", asked, err)
	}

	// SSE-C is blocked: every write that asks for it is refused once the
	// caller may write, and nothing is written.
	key, keyMD5 := customerKey()
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("customer.txt"), Body: strings.NewReader("x"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "PutObject with SSE-C", err, "AccessDenied",
		`s3:PutObject on resource: "arn:aws:s3:::sealed/customer.txt" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C)`)
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("customer.txt")}); err == nil {
		t.Error("a refused SSE-C PutObject wrote its object")
	}
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("customer.bin"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "CreateMultipartUpload with SSE-C", err, "AccessDenied", "blocked upload requests")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("customer-copy.txt"), CopySource: aws.String("sealed/plain.txt"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "CopyObject with SSE-C", err, "AccessDenied", "s3:CopyObject")

	// Unblocked, SSE-C still needs TLS, which trustgate does not serve.
	if err := setDefault(s3types.ServerSideEncryptionRule{BlockedEncryptionTypes: &s3types.BlockedEncryptionTypes{
		EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeNone}}}); err != nil {
		t.Fatal(err)
	}
	rule = encryptionOf(t, c, bucket)
	if rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 || aws.ToBool(rule.BucketKeyEnabled) || blocked(rule) != "NONE" {
		t.Errorf("the encryption unblocked = %+v, blocked %s; want AES256 and NONE", rule, blocked(rule))
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("customer.txt"), Body: strings.NewReader("x"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "PutObject with SSE-C where it is not blocked", err, "InvalidArgument", "must be made over a secure connection")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("plain.txt"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "GetObject with SSE-C", err, "InvalidArgument", "secure connection")

	// DeleteBucketEncryption goes back to SSE-S3 and leaves the block as
	// it was.
	if err := setDefault(s3types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKmsDsse}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	rule = encryptionOf(t, c, bucket)
	if rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 || blocked(rule) != "NONE" {
		t.Errorf("the encryption after DeleteBucketEncryption = %+v, blocked %s; want AES256, SSE-C as it was", rule, blocked(rule))
	}
	if p, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("after.txt"), Body: strings.NewReader("x")}); err != nil ||
		p.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || p.SSEKMSKeyId != nil {
		t.Errorf("PutObject after DeleteBucketEncryption = %+v, %v; want SSE-S3", p, err)
	}
}

// Note 68: the configurations S3 refuses.
func TestS3BucketEncryptionRefused(t *testing.T) {
	_, c, bucket := withBucket(t, "refusals")
	ctx := t.Context()
	for _, tc := range []struct {
		name      string
		rules     []s3types.ServerSideEncryptionRule
		code, msg string
	}{
		{"no rule", []s3types.ServerSideEncryptionRule{}, "MalformedXML", ""},
		{"two rules", []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}},
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}},
		}, "MalformedXML", ""},
		{"an unknown algorithm", []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: "SSE-KMS"}},
		}, "MalformedXML", ""},
		{"a KMS key for SSE-S3", []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String("alias/mine")}},
		}, "InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"},
		{"an unknown encryption type to block", []s3types.ServerSideEncryptionRule{
			{BlockedEncryptionTypes: &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{"SSE-KMS"}}},
		}, "MalformedXML", ""},
	} {
		_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket,
			ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: tc.rules}})
		wantAPIError(t, "PutBucketEncryption with "+tc.name, err, tc.code, tc.msg)
	}
	if rule := encryptionOf(t, c, bucket); rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 || blocked(rule) != "SSE-C" {
		t.Errorf("the encryption after refusals = %+v, blocked %s; want a new bucket's", rule, blocked(rule))
	}
	_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("no-such-bucket-here"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{}}})
	wantAPIError(t, "PutBucketEncryption of a missing bucket", err, "NoSuchBucket", "")
}
