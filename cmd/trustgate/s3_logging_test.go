package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestS3BucketLogging sets a bucket's server access logging with the SDK,
// reads it back as it was put, and turns it off; a target S3 would not
// log to is refused as S3 refuses it (note 79).
func TestS3BucketLogging(t *testing.T) {
	ts, c, bucket := withBucket(t, "app")
	ctx := t.Context()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("app-logs")}); err != nil {
		t.Fatal(err)
	}
	logging := func() *s3types.LoggingEnabled {
		t.Helper()
		out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		return out.LoggingEnabled
	}
	if l := logging(); l != nil {
		t.Errorf("GetBucketLogging of a new bucket = %+v; want logging off", l)
	}
	set := func(l *s3types.LoggingEnabled) error {
		_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{LoggingEnabled: l}})
		return err
	}
	if err := set(&s3types.LoggingEnabled{TargetBucket: aws.String("app-logs"), TargetPrefix: aws.String("app/")}); err != nil {
		t.Fatal(err)
	}
	if l := logging(); l == nil || aws.ToString(l.TargetBucket) != "app-logs" || aws.ToString(l.TargetPrefix) != "app/" || l.TargetObjectKeyFormat != nil || l.TargetGrants != nil {
		t.Errorf("GetBucketLogging = %+v; want app-logs, app/, and no key format", l)
	}
	if err := set(&s3types.LoggingEnabled{TargetBucket: aws.String("app"), TargetPrefix: aws.String("self/"), TargetObjectKeyFormat: &s3types.TargetObjectKeyFormat{
		PartitionedPrefix: &s3types.PartitionedPrefix{PartitionDateSource: s3types.PartitionDateSourceDeliveryTime}}}); err != nil {
		t.Fatalf("PutBucketLogging to the bucket itself, partitioned: %v", err)
	}
	if l := logging(); l == nil || l.TargetObjectKeyFormat == nil || l.TargetObjectKeyFormat.PartitionedPrefix == nil ||
		l.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource != s3types.PartitionDateSourceDeliveryTime {
		t.Errorf("GetBucketLogging after a partitioned prefix = %+v", l)
	}

	// Targets S3 does not log to.
	eu := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", func(o *s3.Options) { o.Region = "eu-west-1" })
	if _, err := eu.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("eu-logs"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	_, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	if _, err := prodS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("prod-logs")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what      string
		l         *s3types.LoggingEnabled
		code, msg string
	}{
		{"a target that does not exist", &s3types.LoggingEnabled{TargetBucket: aws.String("nowhere"), TargetPrefix: aws.String("")},
			"InvalidTargetBucketForLogging", "The target bucket for logging does not exist"},
		{"another account's target", &s3types.LoggingEnabled{TargetBucket: aws.String("prod-logs"), TargetPrefix: aws.String("")},
			"InvalidTargetBucketForLogging", "The owner for the bucket to be logged and the target bucket must be the same."},
		{"a target in another region", &s3types.LoggingEnabled{TargetBucket: aws.String("eu-logs"), TargetPrefix: aws.String("")},
			"CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed."},
		{"target grants", &s3types.LoggingEnabled{TargetBucket: aws.String("app-logs"), TargetPrefix: aws.String(""), TargetGrants: []s3types.TargetGrant{{
			Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: s3types.BucketLogsPermissionWrite}}},
			"AccessControlListNotSupported", "Target grants not allowed for bucket owner enforced buckets"},
	} {
		wantAPIError(t, "PutBucketLogging to "+tc.what, set(tc.l), tc.code, tc.msg)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	for what, doc := range map[string]string{
		"no target bucket":               `<LoggingEnabled><TargetPrefix>x/</TargetPrefix></LoggingEnabled>`,
		"both key formats":               `<LoggingEnabled><TargetBucket>app-logs</TargetBucket><TargetPrefix/><TargetObjectKeyFormat><SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat></LoggingEnabled>`,
		"a date source S3 does not know": `<LoggingEnabled><TargetBucket>app-logs</TargetBucket><TargetPrefix/><TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>Now</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled>`,
	} {
		body := `<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + doc + `</BucketLoggingStatus>`
		if status, answer := ts.sendHeaders(t, root, "s3", http.MethodPut, "/app?logging", http.Header{"Content-Md5": {md5Base64(body)}}, body); status != 400 ||
			!strings.Contains(answer, "MalformedXML") {
			t.Errorf("PutBucketLogging with %s = %d %s; want MalformedXML", what, status, answer)
		}
	}
	if l := logging(); l == nil || aws.ToString(l.TargetBucket) != "app" {
		t.Errorf("GetBucketLogging after refused configurations = %+v; want the last one taken", l)
	}

	// An empty status turns logging off.
	if err := set(nil); err != nil {
		t.Fatal(err)
	}
	if l := logging(); l != nil {
		t.Errorf("GetBucketLogging after turning it off = %+v", l)
	}
}
