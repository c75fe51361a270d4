package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Object tags, and the condition keys they make: s3:ExistingObjectTag on
// reads, s3:RequestObjectTag on writes, which also need
// s3:PutObjectTagging (note 45).
func TestS3ObjectTags(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootS3()
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("records")}); err != nil {
		t.Fatal(err)
	}
	putTagged := func(c *s3.Client, key, tagging string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("records"), Key: aws.String(key), Body: strings.NewReader(key), Tagging: aws.String(tagging)})
		return err
	}
	for key, tagging := range map[string]string{"public.txt": "classification=public", "secret.txt": "classification=secret&owner=legal"} {
		if err := putTagged(root, key, tagging); err != nil {
			t.Fatalf("PutObject(%s, %s): %v", key, tagging, err)
		}
	}
	got, err := root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("secret.txt")})
	if err != nil || len(got.TagSet) != 2 || aws.ToString(got.TagSet[0].Key) != "classification" || aws.ToString(got.TagSet[1].Value) != "legal" {
		t.Errorf("GetObjectTagging = %+v, %v", got, err)
	}
	head, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("records"), Key: aws.String("secret.txt")})
	if err != nil || aws.ToInt32(head.TagCount) != 2 {
		t.Errorf("HeadObject TagCount = %+v, %v; want 2", head, err)
	}

	ts.userAllowed(t, "reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::records/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"public"}}},
		{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::records/*","Condition":{"StringEquals":{"s3:RequestObjectTag/project":"apollo"}}}]}`)
	reader := ts.userS3(t, "reader")
	if _, err := get(t, reader, "records", "public.txt"); err != nil {
		t.Errorf("GetObject of the public-tagged object: %v", err)
	}
	_, err = get(t, reader, "records", "secret.txt")
	wantAPIError(t, "GetObject of the secret-tagged object", err, "AccessDenied", "s3:GetObject")
	if _, err := root.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("secret.txt"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("classification"), Value: aws.String("public")}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, reader, "records", "secret.txt"); err != nil {
		t.Errorf("GetObject once retagged public: %v", err)
	}

	if err := putTagged(reader, "plan.txt", "project=apollo"); err != nil {
		t.Errorf("PutObject tagged project=apollo: %v", err)
	}
	err = putTagged(reader, "plan.txt", "project=gemini")
	wantAPIError(t, "PutObject tagged project=gemini", err, "AccessDenied", "s3:PutObject")
	put := func(c *s3.Client, key string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("records"), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}
	wantAPIError(t, "PutObject without the tag the policy requires", put(reader, "plan.txt"), "AccessDenied", "s3:PutObject")

	ts.userAllowed(t, "writer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::records/*"}]}`)
	writer := ts.userS3(t, "writer")
	if err := put(writer, "untagged.txt"); err != nil {
		t.Errorf("PutObject without tags, allowed s3:PutObject: %v", err)
	}
	wantAPIError(t, "PutObject with tags, without s3:PutObjectTagging", putTagged(writer, "tagged.txt", "a=b"), "AccessDenied", "s3:PutObjectTagging")

	var eleven []string
	for i := range 11 {
		eleven = append(eleven, "k"+string(rune('a'+i))+"=v")
	}
	wantAPIError(t, "PutObject with 11 tags", putTagged(root, "many.txt", strings.Join(eleven, "&")), "BadRequest", "Object tags cannot be greater than 10")
	wantAPIError(t, "PutObject with a repeated tag", putTagged(root, "twice.txt", "a=1&a=2"), "InvalidArgument", "x-amz-tagging")
	wantAPIError(t, "PutObject with a tag value S3 does not allow", putTagged(root, "odd.txt", "a=%28b%29"), "InvalidTag", "TagValue")
	if err := putTagged(root, "accented.txt", strings.Repeat("%C3%A9", 100)+"=v"); err != nil {
		t.Errorf("PutObject with a tag key of 100 two-byte letters: %v", err)
	}

	if _, err := root.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("records"), Key: aws.String("copy.txt"), CopySource: aws.String("records/public.txt")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("copy.txt")}); got == nil || len(got.TagSet) != 1 {
		t.Errorf("tags of a copy = %+v; want the source's, copied by default", got)
	}
	if _, err := root.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("records"), Key: aws.String("copy.txt"), CopySource: aws.String("records/copy.txt"),
		TaggingDirective: s3types.TaggingDirectiveReplace, Tagging: aws.String("stage=archived")}); err != nil {
		t.Fatalf("CopyObject onto itself with new tags: %v", err)
	}
	if got, _ := root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("copy.txt")}); got == nil || len(got.TagSet) != 1 || aws.ToString(got.TagSet[0].Key) != "stage" {
		t.Errorf("tags after REPLACE = %+v", got)
	}
	if _, err := root.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("copy.txt")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("copy.txt")}); got == nil || len(got.TagSet) != 0 {
		t.Errorf("tags after DeleteObjectTagging = %+v", got)
	}
	up, err := root.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("records"), Key: aws.String("big.bin"), Tagging: aws.String("size=big")})
	if err != nil {
		t.Fatal(err)
	}
	part, err := root.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("records"), Key: aws.String("big.bin"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("only part")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("records"), Key: aws.String("big.bin"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("big.bin")}); got == nil || len(got.TagSet) != 1 {
		t.Errorf("tags of a multipart object = %+v; want those of CreateMultipartUpload", got)
	}
	_, err = root.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: aws.String("records"), Key: aws.String("missing")})
	wantAPIError(t, "GetObjectTagging of a missing key", err, "NoSuchKey", "")
}

// userS3 returns an S3 client with a new access key of the user.
func (ts *testServer) userS3(t *testing.T, user string) *s3.Client {
	t.Helper()
	key := ts.accessKey(t, user)
	return ts.s3Client(key.id, key.secret, "")
}
