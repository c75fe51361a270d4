package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// A 12 MiB object through the SDK's transfer manager, in 5 MiB parts:
// the body comes back whole with S3's multipart ETag.
func TestS3MultipartTransferManager(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("videos")}); err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 12<<20)
	rand.Read(body)
	tm := transfermanager.New(c, func(o *transfermanager.Options) { o.PartSizeBytes, o.MultipartUploadThreshold = 5<<20, 5<<20 })
	if _, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("UploadObject: %v", err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(got, body) || !strings.HasSuffix(aws.ToString(out.ETag), `-3"`) {
		t.Errorf("GetObject = %d bytes (want %d), ETag %s (want a 3-part ETag)", len(got), len(body), aws.ToString(out.ETag))
	}

	// Note 51: the transfer manager downloads by part number, as its
	// parts were uploaded: 5, 5 and 2 MiB.
	var down bytes.Buffer
	dl, err := tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4")})
	if err != nil {
		t.Fatalf("transfer manager GetObject: %v", err)
	}
	if _, err := io.Copy(&down, dl.Body); err != nil || !bytes.Equal(down.Bytes(), body) {
		t.Errorf("transfer manager GetObject = %d bytes, %v; want the %d uploaded", down.Len(), err, len(body))
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), PartNumber: aws.Int32(3)})
	if err != nil || aws.ToInt64(head.ContentLength) != 2<<20 || aws.ToInt32(head.PartsCount) != 3 ||
		aws.ToString(head.ContentRange) != fmt.Sprintf("bytes %d-%d/%d", 10<<20, 12<<20-1, 12<<20) {
		t.Errorf("HeadObject part 3 = %+v, %v; want its 2 MiB of 3 parts", head, err)
	}
	part, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), PartNumber: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(part.Body)
	part.Body.Close()
	if !bytes.Equal(got, body[5<<20:10<<20]) || aws.ToInt32(part.PartsCount) != 3 || aws.ToString(part.ETag) != aws.ToString(out.ETag) {
		t.Errorf("GetObject part 2 = %d bytes, %d parts, ETag %s; want the second 5 MiB of 3 parts and the object's ETag",
			len(got), aws.ToInt32(part.PartsCount), aws.ToString(part.ETag))
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), PartNumber: aws.Int32(4)})
	wantAPIError(t, "GetObject part 4 of 3", err, "InvalidPartNumber", "not satisfiable")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), PartNumber: aws.Int32(1), Range: aws.String("bytes=0-9")})
	wantAPIError(t, "GetObject by part and range", err, "InvalidRequest", "partNumber")
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("film.mp4"), PartNumber: aws.Int32(0)})
	wantAPIError(t, "GetObject part 0", err, "InvalidArgument", "between 1 and 10000")

	// An object put whole is its own part 1, and has no parts count.
	put(t, c, "videos", "poster.jpg", "poster")
	whole, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("videos"), Key: aws.String("poster.jpg"), PartNumber: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(whole.Body)
	whole.Body.Close()
	if string(got) != "poster" || whole.PartsCount != nil {
		t.Errorf("GetObject part 1 of a whole object = %q, parts count %v; want the object and no count", got, whole.PartsCount)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("videos"), Key: aws.String("poster.jpg"), PartNumber: aws.Int32(2)})
	wantAPIError(t, "HeadObject part 2 of a whole object", err, "RequestedRangeNotSatisfiable", "") // a HEAD has no body: the SDK names the status
}

// The multipart calls one by one, and their mistakes as S3 answers them.
func TestS3MultipartErrors(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("videos")}); err != nil {
		t.Fatal(err)
	}
	create := func() *string {
		t.Helper()
		out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4")})
		if err != nil {
			t.Fatal(err)
		}
		return out.UploadId
	}
	part := func(id *string, n int32, size int) *string {
		t.Helper()
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id, PartNumber: aws.Int32(n),
			Body: bytes.NewReader(bytes.Repeat([]byte{byte(n)}, size))})
		if err != nil {
			t.Fatal(err)
		}
		return out.ETag
	}
	complete := func(id *string, parts ...s3types.CompletedPart) error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
		return err
	}
	id := create()
	small1, small2 := part(id, 1, 1024), part(id, 2, 1024)
	wantAPIError(t, "CompleteMultipartUpload with a small first part", complete(id, s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: small1},
		s3types.CompletedPart{PartNumber: aws.Int32(2), ETag: small2}), "EntityTooSmall", "")
	wantAPIError(t, "CompleteMultipartUpload out of order", complete(id, s3types.CompletedPart{PartNumber: aws.Int32(2), ETag: small2},
		s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: small1}), "InvalidPartOrder", "")
	wantAPIError(t, "CompleteMultipartUpload with a wrong ETag", complete(id, s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: aws.String(`"0123"`)}), "InvalidPart", "")
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id})
	if err != nil || len(parts.Parts) != 2 || aws.ToInt64(parts.Parts[1].Size) != 1024 {
		t.Errorf("ListParts = %+v, %v", parts, err)
	}
	_, err = c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id, PartNumberMarker: aws.String("first")})
	wantAPIError(t, "ListParts after a marker that is no number", err, "InvalidArgument", "part-number-marker")
	uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("videos")})
	if err != nil || len(uploads.Uploads) != 1 || aws.ToString(uploads.Uploads[0].UploadId) != aws.ToString(id) {
		t.Errorf("ListMultipartUploads = %+v, %v", uploads, err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "CompleteMultipartUpload after abort", complete(id, s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: small1}), "NoSuchUpload", "")

	// One part alone may be small.
	id = create()
	only := part(id, 1, 10)
	if err := complete(id, s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: only}); err != nil {
		t.Errorf("CompleteMultipartUpload of one small part: %v", err)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4"), UploadId: id, PartNumber: aws.Int32(10001), Body: strings.NewReader("x")})
	wantAPIError(t, "UploadPart number 10001", err, "InvalidArgument", "")

	// An upload in progress does not keep a bucket: it ends with it, and a
	// bucket made again under the name has none (note 39).
	pending := create()
	part(pending, 1, 1024)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("videos")})
	wantAPIError(t, "DeleteBucket with an object", err, "BucketNotEmpty", "")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("videos"), Key: aws.String("clip.mp4")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("videos")}); err != nil {
		t.Fatalf("DeleteBucket with an upload in progress: %v", err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("videos")}); err != nil {
		t.Fatal(err)
	}
	if uploads, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("videos")}); err != nil || len(uploads.Uploads) != 0 {
		t.Errorf("ListMultipartUploads of the bucket made again = %+v, %v; want none", uploads, err)
	}
}

// UploadPartCopy builds an object from ranges of others; the source must
// be readable by the caller, and the range within it.
func TestS3UploadPartCopy(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	for _, b := range []string{"sources", "joined"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	body := make([]byte, 7<<20)
	rand.Read(body)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sources"), Key: aws.String("raw.bin"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("joined"), Key: aws.String("copy.bin")})
	if err != nil {
		t.Fatal(err)
	}
	copyPart := func(c *s3.Client, n int32, byteRange string) (*s3.UploadPartCopyOutput, error) {
		in := &s3.UploadPartCopyInput{Bucket: aws.String("joined"), Key: aws.String("copy.bin"), UploadId: up.UploadId, PartNumber: aws.Int32(n),
			CopySource: aws.String("sources/raw.bin")}
		if byteRange != "" {
			in.CopySourceRange = aws.String(byteRange)
		}
		return c.UploadPartCopy(ctx, in)
	}
	var parts []s3types.CompletedPart
	for i, r := range []string{"bytes=0-5242879", "bytes=5242880-7340031"} {
		out, err := copyPart(c, int32(i+1), r)
		if err != nil || out.CopyPartResult == nil || aws.ToString(out.CopyPartResult.ETag) == "" {
			t.Fatalf("UploadPartCopy(%s) = %+v, %v", r, out, err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag})
	}
	_, err = copyPart(c, 3, "bytes=7340032-7340033")
	// As S3 answered in versity/versitygw issue 610.
	wantAPIError(t, "UploadPartCopy past the source's end", err, "InvalidArgument", "Range specified is not valid for source object of size: 7340032")
	_, err = copyPart(c, 3, "5-9")
	wantAPIError(t, "UploadPartCopy with a malformed range", err, "InvalidArgument", "bytes=first-last")

	ts.userAllowed(t, "joiner", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::joined/*"}]}`)
	_, err = copyPart(ts.userS3(t, "joiner"), 3, "")
	wantAPIError(t, "UploadPartCopy without s3:GetObject on the source", err, "AccessDenied", `s3:GetObject on resource: "arn:aws:s3:::sources/raw.bin"`)

	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("joined"), Key: aws.String("copy.bin"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	got, err := get(t, c, "joined", "copy.bin")
	if err != nil || got != string(body) {
		t.Errorf("the joined object = %d bytes, %v; want the source's %d bytes", len(got), err, len(body))
	}

	// Note 64: a part copied into an upload with checksums gets the
	// upload's, which S3 works out over the bytes it copies.
	checked, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("joined"), Key: aws.String("checked.bin"),
		ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("joined"), Key: aws.String("checked.bin"), UploadId: checked.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String("sources/raw.bin"), CopySourceRange: aws.String("bytes=10-99")})
	if err != nil || out.CopyPartResult == nil || aws.ToString(out.CopyPartResult.ChecksumCRC32) != crc32Of(body[10:100]) {
		t.Errorf("UploadPartCopy into a CRC32 upload = %+v, %v; want the range's CRC32 %s", out.CopyPartResult, err, crc32Of(body[10:100]))
	}
}

// ListMultipartUploads pages by key and upload id markers, and rolls keys
// into common prefixes at a delimiter.
func TestS3ListMultipartUploadsPages(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("uploads-in-progress")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a.txt", "a.txt", "b/one", "b/two", "c.txt"} {
		if _, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String(key)}); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		keys, prefixes []string
		truncated      bool
	}
	list := func(in *s3.ListMultipartUploadsInput) (page, *s3.ListMultipartUploadsOutput) {
		t.Helper()
		in.Bucket = bucket
		out, err := c.ListMultipartUploads(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var p page
		for _, u := range out.Uploads {
			p.keys = append(p.keys, aws.ToString(u.Key))
		}
		for _, cp := range out.CommonPrefixes {
			p.prefixes = append(p.prefixes, aws.ToString(cp.Prefix))
		}
		p.truncated = aws.ToBool(out.IsTruncated)
		return p, out
	}
	first, out := list(&s3.ListMultipartUploadsInput{MaxUploads: aws.Int32(3)})
	if !reflect.DeepEqual(first, page{keys: []string{"a.txt", "a.txt", "b/one"}, truncated: true}) || aws.ToString(out.NextKeyMarker) != "b/one" {
		t.Errorf("first page of 3 = %+v, next %s", first, aws.ToString(out.NextKeyMarker))
	}
	second, _ := list(&s3.ListMultipartUploadsInput{MaxUploads: aws.Int32(3), KeyMarker: out.NextKeyMarker, UploadIdMarker: out.NextUploadIdMarker})
	if !reflect.DeepEqual(second, page{keys: []string{"b/two", "c.txt"}}) {
		t.Errorf("second page = %+v; want b/two and c.txt, the last", second)
	}
	// Between the two uploads of a.txt.
	_, one := list(&s3.ListMultipartUploadsInput{MaxUploads: aws.Int32(1)})
	rest, _ := list(&s3.ListMultipartUploadsInput{KeyMarker: one.NextKeyMarker, UploadIdMarker: one.NextUploadIdMarker})
	if !reflect.DeepEqual(rest.keys, []string{"a.txt", "b/one", "b/two", "c.txt"}) {
		t.Errorf("after the first upload of a.txt = %+v", rest)
	}
	// The marker upload may be gone by the next page, as in a loop that
	// aborts what it lists: the page goes on after its id all the same.
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: bucket, Key: one.NextKeyMarker, UploadId: one.NextUploadIdMarker}); err != nil {
		t.Fatal(err)
	}
	rest, _ = list(&s3.ListMultipartUploadsInput{KeyMarker: one.NextKeyMarker, UploadIdMarker: one.NextUploadIdMarker})
	if !reflect.DeepEqual(rest.keys, []string{"a.txt", "b/one", "b/two", "c.txt"}) {
		t.Errorf("after the aborted first upload of a.txt = %+v", rest)
	}
	if _, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("a.txt")}); err != nil {
		t.Fatal(err)
	}
	grouped, out := list(&s3.ListMultipartUploadsInput{Delimiter: aws.String("/"), MaxUploads: aws.Int32(3)})
	if !reflect.DeepEqual(grouped, page{keys: []string{"a.txt", "a.txt"}, prefixes: []string{"b/"}, truncated: true}) {
		t.Errorf("grouped at / = %+v", grouped)
	}
	after, _ := list(&s3.ListMultipartUploadsInput{Delimiter: aws.String("/"), KeyMarker: out.NextKeyMarker})
	if !reflect.DeepEqual(after, page{keys: []string{"c.txt"}}) {
		t.Errorf("grouped, after %s = %+v; want c.txt", aws.ToString(out.NextKeyMarker), after)
	}
}
