package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// Note 89: a bucket's tags decide access to it and its objects once its
// owner turns ABAC on, and then change through S3 Control alone.
func TestS3BucketABAC(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	account := aws.String(ts.Root.AccountId)
	bucketTag := func(project string) *s3types.CreateBucketConfiguration {
		return &s3types.CreateBucketConfiguration{Tags: []s3types.Tag{{Key: aws.String("project"), Value: aws.String(project)}}}
	}
	for name, project := range map[string]string{"blue-data": "blue", "red-data": "red"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name), CreateBucketConfiguration: bucketTag(project)}); err != nil {
			t.Fatalf("CreateBucket %s with tags: %v", name, err)
		}
		put(t, c, name, "plan.txt", project)
	}
	if got, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("blue-data")}); err != nil ||
		len(got.TagSet) != 1 || aws.ToString(got.TagSet[0].Value) != "blue" {
		t.Errorf("GetBucketTagging of a bucket tagged at creation = %+v, %v", got, err)
	}

	// The blue team reads the buckets of its project, by their tags.
	ts.userAllowed(t, "blue", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/project":"blue"}}},`+
		`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:BucketTag/project":"blue"}}}]}`)
	blue := ts.userS3(t, "blue")
	reads := func() (getErr, listErr error) {
		t.Helper()
		_, getErr = get(t, blue, "blue-data", "plan.txt")
		_, listErr = blue.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("blue-data")})
		return getErr, listErr
	}
	abac := func(bucket, status string) {
		t.Helper()
		if _, err := c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: aws.String(bucket), AbacStatus: &s3types.AbacStatus{Status: s3types.BucketAbacStatus(status)}}); err != nil {
			t.Fatalf("PutBucketAbac %s %s: %v", bucket, status, err)
		}
	}
	if got, err := c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: aws.String("blue-data")}); err != nil || got.AbacStatus == nil || got.AbacStatus.Status != s3types.BucketAbacStatusDisabled {
		t.Errorf("GetBucketAbac of a new bucket = %+v, %v; want Disabled", got, err)
	}
	// Until ABAC is on, a bucket's tags are no condition keys.
	getErr, listErr := reads()
	wantAPIError(t, "GetObject by tag, ABAC off", getErr, "AccessDenied", "s3:GetObject")
	wantAPIError(t, "ListObjectsV2 by tag, ABAC off", listErr, "AccessDenied", "s3:ListBucket")
	abac("blue-data", "Enabled")
	abac("red-data", "Enabled")
	if got, err := c.GetBucketAbac(ctx, &s3.GetBucketAbacInput{Bucket: aws.String("blue-data")}); err != nil || got.AbacStatus.Status != s3types.BucketAbacStatusEnabled {
		t.Errorf("GetBucketAbac once enabled = %+v, %v", got, err)
	}
	if getErr, listErr := reads(); getErr != nil || listErr != nil {
		t.Errorf("reads by tag, ABAC on: GetObject %v, ListObjectsV2 %v", getErr, listErr)
	}
	_, err := get(t, blue, "red-data", "plan.txt")
	wantAPIError(t, "GetObject of another project's bucket", err, "AccessDenied", "")

	// With ABAC on, the tags change through S3 Control alone: whoever may
	// tag a bucket is decided with s3:TagResource and its keys.
	_, err = c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("blue-data"), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("project"), Value: aws.String("red")}}}})
	wantAPIError(t, "PutBucketTagging, ABAC on", err, "InvalidRequest", "TagResource")
	_, err = c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: aws.String("blue-data")})
	wantAPIError(t, "DeleteBucketTagging, ABAC on", err, "InvalidRequest", "UntagResource")
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	blueARN := aws.String("arn:aws:s3:::blue-data")
	tagsOf := func(arn *string) string {
		t.Helper()
		out, err := control.ListTagsForResource(ctx, &s3control.ListTagsForResourceInput{AccountId: account, ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsForResource %s: %v", aws.ToString(arn), err)
		}
		var tags []string
		for _, tag := range out.Tags {
			tags = append(tags, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return strings.Join(tags, ",")
	}
	if got := tagsOf(blueARN); got != "project=blue" {
		t.Errorf("ListTagsForResource of the bucket = %s", got)
	}
	if _, err := control.TagResource(ctx, &s3control.TagResourceInput{AccountId: account, ResourceArn: blueARN,
		Tags: []s3controltypes.Tag{{Key: aws.String("project"), Value: aws.String("red")}, {Key: aws.String("cost"), Value: aws.String("42")}}}); err != nil {
		t.Fatalf("TagResource of a bucket: %v", err)
	}
	if got := tagsOf(blueARN); got != "project=red,cost=42" {
		t.Errorf("tags once TagResource replaced project = %s", got)
	}
	_, err = get(t, blue, "blue-data", "plan.txt")
	wantAPIError(t, "GetObject once the bucket's project changed", err, "AccessDenied", "s3:GetObject")
	if _, err := control.UntagResource(ctx, &s3control.UntagResourceInput{AccountId: account, ResourceArn: blueARN, TagKeys: []string{"project"}}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(blueARN); got != "cost=42" {
		t.Errorf("tags once project is removed = %s", got)
	}
	_, err = control.ListTagsForResource(ctx, &s3control.ListTagsForResourceInput{AccountId: account, ResourceArn: aws.String("arn:aws:s3:::no-such-bucket")})
	wantAPIError(t, "ListTagsForResource of a missing bucket", err, "NoSuchBucket", "")

	// A user may tag a bucket as the tagging actions' keys allow: at
	// creation with s3:TagResource beside s3:CreateBucket, and later with
	// TagResource, its aws:RequestTag and aws:TagKeys keys and, ABAC on,
	// the bucket's own tags.
	ts.userAllowed(t, "builder", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":["s3:CreateBucket","s3:PutBucketAbac"],"Resource":"*"},`+
		`{"Effect":"Allow","Action":"s3:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/project":"green"}}},`+
		`{"Effect":"Deny","Action":"s3:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/locked":"yes"}}}]}`)
	builderKey := ts.accessKey(t, "builder")
	builder := ts.s3Client(builderKey.id, builderKey.secret, "")
	_, err = builder.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("purple-data"), CreateBucketConfiguration: bucketTag("purple")})
	wantAPIError(t, "CreateBucket with a tag s3:TagResource does not allow", err, "AccessDenied", "s3:TagResource")
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("purple-data")}); err == nil {
		t.Error("a CreateBucket refused its tags made its bucket")
	}
	if _, err := builder.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("green-data"), CreateBucketConfiguration: bucketTag("green")}); err != nil {
		t.Fatalf("CreateBucket with a tag s3:TagResource allows: %v", err)
	}
	if _, err := c.PutBucketAbac(ctx, &s3.PutBucketAbacInput{Bucket: aws.String("green-data"), AbacStatus: &s3types.AbacStatus{Status: s3types.BucketAbacStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	builderControl := ts.s3ControlClient(builderKey.id, builderKey.secret, "")
	tag := func(key, value string) error {
		_, err := builderControl.TagResource(ctx, &s3control.TagResourceInput{AccountId: account, ResourceArn: aws.String("arn:aws:s3:::green-data"),
			Tags: []s3controltypes.Tag{{Key: aws.String(key), Value: aws.String(value)}}})
		return err
	}
	wantAPIError(t, "TagResource of a tag the policy does not allow", tag("project", "purple"), "AccessDenied", "s3:TagResource")
	if _, err := control.TagResource(ctx, &s3control.TagResourceInput{AccountId: account, ResourceArn: aws.String("arn:aws:s3:::green-data"),
		Tags: []s3controltypes.Tag{{Key: aws.String("locked"), Value: aws.String("yes")}}}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, "TagResource of a bucket whose own tag denies it", tag("project", "green"), "AccessDenied", "s3:TagResource")

	// Turned off, the tags are no keys again, and PutBucketTagging works.
	abac("blue-data", "Disabled")
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("blue-data"), Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("project"), Value: aws.String("blue")}}}}); err != nil {
		t.Errorf("PutBucketTagging, ABAC off again: %v", err)
	}
	_, err = get(t, blue, "blue-data", "plan.txt")
	wantAPIError(t, "GetObject by tag, ABAC off again", err, "AccessDenied", "s3:GetObject")
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	if status, body := ts.send(t, root, "s3", "PUT", "/blue-data?abac", "application/xml", `<AbacStatus><Status>On</Status></AbacStatus>`); status != 400 || !strings.Contains(body, "MalformedXML") {
		t.Errorf("PutBucketAbac of status On = %d %s; want MalformedXML", status, body)
	}
}
