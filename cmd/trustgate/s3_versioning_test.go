package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3Versioning walks a key through S3 Versioning with the SDK: the
// object from before versioning kept as the null version, a version per
// write, reads by version, delete markers and their refusals, deleting
// versions back to an earlier one, suspension, and emptying the bucket
// by its versions (note 75).
func TestS3Versioning(t *testing.T) {
	_, c, bucket := withBucket(t, "history")
	ctx := t.Context()
	key := aws.String("a.txt")
	put(t, c, "history", "a.txt", "zero")

	setVersioning := func(status s3types.BucketVersioningStatus) {
		t.Helper()
		if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: status}}); err != nil {
			t.Fatalf("PutBucketVersioning(%s): %v", status, err)
		}
		if got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || got.Status != status {
			t.Errorf("GetBucketVersioning after setting %s = %+v, %v", status, got, err)
		}
	}
	write := func(body string) string {
		t.Helper()
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader(body)})
		if err != nil {
			t.Fatalf("PutObject(%s): %v", body, err)
		}
		return aws.ToString(out.VersionId)
	}
	read := func(version string) (string, string, error) {
		t.Helper()
		in := &s3.GetObjectInput{Bucket: bucket, Key: key}
		if version != "" {
			in.VersionId = aws.String(version)
		}
		out, err := c.GetObject(ctx, in)
		if err != nil {
			return "", "", err
		}
		defer out.Body.Close()
		body, _ := io.ReadAll(out.Body)
		return string(body), aws.ToString(out.VersionId), nil
	}
	// versions lists the key's versions, newest first, as their bodies'
	// ids with * for the latest and "marker" for a delete marker.
	versions := func() []string {
		t.Helper()
		var out []string
		pages := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(1)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatalf("ListObjectVersions: %v", err)
			}
			if len(page.Versions)+len(page.DeleteMarkers) != 1 {
				t.Fatalf("a page of ListObjectVersions with MaxKeys 1 = %+v", page)
			}
			for _, v := range page.Versions {
				out = append(out, aws.ToString(v.VersionId)+latest(v.IsLatest))
			}
			for _, m := range page.DeleteMarkers {
				out = append(out, "marker "+aws.ToString(m.VersionId)+latest(m.IsLatest))
			}
		}
		return out
	}

	if got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || got.Status != "" || got.MFADelete != "" {
		t.Errorf("GetBucketVersioning of a new bucket = %+v, %v; want never enabled", got, err)
	}
	for _, bad := range []struct {
		conf      s3types.VersioningConfiguration
		code, msg string
	}{
		{s3types.VersioningConfiguration{}, "IllegalVersioningConfigurationException", "The Versioning element must be specified"},
		{s3types.VersioningConfiguration{Status: "Disabled"}, "MalformedXML", "not well-formed"},
		{s3types.VersioningConfiguration{Status: "enabled"}, "MalformedXML", "not well-formed"},
		{s3types.VersioningConfiguration{Status: "Enabled", MFADelete: "Enabled"}, "NotImplemented", "MFA delete"},
	} {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket, VersioningConfiguration: &bad.conf})
		wantAPIError(t, fmt.Sprintf("PutBucketVersioning(%+v)", bad.conf), err, bad.code, bad.msg)
	}
	if _, _, err := read("null"); err != nil {
		t.Errorf("GetObject of version null before versioning: %v", err)
	}

	setVersioning(s3types.BucketVersioningStatusEnabled)
	v1, v2 := write("one"), write("two")
	if len(v1) != 32 || len(v2) != 32 || v1 == v2 {
		t.Fatalf("PutObject on a versioned bucket answered versions %q and %q; want two of 32 characters", v1, v2)
	}
	for _, want := range []struct{ version, body, answered string }{{"", "two", v2}, {v1, "one", v1}, {"null", "zero", "null"}} {
		if body, answered, err := read(want.version); err != nil || body != want.body || answered != want.answered {
			t.Errorf("GetObject(version %q) = %q version %q, %v; want %q version %q", want.version, body, answered, err, want.body, want.answered)
		}
	}
	if got, want := versions(), []string{v2 + "*", v1, "null"}; !slices.Equal(got, want) {
		t.Errorf("versions after two versioned writes = %q; want %q", got, want)
	}

	// A delete leaves a delete marker: the key reads as missing, its
	// versions stay.
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	if err != nil || !aws.ToBool(del.DeleteMarker) || len(aws.ToString(del.VersionId)) != 32 {
		t.Fatalf("DeleteObject on a versioned bucket = %+v, %v; want a delete marker", del, err)
	}
	marker := aws.ToString(del.VersionId)
	var missing rawAnswer
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key}, missing.record)
	wantAPIError(t, "GetObject under a delete marker", err, "NoSuchKey", "")
	if missing.header.Get("x-amz-delete-marker") != "true" || missing.header.Get("x-amz-version-id") != marker {
		t.Errorf("GetObject under a delete marker answered headers %v; want x-amz-delete-marker and the marker's version", missing.header)
	}
	var refused rawAnswer
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(marker)}, refused.record)
	wantAPIError(t, "GetObject of a delete marker by its version", err, "MethodNotAllowed", "not allowed against this resource")
	if refused.status != 405 || refused.header.Get("Allow") != "DELETE" || !strings.Contains(string(refused.body), "<ResourceType>DeleteMarker</ResourceType>") {
		t.Errorf("GetObject of a delete marker answered %d %v %s", refused.status, refused.header, refused.body)
	}
	_, err = c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: key})
	wantAPIError(t, "GetObjectTagging under a delete marker", err, "MethodNotAllowed", "")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("history/a.txt")})
	wantAPIError(t, "CopyObject from under a delete marker", err, "NoSuchKey", "")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("history/a.txt?versionId=" + marker)})
	wantAPIError(t, "CopyObject of a delete marker's version", err, "InvalidRequest", "may not specifically refer to a delete marker by version id")
	if list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil || len(list.Contents) != 0 {
		t.Errorf("ListObjectsV2 under a delete marker = %+v, %v; want no object", list, err)
	}
	if got, want := versions(), []string{"marker " + marker + "*", v2, v1, "null"}; !slices.Equal(got, want) {
		t.Errorf("versions after a delete = %q; want %q", got, want)
	}
	if tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: key, VersionId: aws.String(v1)}); err != nil || aws.ToString(tags.VersionId) != v1 {
		t.Errorf("GetObjectTagging of a noncurrent version = %+v, %v", tags, err)
	}
	if attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: bucket, Key: key, VersionId: aws.String(v1),
		ObjectAttributes: []s3types.ObjectAttributes{s3types.ObjectAttributesObjectSize}}); err != nil || aws.ToString(attrs.VersionId) != v1 || aws.ToInt64(attrs.ObjectSize) != 3 {
		t.Errorf("GetObjectAttributes of a noncurrent version = %+v, %v; want its size and version", attrs, err)
	}

	// Versions deleted by id: the marker brings back v2, deleting v2
	// brings back v1, and v2 is then no version of the key.
	for _, step := range []struct {
		version, body string
		marker        bool
	}{{marker, "two", true}, {v2, "one", false}} {
		out, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(step.version)})
		if err != nil || aws.ToString(out.VersionId) != step.version || aws.ToBool(out.DeleteMarker) != step.marker {
			t.Errorf("DeleteObject(version %s) = %+v, %v; want the version named, delete marker %v", step.version, out, err, step.marker)
		}
		if body, _, err := read(""); err != nil || body != step.body {
			t.Errorf("GetObject after deleting version %s = %q, %v; want %q", step.version, body, err, step.body)
		}
	}
	_, _, err = read(v2)
	wantAPIError(t, "GetObject of a version deleted", err, "NoSuchVersion", "The specified version does not exist.")
	tampered := "A" + v2[1:]
	if v2[0] == 'A' {
		tampered = "B" + v2[1:]
	}
	_, _, err = read(tampered)
	wantAPIError(t, "GetObject of a version id trustgate did not make", err, "InvalidArgument", "Invalid version id specified")
	if out, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(v2)}); err != nil || aws.ToString(out.VersionId) != v2 {
		t.Errorf("DeleteObject of a version deleted = %+v, %v; want success naming it", out, err)
	}

	// A copy of a version names it, and makes a version of its own.
	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("history/a.txt?versionId=null")})
	if err != nil || aws.ToString(copied.CopySourceVersionId) != "" || len(aws.ToString(copied.VersionId)) != 32 {
		t.Errorf("CopyObject of the null version = %+v, %v; want no source version named, a new version", copied, err)
	}
	copied, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("history/a.txt?versionId=" + v1)})
	if err != nil || aws.ToString(copied.CopySourceVersionId) != v1 {
		t.Errorf("CopyObject of version v1 = %+v, %v; want CopySourceVersionId %s", copied, err, v1)
	}
	// S3's way to restore a version: copy it onto its own key.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("history/copy.txt?versionId=" + aws.ToString(copied.VersionId))}); err != nil {
		t.Errorf("CopyObject of a version onto its own key: %v", err)
	}

	// Suspended: writes are the null version again, replacing the one
	// from before versioning, and a delete's marker is null too.
	setVersioning(s3types.BucketVersioningStatusSuspended)
	if v := write("three"); v != "" {
		t.Errorf("PutObject on a suspended bucket answered version %q; want none", v)
	}
	if body, answered, err := read(""); err != nil || body != "three" || answered != "null" {
		t.Errorf("GetObject on a suspended bucket = %q version %q, %v; want three, null", body, answered, err)
	}
	if got, want := versions(), []string{"null*", v1}; !slices.Equal(got[:2], want) {
		t.Errorf("versions of a.txt after a suspended write = %q; want %q first", got, want)
	}
	del, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	if err != nil || !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != "null" {
		t.Errorf("DeleteObject on a suspended bucket = %+v, %v; want a null delete marker", del, err)
	}

	// A bucket is empty only once every version and marker is gone.
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket})
	wantAPIError(t, "DeleteBucket holding versions", err, "BucketNotEmpty", "You must delete all versions in the bucket.")
	all, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	var ids []s3types.ObjectIdentifier
	for _, v := range all.Versions {
		ids = append(ids, s3types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	for _, m := range all.DeleteMarkers {
		ids = append(ids, s3types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
	}
	ids = append(ids, s3types.ObjectIdentifier{Key: key, VersionId: aws.String(v2)}, s3types.ObjectIdentifier{Key: key, VersionId: aws.String("not-a-version")})
	batch, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: ids}})
	if err != nil || len(batch.Deleted) != len(ids)-2 || len(batch.Errors) != 2 ||
		aws.ToString(batch.Errors[0].Code) != "NoSuchVersion" || aws.ToString(batch.Errors[1].Code) != "NoSuchVersion" {
		t.Fatalf("DeleteObjects of every version, one deleted before and one no version = %+v, %v", batch, err)
	}
	for _, d := range batch.Deleted {
		if aws.ToString(d.Key) == "a.txt" && aws.ToString(d.VersionId) == "null" && (!aws.ToBool(d.DeleteMarker) || aws.ToString(d.DeleteMarkerVersionId) != "null") {
			t.Errorf("DeleteObjects of the null delete marker answered %+v; want DeleteMarker and its version", d)
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: bucket}); err != nil {
		t.Errorf("DeleteBucket once every version is deleted: %v", err)
	}
}

// TestS3VersioningWrites checks the version every kind of write makes and
// names: a multipart upload's, DeleteObjects' delete markers, and the
// tags of one version.
func TestS3VersioningWrites(t *testing.T) {
	_, c, bucket := withBucket(t, "versioned-writes")
	ctx := t.Context()
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled, MFADelete: s3types.MFADeleteDisabled}}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || got.MFADelete != s3types.MFADeleteStatusDisabled {
		t.Errorf("GetBucketVersioning after naming MfaDelete = %+v, %v; want it named Disabled", got, err)
	}
	key := aws.String("big.bin")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("only part")})
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: key, UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	if err != nil || len(aws.ToString(done.VersionId)) != 32 {
		t.Fatalf("CompleteMultipartUpload on a versioned bucket = %+v, %v; want a version", done, err)
	}
	first := aws.ToString(done.VersionId)
	put(t, c, "versioned-writes", "big.bin", "replaced")

	tagged, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: bucket, Key: key, VersionId: aws.String(first),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("era"), Value: aws.String("first")}}}})
	if err != nil || aws.ToString(tagged.VersionId) != first {
		t.Fatalf("PutObjectTagging of a noncurrent version = %+v, %v", tagged, err)
	}
	if tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: key}); err != nil || len(tags.TagSet) != 0 {
		t.Errorf("the current version's tags = %+v, %v; want none: the tags went to the version named", tags, err)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key, VersionId: aws.String(first)}); err != nil ||
		aws.ToInt32(head.TagCount) != 1 || aws.ToString(head.VersionId) != first || aws.ToInt64(head.ContentLength) != 9 {
		t.Errorf("HeadObject of the first version = %+v, %v; want its one tag and 9 bytes", head, err)
	}

	batch, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: key}, {Key: aws.String("never-written")}}}})
	if err != nil || len(batch.Deleted) != 2 {
		t.Fatalf("DeleteObjects on a versioned bucket = %+v, %v", batch, err)
	}
	for _, d := range batch.Deleted {
		if !aws.ToBool(d.DeleteMarker) || len(aws.ToString(d.DeleteMarkerVersionId)) != 32 || d.VersionId != nil {
			t.Errorf("DeleteObjects answered %+v; want a delete marker and its version", d)
		}
	}
	list, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket, Prefix: aws.String("n")})
	if err != nil || len(list.DeleteMarkers) != 1 || len(list.Versions) != 0 || !aws.ToBool(list.DeleteMarkers[0].IsLatest) {
		t.Errorf("ListObjectVersions of a key never written but deleted = %+v, %v; want its one delete marker", list, err)
	}
}

func latest(is *bool) string {
	if aws.ToBool(is) {
		return "*"
	}
	return ""
}

// TestS3ListObjectVersionsPages lists versions, delete markers and
// common prefixes in pages of every size, and checks that each size
// gives the same entries in the same order, none twice.
func TestS3ListObjectVersionsPages(t *testing.T) {
	_, c, bucket := withBucket(t, "version-pages")
	ctx := t.Context()
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a/1", "a/2", "b", "c", "d/x/1", "e"} {
		put(t, c, "version-pages", key, key+" one")
		put(t, c, "version-pages", key, key+" two")
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("c")}); err != nil {
		t.Fatal(err)
	}
	list := func(delimiter string, maxKeys int32) []string {
		t.Helper()
		in := &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(maxKeys)}
		if delimiter != "" {
			in.Delimiter = aws.String(delimiter)
		}
		var out []string
		for page := 0; ; page++ {
			got, err := c.ListObjectVersions(ctx, in)
			if err != nil {
				t.Fatalf("ListObjectVersions page %d: %v", page, err)
			}
			// Within a page, S3's order: markers and versions by key and
			// newest first, then the common prefixes.
			var entries []string
			for _, v := range got.Versions {
				entries = append(entries, aws.ToString(v.Key)+" "+aws.ToString(v.VersionId)+latest(v.IsLatest))
			}
			for _, m := range got.DeleteMarkers {
				entries = append(entries, aws.ToString(m.Key)+" marker"+latest(m.IsLatest))
			}
			for _, p := range got.CommonPrefixes {
				entries = append(entries, aws.ToString(p.Prefix))
			}
			if len(entries) > int(maxKeys) {
				t.Fatalf("a page of MaxKeys %d held %d entries", maxKeys, len(entries))
			}
			out = append(out, entries...)
			if !aws.ToBool(got.IsTruncated) {
				return out
			}
			in.KeyMarker, in.VersionIdMarker = got.NextKeyMarker, got.NextVersionIdMarker
			if page > 40 {
				t.Fatal("ListObjectVersions never ends")
			}
		}
	}
	for _, delimiter := range []string{"", "/"} {
		// The SDK splits each page into versions, markers and prefixes,
		// so pages of other sizes are compared as sets.
		whole := sortedCopy(list(delimiter, 1000))
		if len(slices.Compact(slices.Clone(whole))) != len(whole) {
			t.Errorf("ListObjectVersions (delimiter %q) named an entry twice: %q", delimiter, whole)
		}
		for _, size := range []int32{1, 2, 3, 5} {
			if got := sortedCopy(list(delimiter, size)); !slices.Equal(got, whole) {
				t.Errorf("ListObjectVersions (delimiter %q) in pages of %d = %q; want %q", delimiter, size, got, whole)
			}
		}
	}
	if got := list("", 1000); len(got) != 13 {
		t.Errorf("ListObjectVersions = %q; want 12 versions and a delete marker", got)
	}
	if got := list("/", 1000); len(got) != 9 || got[7] != "a/" || got[8] != "d/" {
		t.Errorf("ListObjectVersions by / = %q; want b's, c's and e's entries, then a/ and d/", got)
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
