package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/trustgate/trustgate/sigv4"
)

// BenchmarkVerify measures Verify on a typical signed S3 GET (temporary
// credentials, a few query parameters) with a warm key cache.
func BenchmarkVerify(b *testing.B) {
	r := newRequest(b, "GET", "bucket.s3.us-east-1.amazonaws.com", "/photos/2026/holiday photo.jpg",
		"/photos/2026/holiday%20photo.jpg", "response-content-type=image%2Fjpeg&versionId=3HL4kqtJlcpXroDTDmJ", nil)
	r.Header.Set("User-Agent", "aws-cli/2.22.0 md/Botocore#1.35.0")
	r.Header.Set("Amz-Sdk-Invocation-Id", "f6c9e0b4-2f2d-4d7a-9d62-2c4e0c1f7d11")
	r.Header.Set("Range", "bytes=0-1023")
	signHeader(b, r, signOpts{service: "s3", payloadHash: sha256Hex(nil),
		creds: aws.Credentials{AccessKeyID: tempAKID, SecretAccessKey: tempSecret, SessionToken: tempToken}})
	sr := serve(b, wire(b, r))
	v := verifierAt(signTime.Add(time.Minute))
	if _, err := v.Verify(sr); err != nil {
		b.Fatalf("Verify = %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sr.Body = http.NoBody
		if _, err := v.Verify(sr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChunkedReader measures decoding a signed aws-chunked body of
// 1 MiB in 64 KiB chunks.
func BenchmarkChunkedReader(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	key := signingKey(secret, "20261122", "us-east-1", "s3")
	chain := &sigv4.Chain{Key: key, Time: "20261122T103000Z", Scope: "20261122/us-east-1/s3/aws4_request", Seed: sha256Hex(nil)}
	body := awsChunks(data, 64<<10, key, chain.Time, chain.Scope, chain.Seed, nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		c := sigv4.NewChunkedReader(bytes.NewReader(body), sigv4.ChunkedOptions{Chain: chain, DecodedLength: int64(len(data))})
		if _, err := io.Copy(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}
