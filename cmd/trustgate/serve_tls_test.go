package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// denyInsecureTransport is the bucket policy AWS's security guidance
// puts on every bucket, and a deny of one prefix to TLS 1.2 and later,
// which only a request over TLS can meet.
const denyInsecureTransport = `{"Version":"2012-10-17","Statement":[
	{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::guarded","arn:aws:s3:::guarded/*"],
	 "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
	{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::guarded/modern/*",
	 "Condition":{"NumericGreaterThanEquals":{"s3:TlsVersion":"1.2"}}}]}`

// guardedBucket makes the bucket of denyInsecureTransport on ts, and
// tells whether its owner could then write to it.
func guardedBucket(t *testing.T, ts *testServer) (c *s3.Client, putErr error) {
	t.Helper()
	ctx := t.Context()
	c = ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("guarded")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("guarded"), Policy: aws.String(denyInsecureTransport)}); err != nil {
		t.Fatal(err)
	}
	_, putErr = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("guarded"), Key: aws.String("modern/report.txt"), Body: strings.NewReader("x")})
	return c, putErr
}

// Note 69: `serve --tls` serves HTTPS with a certificate of its own;
// requests over it have aws:SecureTransport true and s3:TlsVersion, so
// the bucket policy that refuses plain HTTP lets them through, where it
// refuses every request to a plain-HTTP server.
func TestServeTLS(t *testing.T) {
	ts := startTLSServer(t)
	ctx := t.Context()
	if !strings.HasPrefix(ts.Endpoint, "https://") || !strings.Contains(ts.Out.String(), "AWS_CA_BUNDLE=") {
		t.Errorf("endpoint %s, banner:\n%s\nwant https and the CA bundle to trust", ts.Endpoint, ts.Out.String())
	}
	if _, err := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("GetCallerIdentity over HTTPS: %v", err)
	}
	c, err := guardedBucket(t, ts)
	if err != nil {
		t.Fatalf("PutObject over HTTPS into a bucket that refuses plain HTTP: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("guarded"), Key: aws.String("modern/report.txt")})
	wantAPIError(t, "GetObject denied for TLS 1.2 and later", err, "AccessDenied", "explicit deny in a resource-based policy")

	// SSE-C, which S3 takes only over TLS: reading with a key an object
	// without SSE-C, and writing where the bucket does not block it.
	key, keyMD5 := customerKey()
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("guarded"), Key: aws.String("modern/report.txt"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "HeadObject with an SSE-C key", err, "BadRequest", "")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("guarded"), Key: aws.String("modern/report.txt"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "GetObject with an SSE-C key", err, "InvalidRequest", "The encryption parameters are not applicable to this object.")
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("guarded"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			BlockedEncryptionTypes: &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeNone}}}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("guarded"), Key: aws.String("customer.txt"), Body: strings.NewReader("x"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: key, SSECustomerKeyMD5: keyMD5})
	wantAPIError(t, "PutObject with SSE-C where it is not blocked", err, "NotImplemented", "SSE-C")

	// The same bucket on a plain-HTTP server refuses even its owner.
	_, err = guardedBucket(t, startServer(t))
	wantAPIError(t, "PutObject over plain HTTP", err, "AccessDenied", "explicit deny in a resource-based policy")
}
