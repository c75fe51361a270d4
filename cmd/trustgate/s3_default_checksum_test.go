package main

import (
	"bytes"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func crc64NVMEOf(b []byte) string {
	sum := crc64.Checksum(b, crc64.MakeTable(0x9a6c9329ac4bc9b5))
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, sum))
}

// sendsNoChecksum makes the SDK send no checksum of its own, as older
// clients and the Debian CLI do.
func sendsNoChecksum(o *s3.Options) {
	o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
}

// Note 66: an object written without a checksum gets S3's default, a
// FULL_OBJECT CRC64NVME, which PutObject answers with and HeadObject and
// GetObject name; a copy of it gets one worked out over what it copies.
// A part of an upload created without an algorithm answers with its own.
func TestS3DefaultChecksum(t *testing.T) {
	_, c, bucket := withBucket(t, "defaults")
	ctx := t.Context()
	body := []byte("a body its client sent no checksum of")
	want := crc64NVMEOf(body)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("plain.txt"), Body: bytes.NewReader(body)}, sendsNoChecksum)
	if err != nil || aws.ToString(put.ChecksumCRC64NVME) != want || put.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Fatalf("PutObject without a checksum = %q %q, %v; want CRC64NVME %s FULL_OBJECT", aws.ToString(put.ChecksumCRC64NVME), put.ChecksumType, err, want)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("plain.txt"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumCRC64NVME) != want || aws.ToString(head.ChecksumCRC32) != "" {
		t.Errorf("HeadObject = CRC64NVME %q CRC32 %q, %v; want CRC64NVME %s alone", aws.ToString(head.ChecksumCRC64NVME), aws.ToString(head.ChecksumCRC32), err, want)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("plain.txt"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	read, rerr := io.ReadAll(got.Body) // the SDK checks the CRC64NVME as it reads
	got.Body.Close()
	if rerr != nil || !bytes.Equal(read, body) {
		t.Errorf("GetObject = %q, %v", read, rerr)
	}

	// A checksum the client sends is the object's, and no default is added.
	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("summed.txt"), Body: bytes.NewReader(body), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil || aws.ToString(put.ChecksumCRC32) != crc32Of(body) || aws.ToString(put.ChecksumCRC64NVME) != "" {
		t.Errorf("PutObject with CRC32 = CRC32 %q CRC64NVME %q, %v; want its CRC32 alone", aws.ToString(put.ChecksumCRC32), aws.ToString(put.ChecksumCRC64NVME), err)
	}

	// A copy of an object with no checksum of its own gets the default.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("old.txt"), Body: bytes.NewReader(body)}, sendsNoChecksum); err != nil {
		t.Fatal(err)
	}
	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("defaults/old.txt")})
	if err != nil || aws.ToString(copied.CopyObjectResult.ChecksumCRC64NVME) != want || copied.CopyObjectResult.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Errorf("CopyObject = %+v, %v; want CRC64NVME %s FULL_OBJECT", copied.CopyObjectResult, err, want)
	}

	// An upload created without an algorithm: its parts keep S3's
	// default, which a part sent without a checksum answers with, and
	// the completion answers with the whole object's, which the object
	// does not keep.
	key := aws.String("parts.bin")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key}, sendsNoChecksum)
	if err != nil {
		t.Fatal(err)
	}
	whole := make([]byte, 5<<20+64<<10)
	rand.Read(whole)
	first, second := whole[:5<<20], whole[5<<20:]
	out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(first)}, sendsNoChecksum)
	if err != nil || aws.ToString(out.ChecksumCRC64NVME) != crc64NVMEOf(first) {
		t.Errorf("UploadPart without a checksum = CRC64NVME %q, %v; want %s", aws.ToString(out.ChecksumCRC64NVME), err, crc64NVMEOf(first))
	}
	done := []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: out.ETag}}
	out, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(2), Body: bytes.NewReader(second), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil || aws.ToString(out.ChecksumCRC32) != crc32Of(second) || aws.ToString(out.ChecksumCRC64NVME) != "" {
		t.Errorf("UploadPart with CRC32 = CRC32 %q CRC64NVME %q, %v; want its CRC32 alone", aws.ToString(out.ChecksumCRC32), aws.ToString(out.ChecksumCRC64NVME), err)
	}
	done = append(done, s3types.CompletedPart{PartNumber: aws.Int32(2), ETag: out.ETag})
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: key, UploadId: up.UploadId})
	if err != nil || len(parts.Parts) != 2 || aws.ToString(parts.Parts[0].ChecksumCRC64NVME) != "" || parts.ChecksumAlgorithm != "" {
		t.Errorf("ListParts = %+v, %v; want the parts without checksums, as the upload has no algorithm", parts, err)
	}
	completed, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done}})
	if err != nil || aws.ToString(completed.ChecksumCRC64NVME) != crc64NVMEOf(whole) || completed.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Errorf("CompleteMultipartUpload = CRC64NVME %q %q, %v; want the whole object's %s FULL_OBJECT",
			aws.ToString(completed.ChecksumCRC64NVME), completed.ChecksumType, err, crc64NVMEOf(whole))
	}
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key, ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumCRC64NVME) != "" || head.ChecksumType != "" {
		t.Errorf("HeadObject of the completed upload = CRC64NVME %q %q, %v; want no checksum", aws.ToString(head.ChecksumCRC64NVME), head.ChecksumType, err)
	}
}

// Note 66: a copy is an object of one piece, so its ETag is its body's
// MD5 even where its source's was a multipart upload's.
func TestS3CopyOfMultipartObjectETag(t *testing.T) {
	_, c, bucket := withBucket(t, "etags")
	ctx, key := t.Context(), aws.String("joined.bin")
	body := make([]byte, 5<<20+100)
	rand.Read(body)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	var done []s3types.CompletedPart
	for i, p := range [][]byte{body[:5<<20], body[5<<20:]} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}
	joined, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: done}})
	if err != nil || !strings.HasSuffix(aws.ToString(joined.ETag), `-2"`) {
		t.Fatalf("CompleteMultipartUpload = %v, %v; want an ETag of two parts", aws.ToString(joined.ETag), err)
	}
	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.bin"), CopySource: aws.String("etags/joined.bin")})
	sum := md5.Sum(body)
	if want := `"` + hex.EncodeToString(sum[:]) + `"`; err != nil || aws.ToString(copied.CopyObjectResult.ETag) != want {
		t.Errorf("CopyObject of a multipart object = ETag %v, %v; want its body's MD5 %s", aws.ToString(copied.CopyObjectResult.ETag), err, want)
	}
}

// Note 66: CompleteMultipartUpload's x-amz-mp-object-size must be the
// size of the parts it lists.
func TestS3MultipartObjectSize(t *testing.T) {
	ts, c, bucket := withBucket(t, "sized")
	ctx, key := t.Context(), aws.String("two.bin")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("twelve bytes")})
	if err != nil {
		t.Fatal(err)
	}
	listed := &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32}}}

	creds := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	xml := fmt.Sprintf("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>", aws.ToString(out.ETag))
	for _, bad := range []struct{ size, want string }{
		{"size", "Value for x-amz-mp-object-size header is invalid: 'size'"},
		{"-1", "Value for x-amz-mp-object-size header is less than zero: '-1'"},
	} {
		h := http.Header{"X-Amz-Mp-Object-Size": {bad.size}}
		status, answer := ts.sendHeaders(t, creds, "s3", http.MethodPost, "/sized/two.bin?uploadId="+aws.ToString(up.UploadId), h, xml)
		answer = html.UnescapeString(answer)
		if status != 400 || !strings.Contains(answer, "<Code>InvalidRequest</Code>") || !strings.Contains(answer, bad.want) {
			t.Errorf("CompleteMultipartUpload with x-amz-mp-object-size %q = %d %s; want 400 InvalidRequest %q", bad.size, status, answer, bad.want)
		}
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId, MultipartUpload: listed, MpuObjectSize: aws.Int64(13)})
	wantAPIError(t, "CompleteMultipartUpload of the wrong size", err, "InvalidRequest", "The provided 'x-amz-mp-object-size' header value 13 does not match what was computed: 12")
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId, MultipartUpload: listed, MpuObjectSize: aws.Int64(12)}); err != nil {
		t.Errorf("CompleteMultipartUpload of the right size: %v", err)
	}
}

// Note 66: the algorithms S3 added in 2026 that the Go SDK computes
// (SHA512) are checked and kept as the older ones are, whole and in the
// parts of a COMPOSITE upload.
func TestS3SHA512Checksums(t *testing.T) {
	_, c, bucket := withBucket(t, "sha512")
	ctx := t.Context()
	body := []byte("a body summed with SHA-512")
	sum := sha512.Sum512(body)
	want := base64.StdEncoding.EncodeToString(sum[:])
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("one"), Body: bytes.NewReader(body), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha512})
	if err != nil || aws.ToString(put.ChecksumSHA512) != want {
		t.Fatalf("PutObject with SHA512 = %q, %v; want %s", aws.ToString(put.ChecksumSHA512), err, want)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("one"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumSHA512) != want || aws.ToString(head.ChecksumCRC64NVME) != "" {
		t.Errorf("HeadObject = SHA512 %q CRC64NVME %q, %v; want SHA512 %s alone", aws.ToString(head.ChecksumSHA512), aws.ToString(head.ChecksumCRC64NVME), err, want)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("wrong"), Body: bytes.NewReader(body), ChecksumSHA512: aws.String(base64.StdEncoding.EncodeToString(make([]byte, 64)))})
	wantAPIError(t, "PutObject with a wrong SHA512", err, "BadDigest", "The SHA512 you specified did not match the calculated checksum.")

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("parts"), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha512})
	if err != nil || up.ChecksumType != s3types.ChecksumTypeComposite {
		t.Fatalf("CreateMultipartUpload SHA512 = %+v, %v; want COMPOSITE", up, err)
	}
	out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("parts"), UploadId: up.UploadId, PartNumber: aws.Int32(1),
		Body: bytes.NewReader(body), ChecksumAlgorithm: s3types.ChecksumAlgorithmSha512})
	if err != nil || aws.ToString(out.ChecksumSHA512) != want {
		t.Fatalf("UploadPart SHA512 = %q, %v; want %s", aws.ToString(out.ChecksumSHA512), err, want)
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("parts"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: out.ETag, ChecksumSHA512: out.ChecksumSHA512}}}})
	ofParts := sha512.Sum512(sum[:])
	if composite := base64.StdEncoding.EncodeToString(ofParts[:]) + "-1"; err != nil || aws.ToString(done.ChecksumSHA512) != composite {
		t.Errorf("CompleteMultipartUpload = SHA512 %q, %v; want %s", aws.ToString(done.ChecksumSHA512), err, composite)
	}
}
