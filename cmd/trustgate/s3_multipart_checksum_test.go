package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func crc32Of(b []byte) string {
	return base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(b)))
}

// Note 64: the transfer manager's uploads carry CRC32 in every part, and
// the object gets S3's COMPOSITE checksum, the CRC32 of the parts' CRC32s
// and their count. A part asked for by number has its own, which the
// SDK checks as it downloads; listings and GetObjectAttributes name it
// (note 65: the latter without its "-3"), and a copy, one piece, gets
// the whole body's.
func TestS3MultipartChecksumsThroughTheTransferManager(t *testing.T) {
	_, c, bucket := withBucket(t, "checked")
	ctx := t.Context()
	body := make([]byte, 12<<20)
	rand.Read(body)
	parts := [][]byte{body[:5<<20], body[5<<20 : 10<<20], body[10<<20:]}
	var raw []byte
	for _, p := range parts {
		raw = binary.BigEndian.AppendUint32(raw, crc32.ChecksumIEEE(p))
	}
	composite := crc32Of(raw) + "-3"

	tm := transfermanager.New(c, func(o *transfermanager.Options) { o.PartSizeBytes, o.MultipartUploadThreshold = 5<<20, 5<<20 })
	up, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: bucket, Key: aws.String("film.mp4"), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("UploadObject: %v", err)
	}
	if aws.ToString(up.ChecksumCRC32) != composite || up.ChecksumType != "COMPOSITE" {
		t.Errorf("CompleteMultipartUpload checksum = %q %q; want %q COMPOSITE", aws.ToString(up.ChecksumCRC32), up.ChecksumType, composite)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("film.mp4"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumCRC32) != composite || head.ChecksumType != s3types.ChecksumTypeComposite {
		t.Errorf("HeadObject = %v %q, %v; want %q COMPOSITE", aws.ToString(head.ChecksumCRC32), head.ChecksumType, err, composite)
	}
	part, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("film.mp4"), PartNumber: aws.Int32(2), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	got, rerr := io.ReadAll(part.Body) // the SDK checks the part's CRC32 as it reads
	part.Body.Close()
	if rerr != nil || !bytes.Equal(got, parts[1]) || aws.ToString(part.ChecksumCRC32) != crc32Of(parts[1]) {
		t.Errorf("GetObject part 2 = %d bytes, CRC32 %q, %v; want the part's %q", len(got), aws.ToString(part.ChecksumCRC32), rerr, crc32Of(parts[1]))
	}
	var down bytes.Buffer
	dl, err := tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: bucket, Key: aws.String("film.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(&down, dl.Body); err != nil || !bytes.Equal(down.Bytes(), body) {
		t.Errorf("transfer manager GetObject = %d bytes, %v", down.Len(), err)
	}

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	if err != nil || len(list.Contents) != 1 || len(list.Contents[0].ChecksumAlgorithm) != 1 ||
		list.Contents[0].ChecksumAlgorithm[0] != s3types.ChecksumAlgorithmCrc32 || list.Contents[0].ChecksumType != s3types.ChecksumTypeComposite {
		t.Errorf("ListObjectsV2 = %+v, %v; want the object's CRC32, COMPOSITE", list, err)
	}

	// Note 65.
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bucket, Key: aws.String("film.mp4"), MaxParts: aws.Int32(2),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesEtag, s3types.ObjectAttributesChecksum, s3types.ObjectAttributesObjectParts,
			s3types.ObjectAttributesStorageClass, s3types.ObjectAttributesObjectSize}})
	if err != nil {
		t.Fatalf("GetObjectAttributes: %v", err)
	}
	if aws.ToString(attrs.ETag) != strings.Trim(aws.ToString(head.ETag), `"`) || aws.ToInt64(attrs.ObjectSize) != int64(len(body)) ||
		attrs.StorageClass != s3types.StorageClassStandard || attrs.Checksum == nil || aws.ToString(attrs.Checksum.ChecksumCRC32) != strings.TrimSuffix(composite, "-3") ||
		attrs.Checksum.ChecksumType != s3types.ChecksumTypeComposite || attrs.LastModified == nil {
		t.Errorf("GetObjectAttributes = %+v; want the unquoted ETag %s, %d bytes, STANDARD, %q without its part count", attrs, aws.ToString(head.ETag), len(body), composite)
	}
	op := attrs.ObjectParts
	if op == nil || aws.ToInt32(op.TotalPartsCount) != 3 || !aws.ToBool(op.IsTruncated) || aws.ToString(op.NextPartNumberMarker) != "2" || len(op.Parts) != 2 ||
		aws.ToInt64(op.Parts[1].Size) != 5<<20 || aws.ToString(op.Parts[1].ChecksumCRC32) != crc32Of(parts[1]) {
		t.Errorf("ObjectParts = %+v; want 2 of 3 parts with their sizes and CRC32s", op)
	}
	rest, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bucket, Key: aws.String("film.mp4"), PartNumberMarker: aws.String("2"),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesObjectParts}})
	if err != nil || rest.ObjectParts == nil || len(rest.ObjectParts.Parts) != 1 || aws.ToInt32(rest.ObjectParts.Parts[0].PartNumber) != 3 ||
		rest.ETag != nil || rest.Checksum != nil {
		t.Errorf("GetObjectAttributes after part 2 = %+v, %v; want part 3 alone", rest, err)
	}

	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.mp4"), CopySource: aws.String("checked/film.mp4")})
	if err != nil || cp.CopyObjectResult == nil || aws.ToString(cp.CopyObjectResult.ChecksumCRC32) != crc32Of(body) ||
		cp.CopyObjectResult.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Errorf("CopyObject = %+v, %v; want the whole body's CRC32 %s, FULL_OBJECT", cp.CopyObjectResult, err, crc32Of(body))
	}
	copied, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("copy.mp4"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	got, rerr = io.ReadAll(copied.Body)
	copied.Body.Close()
	if rerr != nil || !bytes.Equal(got, body) {
		t.Errorf("GetObject of the copy, checked = %d bytes, %v", len(got), rerr)
	}
}

// Note 64: a COMPOSITE upload's parts must carry its algorithm's checksum,
// and CompleteMultipartUpload must list each; what it lists is checked
// against the parts, and a whole-object checksum it sends against the
// object's, as S3 answers each mistake.
func TestS3MultipartChecksumMistakes(t *testing.T) {
	_, c, bucket := withBucket(t, "strict")
	ctx, key := t.Context(), aws.String("report.bin")
	_, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key, ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256,
		ChecksumType: s3types.ChecksumTypeFullObject})
	wantAPIError(t, "CreateMultipartUpload SHA256 FULL_OBJECT", err, "InvalidRequest", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key, ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	if err != nil || up.ChecksumAlgorithm != s3types.ChecksumAlgorithmSha256 || up.ChecksumType != s3types.ChecksumTypeComposite {
		t.Fatalf("CreateMultipartUpload = %+v, %v; want SHA256 COMPOSITE", up, err)
	}
	body := []byte("123456789")
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(body),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32c})
	wantAPIError(t, "UploadPart with CRC32C", err, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: crc32c")
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(body),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmSha256})
	sum := sha256.Sum256(body)
	partSum := base64.StdEncoding.EncodeToString(sum[:])
	if err != nil || aws.ToString(part.ChecksumSHA256) != partSum {
		t.Fatalf("UploadPart = %+v, %v; want SHA256 %s", part, err, partSum)
	}
	listed, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: bucket, Key: key, UploadId: up.UploadId})
	if err != nil || listed.ChecksumAlgorithm != s3types.ChecksumAlgorithmSha256 || listed.ChecksumType != s3types.ChecksumTypeComposite ||
		len(listed.Parts) != 1 || aws.ToString(listed.Parts[0].ChecksumSHA256) != partSum {
		t.Errorf("ListParts = %+v, %v; want the part's SHA256", listed, err)
	}
	uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: bucket})
	if err != nil || len(uploads.Uploads) != 1 || uploads.Uploads[0].ChecksumAlgorithm != s3types.ChecksumAlgorithmSha256 ||
		uploads.Uploads[0].ChecksumType != s3types.ChecksumTypeComposite {
		t.Errorf("ListMultipartUploads = %+v, %v; want the upload's SHA256 COMPOSITE", uploads, err)
	}

	complete := func(p s3types.CompletedPart, whole string) (*s3.CompleteMultipartUploadOutput, error) {
		p.PartNumber, p.ETag = aws.Int32(1), part.ETag
		in := &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{p}}}
		if whole != "" {
			in.ChecksumSHA256 = aws.String(whole)
		}
		return c.CompleteMultipartUpload(ctx, in)
	}
	_, err = complete(s3types.CompletedPart{}, "")
	wantAPIError(t, "CompleteMultipartUpload without the part's checksum", err, "InvalidRequest",
		"The upload was created using a sha256 checksum. The complete request must include the checksum for each part. It was missing for part 1 in the request.")
	_, err = complete(s3types.CompletedPart{ChecksumSHA256: aws.String("not base64")}, "")
	wantAPIError(t, "CompleteMultipartUpload with a malformed checksum", err, "InvalidArgument", "Invalid Base64 or multiple checksums present in request")
	other := sha256.Sum256([]byte("something else"))
	_, err = complete(s3types.CompletedPart{ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(other[:]))}, "")
	wantAPIError(t, "CompleteMultipartUpload with another checksum", err, "InvalidPart", "could not be found.  The part")
	good := s3types.CompletedPart{ChecksumSHA256: aws.String(partSum)}
	wholeSum := sha256.Sum256(sum[:])
	composite := base64.StdEncoding.EncodeToString(wholeSum[:])
	_, err = complete(good, composite+"-2")
	wantAPIError(t, "CompleteMultipartUpload with a count of 2", err, "BadDigest", "The sha256 you specified did not match the calculated checksum.")
	_, err = complete(good, composite+"-a")
	wantAPIError(t, "CompleteMultipartUpload with a count of a", err, "InvalidRequest", "Value for x-amz-checksum-sha256 header is invalid.")
	done, err := complete(good, composite)
	if err != nil || aws.ToString(done.ChecksumSHA256) != composite+"-1" || done.ChecksumType != s3types.ChecksumTypeComposite {
		t.Fatalf("CompleteMultipartUpload = %+v, %v; want %s-1 COMPOSITE", done, err, composite)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key, ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil || aws.ToString(head.ChecksumSHA256) != composite+"-1" {
		t.Errorf("HeadObject = %+v, %v; want SHA256 %s-1", head, err, composite)
	}
	plain, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	if err != nil || plain.ChecksumSHA256 != nil || plain.ChecksumType != "" {
		t.Errorf("HeadObject without checksum mode = %+v, %v; want no checksum", plain, err)
	}
}

// Note 64: a FULL_OBJECT upload's object has the CRC of its whole body,
// combined from its parts'; its parts may come and be listed without
// theirs, which S3 works out. The SDK checks the whole body against it.
func TestS3MultipartFullObjectChecksum(t *testing.T) {
	_, c, bucket := withBucket(t, "whole")
	ctx, key := t.Context(), aws.String("disk.img")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key, ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc64nvme})
	if err != nil || up.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Fatalf("CreateMultipartUpload CRC64NVME = %+v, %v; want FULL_OBJECT", up, err)
	}
	body := make([]byte, 5<<20+1234)
	rand.Read(body)
	var parts []s3types.CompletedPart
	for i, p := range [][]byte{body[:5<<20], body[5<<20:]} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)),
			Body: bytes.NewReader(p), ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc64nvme})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag})
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	want := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint64(nil, crc64.Checksum(body, crc64.MakeTable(0x9a6c9329ac4bc9b5))))
	if err != nil || aws.ToString(done.ChecksumCRC64NVME) != want || done.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Fatalf("CompleteMultipartUpload = %+v, %v; want CRC64NVME %s FULL_OBJECT", done, err, want)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key, ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	read, rerr := io.ReadAll(got.Body) // the SDK checks the CRC64NVME as it reads
	got.Body.Close()
	if rerr != nil || !bytes.Equal(read, body) || got.ChecksumType != s3types.ChecksumTypeFullObject {
		t.Errorf("GetObject = %d bytes, %q, %v; want the body, FULL_OBJECT", len(read), got.ChecksumType, rerr)
	}
}

// Note 65: GetObjectAttributes needs s3:GetObjectAttributes beside
// s3:GetObject.
func TestS3GetObjectAttributesPermissions(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootS3()
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("attributed")}); err != nil {
		t.Fatal(err)
	}
	put(t, root, "attributed", "a.txt", "abc")
	ts.userAllowed(t, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::attributed/*"}]}`)
	ts.userAllowed(t, "attributes", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectAttributes","Resource":"arn:aws:s3:::attributed/*"}]}`)
	ts.userAllowed(t, "both", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAttributes"],"Resource":"arn:aws:s3:::attributed/*"}]}`)
	ask := func(c *s3.Client) (*s3.GetObjectAttributesOutput, error) {
		return c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: aws.String("attributed"), Key: aws.String("a.txt"),
			ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesEtag, s3types.ObjectAttributesObjectSize, s3types.ObjectAttributesObjectParts}})
	}
	_, err := ask(ts.userS3(t, "reader"))
	wantAPIError(t, "GetObjectAttributes under s3:GetObject alone", err, "AccessDenied", "s3:GetObjectAttributes")
	_, err = ask(ts.userS3(t, "attributes"))
	wantAPIError(t, "GetObjectAttributes under s3:GetObjectAttributes alone", err, "AccessDenied", "s3:GetObject ")
	out, err := ask(ts.userS3(t, "both"))
	if err != nil || aws.ToString(out.ETag) != "900150983cd24fb0d6963f7d28e17f72" || aws.ToInt64(out.ObjectSize) != 3 || out.ObjectParts != nil {
		t.Errorf("GetObjectAttributes = %+v, %v; want the unquoted MD5 of abc, 3 bytes, no parts", out, err)
	}

	creds := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	for _, c := range []struct {
		asked, code, want string
	}{
		{"", "InvalidRequest", "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty"},
		{"ETag,Colour", "InvalidArgument", "Invalid attribute name specified."},
	} {
		h := http.Header{}
		if c.asked != "" {
			h.Set("X-Amz-Object-Attributes", c.asked)
		}
		status, body := ts.sendHeaders(t, creds, "s3", http.MethodGet, "/attributed/a.txt?attributes", h, "")
		if status != 400 || !strings.Contains(body, "<Code>"+c.code+"</Code>") || !strings.Contains(body, c.want) {
			t.Errorf("GetObjectAttributes of %q = %d %s; want 400 %s %q", c.asked, status, body, c.code, c.want)
		}
	}
}
