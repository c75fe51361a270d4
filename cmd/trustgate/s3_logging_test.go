package main

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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

// logTo makes the buckets bucket and target of account, c's, and logs
// bucket's requests to target under prefix.
func logTo(t *testing.T, c *s3.Client, account, bucket, target, prefix string) {
	t.Helper()
	for _, name := range []string{bucket, target} {
		if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	allowLogDelivery(t, c, target, account)
	if _, err := c.PutBucketLogging(t.Context(), &s3.PutBucketLoggingInput{Bucket: aws.String(bucket), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(prefix)}}}); err != nil {
		t.Fatal(err)
	}
}

// allowLogDelivery puts on target the bucket policy S3's user guide gives
// a target whose ACLs are disabled: s3:PutObject for the log delivery
// service, from the source account's buckets.
func allowLogDelivery(t *testing.T, c *s3.Client, target, sourceAccount string) {
	t.Helper()
	if _, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(target), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Sid":"S3ServerAccessLogsPolicy","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject",
		 "Resource":"arn:aws:s3:::` + target + `/*","Condition":{"StringEquals":{"aws:SourceAccount":"` + sourceAccount + `"}}}]}`)}); err != nil {
		t.Fatalf("PutBucketPolicy for the log delivery on %s: %v", target, err)
	}
}

// TestS3AccessLogs delivers a bucket's server access logs into its target
// and reads them back: a record per request in S3's format, the
// operation, requester, status and error code of each, denied and
// anonymous requests included, in log objects named as the key format
// says (note 79).
func TestS3AccessLogs(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	bucket := aws.String("shop")
	logTo(t, c, ts.Root.AccountId, "shop", "shop-logs", "shop/")
	put(t, c, "shop", "cart.json", "{}")
	if got, err := get(t, c, "shop", "cart.json"); err != nil || got != "{}" {
		t.Fatalf("GetObject = %q, %v", got, err)
	}
	_, err := get(t, c, "shop", "missing.json")
	wantAPIError(t, "GetObject of a missing key", err, "NoSuchKey", "")
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	resp, err := ts.httpClient(5 * time.Second).Get(ts.Endpoint + "/shop/cart.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	deliver := func(at time.Time) int {
		t.Helper()
		ticks <- at
		return <-delivered
	}
	at := time.Date(2026, 12, 3, 10, 20, 30, 0, time.UTC)
	if n := deliver(at); n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	if n := deliver(at); n != 0 {
		t.Errorf("a delivery with nothing new wrote %d log objects", n)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shop-logs")})
	if err != nil || len(listed.Contents) != 1 {
		t.Fatalf("the target's objects = %+v, %v; want one log object", listed, err)
	}
	key := aws.ToString(listed.Contents[0].Key)
	if !regexp.MustCompile(`^shop/2026-12-03-10-20-30-[0-9A-F]{16}$`).MatchString(key) {
		t.Errorf("log object key = %q; want shop/2026-12-03-10-20-30- and 16 hex digits", key)
	}
	body, err := get(t, c, "shop-logs", key)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		f := logFields(line)
		if len(f) != 26 || f[1] != "shop" || !strings.HasPrefix(f[2], "[") || (f[19] == "SigV4") != (f[4] != "-") {
			t.Errorf("log record %q has %d fields; want 26 of shop, signed by SigV4 when its requester is named", line, len(f))
			continue
		}
		if _, err := strconv.Atoi(f[14]); err != nil {
			t.Errorf("log record %q: turn-around time %q; want milliseconds", line, f[14])
		}
		got = append(got, strings.Join([]string{f[4], f[6], f[7], f[9], f[10], f[12]}, " "))
	}
	rootARN := "arn:aws:iam::" + ts.Root.AccountId + ":root"
	want := []string{
		rootARN + " REST.PUT.OBJECT cart.json 200 - 2",
		rootARN + " REST.GET.OBJECT cart.json 200 - 2",
		rootARN + " REST.GET.OBJECT missing.json 404 NoSuchKey -",
		rootARN + " REST.GET.BUCKET - 200 - -",
		"- REST.GET.OBJECT cart.json 403 AccessDenied -",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log records (requester, operation, key, status, error, object size) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A partitioned prefix names the source's account, region, bucket and
	// day; a bucket whose logging is off is not logged.
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("shop-logs"), TargetPrefix: aws.String("p/"),
			TargetObjectKeyFormat: &s3types.TargetObjectKeyFormat{PartitionedPrefix: &s3types.PartitionedPrefix{}}}}}); err != nil {
		t.Fatal(err)
	}
	// Partitioned by the records' day (EventTime), not the delivery's.
	before := time.Now().UTC()
	put(t, c, "shop", "order.json", "{}")
	after := time.Now().UTC()
	if n := deliver(at); n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	listed, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shop-logs"), Prefix: aws.String("p/")})
	partitioned := func(day time.Time) *regexp.Regexp {
		return regexp.MustCompile(`^p/` + ts.Root.AccountId + `/us-east-1/shop/` + day.Format("2006/01/02") + `/` + day.Format("2006-01-02") + `-00-00-00-[0-9A-F]{16}$`)
	}
	if err != nil || len(listed.Contents) != 1 || !partitioned(before).MatchString(aws.ToString(listed.Contents[0].Key)) &&
		!partitioned(after).MatchString(aws.ToString(listed.Contents[0].Key)) {
		t.Errorf("the partitioned log objects = %+v, %v; want one of the day of the request", listed.Contents, err)
	}
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: bucket, BucketLoggingStatus: &s3types.BucketLoggingStatus{}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "shop", "later.json", "{}")
	if n := deliver(at); n != 0 {
		t.Errorf("a delivery after logging was turned off wrote %d log objects", n)
	}
}

// logFields splits an access log record into its fields: apart by
// spaces, but for the quoted ones and the bracketed time.
func logFields(line string) []string {
	var fields []string
	for line != "" {
		var f string
		switch line[0] {
		case '"':
			end := strings.Index(line[1:], `"`) + 2
			f, line = line[:end], line[end:]
		case '[':
			end := strings.Index(line, "]") + 1
			f, line = line[:end], line[end:]
		default:
			f, line, _ = strings.Cut(line, " ")
			fields = append(fields, f)
			continue
		}
		fields = append(fields, f)
		line = strings.TrimPrefix(line, " ")
	}
	return fields
}

// TestS3AccessLogRecordsStayWhole: a key with a space or a line break
// stays one field of one record, and the records of a bucket deleted
// before their delivery never reach a bucket of its name made since by
// another account (note 79).
func TestS3AccessLogRecordsStayWhole(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	logTo(t, c, ts.Root.AccountId, "notes", "notes-logs", "")
	put(t, c, "notes", "a b\nforged-owner notes [01/Jan/2020:00:00:00 +0000].txt", "x")
	if n := (func() int { ticks <- time.Now(); return <-delivered })(); n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("notes-logs")})
	if err != nil || len(listed.Contents) != 1 {
		t.Fatalf("the target's objects = %+v, %v", listed, err)
	}
	body, err := get(t, c, "notes-logs", aws.ToString(listed.Contents[0].Key))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if f := logFields(lines[0]); len(lines) != 1 || len(f) != 26 || f[7] != "a%20b%0Aforged-owner%20notes%20%5B01/Jan/2020:00:00:00%20+0000%5D.txt" {
		t.Errorf("the record of a key with a space and a line break = %q; want one record of 26 fields, the key escaped", body)
	}

	// Records of a bucket gone before their delivery are dropped.
	put(t, c, "notes", "secret.txt", "x")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notes"), Key: aws.String("secret.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notes"), Key: aws.String(aws.ToString(listed.Contents[0].Key))}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("notes")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("notes"), Key: o.Key}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("notes")}); err != nil {
		t.Fatal(err)
	}
	_, prod := crossAccount(t, ts)
	logTo(t, ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, ""), prod.AccountId, "notes", "prod-notes-logs", "")
	ticks <- time.Now()
	<-delivered
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	if theirs, err := prodS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("prod-notes-logs")}); err != nil || len(theirs.Contents) != 0 {
		t.Errorf("another account's target of a bucket of the same name = %+v, %v; want none of the old bucket's records", theirs, err)
	}
}

// TestS3AccessLogsNeedTheTargetsPolicy: S3 delivers logs only into a
// target whose bucket policy lets its log delivery service write them,
// for the source bucket's account (note 79).
func TestS3AccessLogsNeedTheTargetsPolicy(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	for _, name := range []string{"orders", "orders-logs"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("orders"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("orders-logs"), TargetPrefix: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	deliver := func() int { ticks <- time.Now(); return <-delivered }
	put(t, c, "orders", "1.json", "{}")
	if n := deliver(); n != 0 {
		t.Errorf("a delivery into a target without a policy for it wrote %d log objects; want none", n)
	}
	allowLogDelivery(t, c, "orders-logs", "999999999999") // another account's buckets only
	put(t, c, "orders", "2.json", "{}")
	if n := deliver(); n != 0 {
		t.Errorf("a delivery into a target whose policy names another source account wrote %d log objects; want none", n)
	}
	allowLogDelivery(t, c, "orders-logs", ts.Root.AccountId)
	put(t, c, "orders", "3.json", "{}")
	if n := deliver(); n != 1 {
		t.Errorf("a delivery into a target whose policy allows it wrote %d log objects; want 1", n)
	}
}

// TestS3AccessLogsOfCopiesAndBatches: a copy leaves a record of its read
// in the source bucket's log, REST.COPY.OBJECT_GET, whatever bucket it
// writes; a multi-object delete leaves one record per key beside its own,
// BATCH.DELETE.OBJECT (note 79).
func TestS3AccessLogsOfCopiesAndBatches(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	for _, name := range []string{"originals", "copies", "originals-logs"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	put(t, c, "originals", "a.txt", "aaa")
	put(t, c, "originals", "b.txt", "bb")
	allowLogDelivery(t, c, "originals-logs", ts.Root.AccountId)
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("originals"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("originals-logs"), TargetPrefix: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copies"), Key: aws.String("a-copy.txt"), CopySource: aws.String("originals/a.txt")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("copies"), Key: aws.String("z-copy.txt"), CopySource: aws.String("originals/z.txt")})
	wantAPIError(t, "CopyObject of a missing source", err, "NoSuchKey", "")
	if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("originals"), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("a.txt")}, {Key: aws.String("b.txt")}}}}); err != nil {
		t.Fatal(err)
	}
	ticks <- time.Now()
	if n := <-delivered; n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("originals-logs")})
	if err != nil || len(listed.Contents) != 1 {
		t.Fatalf("the target's objects = %+v, %v", listed, err)
	}
	body, err := get(t, c, "originals-logs", aws.ToString(listed.Contents[0].Key))
	if err != nil {
		t.Fatal(err)
	}
	// Records beside a request's own name no request line.
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		f := logFields(line)
		got = append(got, strings.Join([]string{f[1], f[7], f[6], f[8], f[9], f[10], f[12]}, " "))
	}
	want := []string{
		`originals a.txt REST.COPY.OBJECT_GET "-" 200 - 3`,
		`originals z.txt REST.COPY.OBJECT_GET "-" 404 NoSuchKey -`,
		`originals - REST.POST.MULTI_OBJECT_DELETE "POST /originals?delete= HTTP/1.1" 200 - -`,
		`originals a.txt BATCH.DELETE.OBJECT "-" 204 - -`,
		`originals b.txt BATCH.DELETE.OBJECT "-" 204 - -`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log records (bucket, key, operation, status, object size) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestS3AccessLogsOfLifecycle: what lifecycle rules do to a logged bucket
// is in its log, by the requester AmazonS3: S3.CREATE.DELETEMARKER,
// S3.EXPIRE.OBJECT and S3.DELETE.UPLOAD (note 79).
func TestS3AccessLogsOfLifecycle(t *testing.T) {
	logTicks, delivered := make(chan time.Time), make(chan int)
	lifecycleTicks, ran := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: logTicks, accessLogsDelivered: delivered, lifecycleTicks: lifecycleTicks, lifecycleRan: ran})
	c := ts.rootS3()
	ctx := t.Context()
	versionedBucket(t, c, "archive")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("archive-logs")}); err != nil {
		t.Fatal(err)
	}
	allowLogDelivery(t, c, "archive-logs", ts.Root.AccountId)
	if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("archive"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("archive-logs"), TargetPrefix: aws.String("")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("archive"),
		LifecycleConfiguration: &s3types.BucketLifecycleConfiguration{Rules: []s3types.LifecycleRule{{ID: aws.String("tidy"), Status: s3types.ExpirationStatusEnabled,
			Filter: &s3types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &s3types.LifecycleExpiration{Days: aws.Int32(1)},
			NoncurrentVersionExpiration:    &s3types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(1)},
			AbortIncompleteMultipartUpload: &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}}}}}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "archive", "old.txt", "old")
	if _, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("archive"), Key: aws.String("stale.bin")}); err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{3, 6} {
		lifecycleTicks <- time.Now().Add(time.Duration(days) * 24 * time.Hour)
		<-ran
	}
	logTicks <- time.Now()
	if n := <-delivered; n == 0 {
		t.Fatal("no log object was delivered")
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("archive-logs")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range listed.Contents {
		body, err := get(t, c, "archive-logs", aws.ToString(o.Key))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
			if f := logFields(line); len(f) == 26 && f[4] == "AmazonS3" {
				got = append(got, f[6]+" "+f[7])
			} else if len(f) != 26 {
				t.Errorf("log record %q has %d fields; want 26", line, len(f))
			}
		}
	}
	// The version, expired under its delete marker, then the marker, all
	// that was left of its key.
	want := []string{"S3.CREATE.DELETEMARKER old.txt", "S3.DELETE.UPLOAD stale.bin", "S3.EXPIRE.OBJECT old.txt", "S3.EXPIRE.OBJECT old.txt"}
	if strings.Join(sortedCopy(got), "\n") != strings.Join(want, "\n") {
		t.Errorf("the lifecycle's log records =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestS3AccessLogsOfRefusedAuthentication: a request on a logged bucket
// that fails authentication is in its log too, by no requester (note 79).
func TestS3AccessLogsOfRefusedAuthentication(t *testing.T) {
	ticks, delivered := make(chan time.Time), make(chan int)
	ts := startServerWith(t, serveOptions{accessLogTicks: ticks, accessLogsDelivered: delivered})
	c := ts.rootS3()
	ctx := t.Context()
	logTo(t, c, ts.Root.AccountId, "vault", "vault-logs", "")
	forged := ts.s3Client(ts.Root.AccessKeyId, "not-the-secret", "")
	_, err := get(t, forged, "vault", "gold.txt")
	wantAPIError(t, "GetObject with a wrong secret", err, "SignatureDoesNotMatch", "")
	form := signedForm(ts.Root.AccessKeyId, "not-the-secret", time.Now().Add(time.Hour), []any{map[string]string{"bucket": "vault"},
		[]any{"starts-with", "$key", ""}}, postField{"key", "upload.txt"})
	if resp, body := postForm(t, ts, "vault", form, "upload.txt", []byte("x")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a POST form with a wrong secret = %d %s; want 403", resp.StatusCode, body)
	}
	ticks <- time.Now()
	if n := <-delivered; n != 1 {
		t.Fatalf("a delivery wrote %d log objects; want 1", n)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("vault-logs")})
	if err != nil || len(listed.Contents) != 1 {
		t.Fatalf("the target's objects = %+v, %v", listed, err)
	}
	body, err := get(t, c, "vault-logs", aws.ToString(listed.Contents[0].Key))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 {
		t.Fatalf("log records = %q; want two", body)
	}
	for i, want := range [][2]string{{"REST.GET.OBJECT", "gold.txt"}, {"REST.POST.OBJECT", "upload.txt"}} {
		f := logFields(lines[i])
		if len(f) != 26 || f[4] != "-" || f[6] != want[0] || f[7] != want[1] || f[9] != "403" || f[10] != "SignatureDoesNotMatch" {
			t.Errorf("the record of a request refused its authentication = %q; want %s of %s, 403 SignatureDoesNotMatch", lines[i], want[0], want[1])
		}
	}
}
