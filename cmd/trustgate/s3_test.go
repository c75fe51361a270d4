package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	s3api "github.com/trustgate/trustgate/service/s3"
)

// s3Client is an S3 client of the real SDK, path-style, with its
// signing, and with checksums where S3 requires them: the zero value of
// s3.Options' RequestChecksumCalculation, unlike config.LoadDefaultConfig's
// (see checksummingS3).
func (ts *testServer) s3Client(id, secret, token string, options ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		HTTPClient:   ts.httpClient(30 * time.Second),
	}, options...)
}

// checksumming gives an S3 client the checksums config.LoadDefaultConfig
// gives it: a CRC32 on every write that takes one.
func checksumming(o *s3.Options) {
	o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
}

func (ts *testServer) rootS3() *s3.Client {
	return ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
}

// withBucket starts a server and makes a bucket of its root user's, for
// a test of what S3 does within one: it returns the server, the root
// user's client and the bucket's name.
func withBucket(t *testing.T, name string) (*testServer, *s3.Client, *string) {
	t.Helper()
	ts := startServer(t)
	c := ts.rootS3()
	if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	return ts, c, aws.String(name)
}

func (ts *testServer) sessionS3(c *ststypes.Credentials) *s3.Client {
	return ts.s3Client(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	if _, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		t.Fatalf("PutObject(%s/%s): %v", bucket, key, err)
	}
}

// rawAnswer records the HTTP answer to an SDK call, which the SDK keeps
// to itself on an error: its status, headers and body (left for the SDK
// to read too).
type rawAnswer struct {
	status int
	header http.Header
	body   []byte
}

// record is an s3 option that fills a in.
func (a *rawAnswer) record(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("rawAnswer", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok {
				a.status, a.header = resp.StatusCode, resp.Header
				a.body, _ = io.ReadAll(resp.Body)
				resp.Body = io.NopCloser(bytes.NewReader(a.body))
			}
			return out, md, err
		}), middleware.After)
	})
}

func get(t *testing.T, c *s3.Client, bucket, key string) (string, error) {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

// Buckets and objects through the SDK, with its default CRC32 checksums.
func TestS3Objects(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("photos")}); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("sunset ", 3000)
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg"), Body: strings.NewReader(body),
		ContentType: aws.String("image/jpeg"), Metadata: map[string]string{"camera": "x100"}, ChecksumAlgorithm: s3types.ChecksumAlgorithmCrc32})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.ETag) == "" || aws.ToString(out.ChecksumCRC32) == "" {
		t.Errorf("PutObject = ETag %q, CRC32 %q", aws.ToString(out.ETag), aws.ToString(out.ChecksumCRC32))
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg"), ChecksumMode: s3types.ChecksumModeEnabled})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != body || aws.ToString(got.ContentType) != "image/jpeg" || got.Metadata["camera"] != "x100" || aws.ToString(got.ETag) != aws.ToString(out.ETag) {
		t.Errorf("GetObject = %d bytes, %q, %v, %q", len(b), aws.ToString(got.ContentType), got.Metadata, aws.ToString(got.ETag))
	}

	ranged, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg"), Range: aws.String("bytes=7-13")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(ranged.Body)
	ranged.Body.Close()
	if string(b) != "sunset " || aws.ToString(ranged.ContentRange) != fmt.Sprintf("bytes 7-13/%d", len(body)) {
		t.Errorf("a range = %q, %s", b, aws.ToString(ranged.ContentRange))
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg"), IfNoneMatch: out.ETag})
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotModified {
		t.Errorf("GetObject If-None-Match its ETag = %v, want 304", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg"), IfMatch: aws.String(`"nope"`)})
	wantAPIError(t, "GetObject If-Match another ETag", err, "PreconditionFailed", "")

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("2026/Sunset.jpg")})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(len(body)) {
		t.Errorf("HeadObject = %+v, %v", head, err)
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("missing")})
	wantAPIError(t, "HeadObject of a missing key", err, "NotFound", "")
	_, err = get(t, c, "photos", "missing")
	wantAPIError(t, "GetObject of a missing key", err, "NoSuchKey", "")
	_, err = get(t, c, "nobucket", "k")
	wantAPIError(t, "GetObject in a missing bucket", err, "NoSuchBucket", "")

	for _, k := range []string{"2026/a.jpg", "2026/raw/b.raw", "2027/c.jpg", "readme.txt"} {
		put(t, c, "photos", k, k)
	}
	var keys, prefixes []string
	var token *string
	for page := 0; ; page++ {
		l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos"), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2), ContinuationToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range l.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		for _, p := range l.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(p.Prefix))
		}
		if !aws.ToBool(l.IsTruncated) {
			break
		}
		token = l.NextContinuationToken
		if page > 5 {
			t.Fatal("ListObjectsV2 does not end")
		}
	}
	if strings.Join(keys, ",") != "readme.txt" || strings.Join(prefixes, ",") != "2026/,2027/" {
		t.Errorf("ListObjectsV2 with / = keys %v, prefixes %v", keys, prefixes)
	}
	l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos"), Prefix: aws.String("2026/")})
	if err != nil || len(l.Contents) != 3 {
		t.Errorf("ListObjectsV2 under 2026/ = %v, %v", l, err)
	}

	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("photos"), Key: aws.String("copy.jpg"), CopySource: aws.String("photos/2026/Sunset.jpg")})
	if err != nil || aws.ToString(copied.CopyObjectResult.ETag) != aws.ToString(out.ETag) {
		t.Errorf("CopyObject = %v, %v", copied, err)
	}
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("photos")})
	wantAPIError(t, "DeleteBucket of a bucket with objects", err, "BucketNotEmpty", "")
	del, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("photos"), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("2026/Sunset.jpg")}, {Key: aws.String("2026/a.jpg")}, {Key: aws.String("2026/raw/b.raw")}, {Key: aws.String("2027/c.jpg")},
		{Key: aws.String("readme.txt")}, {Key: aws.String("copy.jpg")}, {Key: aws.String("never-there")}}}})
	if err != nil || len(del.Deleted) != 7 || len(del.Errors) != 0 {
		t.Errorf("DeleteObjects = %+v, %v", del, err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("photos")}); err != nil {
		t.Errorf("DeleteBucket of an empty bucket: %v", err)
	}
}

// Seeds 000 and 002: a production bucket shared with the staging account
// by bucket policy; a staging user reads it only with an identity policy
// too; the production role reads it with its own permissions alone; a
// missing key is AccessDenied to a caller without s3:ListBucket.
func TestS3AcrossAccounts(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	roleARN, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	if _, err := prodS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("productionapp")}); err != nil {
		t.Fatal(err)
	}
	put(t, prodS3, "productionapp", "Sunset.jpg", "pixels")
	staging := ts.Root.AccountId

	// The staging user "tester" may assume StageRole; give it a key.
	tester := ts.rootIAM()
	key, err := tester.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("tester")})
	if err != nil {
		t.Fatal(err)
	}
	testerS3 := ts.s3Client(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")

	_, err = get(t, testerS3, "productionapp", "Sunset.jpg")
	// Both accounts are the organization's, so S3 explains the denial.
	wantAPIError(t, "GetObject across accounts without a bucket policy", err, "AccessDenied",
		`is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::productionapp/Sunset.jpg" because no identity-based policy allows`)
	// Another account may never read a bucket's policy: without a grant
	// it is denied, with one it is told the method is not allowed.
	stagingS3 := ts.rootS3()
	_, err = stagingS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("productionapp")})
	wantAPIError(t, "GetBucketPolicy of another account's bucket, ungranted", err, "AccessDenied", "")
	if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("productionapp"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + staging +
			`:root"},"Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::productionapp"}]}`)}); err != nil {
		t.Fatal(err)
	}
	_, err = stagingS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("productionapp")})
	wantAPIError(t, "GetBucketPolicy of another account's bucket, granted", err, "MethodNotAllowed", "")

	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + staging + `:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::productionapp","arn:aws:s3:::productionapp/*"]}]}`
	if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("productionapp"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	_, err = get(t, testerS3, "productionapp", "Sunset.jpg")
	wantAPIError(t, "GetObject granted by the bucket policy alone", err, "AccessDenied", "")
	mustDo(t, "PutUserPolicy", func() error {
		_, err := tester.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("tester"), PolicyName: aws.String("read-prod"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::productionapp/*"}]}`)})
		return err
	})
	if got, err := get(t, testerS3, "productionapp", "Sunset.jpg"); err != nil || got != "pixels" {
		t.Errorf("GetObject with both policies = %q, %v", got, err)
	}
	_, err = testerS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("productionapp"), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantAPIError(t, "PutObject the bucket policy does not grant", err, "AccessDenied", "")
	_, err = get(t, testerS3, "productionapp", "missing.jpg")
	wantAPIError(t, "GetObject of a missing key, without s3:ListBucket", err, "AccessDenied", "")

	// StageRole (ReadOnlyAccess) reads its own account's bucket, no writes.
	out, err := ts.stsClient(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	roleS3 := ts.sessionS3(out.Credentials)
	if got, err := get(t, roleS3, "productionapp", "Sunset.jpg"); err != nil || got != "pixels" {
		t.Errorf("GetObject by StageRole = %q, %v", got, err)
	}
	_, err = get(t, roleS3, "productionapp", "missing.jpg")
	wantAPIError(t, "GetObject of a missing key with s3:ListBucket", err, "NoSuchKey", "")
	_, err = roleS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("productionapp"), Key: aws.String("x"), Body: strings.NewReader("x")})
	wantAPIError(t, "PutObject under ReadOnlyAccess", err, "AccessDenied", "s3:PutObject")

	// Bucket names are global.
	_, err = ts.rootS3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("productionapp")})
	wantAPIError(t, "CreateBucket of another account's name", err, "BucketAlreadyExists", "")
}

// Block Public Access: a public policy is refused until BlockPublicPolicy
// is off, and serves anonymous readers only once RestrictPublicBuckets is
// off too (note 38).
func TestS3PublicAccess(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("website")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "website", "index.html", "<h1>hi</h1>")
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}]}`
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(public)})
	wantAPIError(t, "a public policy under BlockPublicPolicy", err, "AccessDenied", "BlockPublicPolicy")

	anonymous := func() int {
		resp, err := http.Get(ts.Endpoint + "/website/index.html")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("website"), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(public)}); err != nil {
		t.Fatalf("a public policy without BlockPublicPolicy: %v", err)
	}
	status, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("website")})
	if err != nil || !aws.ToBool(status.PolicyStatus.IsPublic) {
		t.Errorf("GetBucketPolicyStatus = %+v, %v; want public", status, err)
	}
	if code := anonymous(); code != http.StatusForbidden {
		t.Errorf("anonymous GET under RestrictPublicBuckets = %d, want 403", code)
	}
	// Four false settings are a configuration that reads back; after
	// DeletePublicAccessBlock there is none.
	if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("website"), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if code := anonymous(); code != http.StatusOK {
		t.Errorf("anonymous GET of a public bucket that blocks nothing = %d, want 200", code)
	}
	if got, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("website")}); err != nil ||
		got.PublicAccessBlockConfiguration == nil || aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("GetPublicAccessBlock of four false settings = %+v, %v; want them back", got, err)
	}
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("website")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("website")})
	wantAPIError(t, "GetPublicAccessBlock once deleted", err, "NoSuchPublicAccessBlockConfiguration", "")
	if code := anonymous(); code != http.StatusOK {
		t.Errorf("anonymous GET of a public bucket = %d, want 200", code)
	}
	resp, err := http.Get(ts.Endpoint + "/website/other.html")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(b, []byte("<Code>AccessDenied</Code>")) {
		t.Errorf("anonymous GET of a missing key without s3:ListBucket = %d %s", resp.StatusCode, b)
	}
	// Only a signed GET may set its answer's headers.
	resp, err = http.Get(ts.Endpoint + "/website/index.html?response-content-type=text/plain")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte("cannot be used for anonymous GET requests")) {
		t.Errorf("anonymous GET with response-content-type = %d %s; want 400 InvalidRequest", resp.StatusCode, b)
	}

	// Fixed to an organization, a wildcard principal is not public.
	orgOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(orgOnly)}); err != nil {
		t.Fatal(err)
	}
	if status, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("website")}); err != nil || aws.ToBool(status.PolicyStatus.IsPublic) {
		t.Errorf("GetBucketPolicyStatus of an organization's policy = %+v, %v; want not public", status, err)
	}
}

// Bad bucket requests fail as S3 fails them.
func TestS3BucketErrors(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	for _, name := range []string{"UpperCase", "ab", "has_underscore", "192.168.5.4", "xn--bucket", "ends-with-"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "InvalidBucketName" {
			t.Errorf("CreateBucket(%q) = %v, want InvalidBucketName", name, err)
		}
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("twice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("twice")}); err != nil {
		t.Errorf("CreateBucket of its own us-east-1 bucket again = %v, want success as in us-east-1", err)
	}
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("twice"), Policy: aws.String(`{"Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)})
	wantAPIError(t, "PutBucketPolicy without Principal", err, "MalformedPolicy", "")
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("twice"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`)})
	wantAPIError(t, "PutBucketPolicy naming another bucket", err, "MalformedPolicy", "Policy has invalid resource")
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("twice")})
	wantAPIError(t, "GetBucketPolicy without one", err, "NoSuchBucketPolicy", "")
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("nothing-here")})
	wantAPIError(t, "HeadBucket of a missing bucket", err, "NotFound", "")
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("twice")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation of a us-east-1 bucket = %+v, %v; want the empty constraint", loc, err)
	}
	list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(list.Buckets) != 1 || aws.ToString(list.Buckets[0].Name) != "twice" {
		t.Errorf("ListBuckets = %+v, %v", list, err)
	}

	// ListBuckets by prefix and region, in pages.
	for _, name := range []string{"logs-a", "logs-b", "logs-c", "media"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	pages := s3.NewListBucketsPaginator(c, &s3.ListBucketsInput{Prefix: aws.String("logs-"), MaxBuckets: aws.Int32(2)})
	for n := 0; pages.HasMorePages(); n++ {
		page, err := pages.NextPage(ctx)
		if err != nil || n > 2 {
			t.Fatalf("ListBuckets page %d: %+v, %v", n, page, err)
		}
		if aws.ToString(page.Prefix) != "logs-" {
			t.Errorf("ListBuckets page %d names prefix %q", n, aws.ToString(page.Prefix))
		}
		for _, b := range page.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
	}
	if want := []string{"logs-a", "logs-b", "logs-c"}; !slices.Equal(names, want) {
		t.Errorf("ListBuckets of logs- in pages of 2 = %q; want %q", names, want)
	}
	if other, err := c.ListBuckets(ctx, &s3.ListBucketsInput{BucketRegion: aws.String("eu-west-1")}); err != nil || len(other.Buckets) != 0 {
		t.Errorf("ListBuckets in eu-west-1 = %+v, %v; want none", other, err)
	}
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(0)})
	wantAPIError(t, "ListBuckets of max-buckets 0", err, "InvalidArgument", "max-buckets")
}

// Presigned URLs: a PUT and a GET made by a plain HTTP client with the
// SDK's presigned requests; an altered one is refused.
func TestS3PresignedURLs(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	presign := s3.NewPresignClient(c)
	putReq, err := presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv")})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, putReq.URL, strings.NewReader("a,b\n1,2\n"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned PUT = %d", resp.StatusCode)
	}
	getReq, err := presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(getReq.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(b) != "a,b\n1,2\n" {
		t.Errorf("presigned GET = %d %q", resp.StatusCode, b)
	}
	resp, err = http.Get(strings.Replace(getReq.URL, "report.csv", "other.csv", 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(b, []byte("<Code>SignatureDoesNotMatch</Code>")) {
		t.Errorf("a presigned URL for another key = %d %s; want 403 SignatureDoesNotMatch", resp.StatusCode, b)
	}

	// A signed GetObject's response-* parameters set its answer's headers,
	// in a presigned URL as in a signed request.
	getReq, err = presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv"),
		ResponseContentType: aws.String("text/csv"), ResponseContentDisposition: aws.String(`attachment; filename="r.csv"`)})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(getReq.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/csv" || resp.Header.Get("Content-Disposition") != `attachment; filename="r.csv"` {
		t.Errorf("presigned GET with response-* parameters answered headers %v", resp.Header)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.csv"), ResponseCacheControl: aws.String("no-store")})
	if err != nil || aws.ToString(got.CacheControl) != "no-store" {
		t.Errorf("GetObject with ResponseCacheControl = %+v, %v; want Cache-Control no-store", got, err)
	} else {
		got.Body.Close()
	}

	// s3:authType tells a presigned URL from a signed header.
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*",` +
		`"Condition":{"StringNotEquals":{"s3:authType":"REST-QUERY-STRING"}}}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	_, err = get(t, c, "shared", "report.csv")
	wantAPIError(t, "GetObject by signed header under a deny of all but presigned URLs", err, "AccessDenied", "")
	if resp, err = http.Get(getReq.URL); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("presigned GET under a deny of all but presigned URLs = %v, %v", resp, err)
	}
	resp.Body.Close()
}

// Bodies up to s3api.MaxInlineBody live in their object's row, longer
// ones in blob files: both read back whole, in ranges, through
// CopyObject and UploadPartCopy, and an object replaced across the limit
// either way reads as its new self.
func TestS3BodiesEitherSideOfTheInlineLimit(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sizes")}); err != nil {
		t.Fatal(err)
	}
	pattern := func(n int) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "%08d", i)
		}
		return b.String()[:n]
	}
	for _, n := range []int{0, 1, s3api.MaxInlineBody, s3api.MaxInlineBody + 1, 3 * s3api.MaxInlineBody} {
		key := fmt.Sprintf("body-%d", n)
		body := pattern(n)
		put(t, c, "sizes", key, body)
		if got, err := get(t, c, "sizes", key); err != nil || got != body {
			t.Errorf("GetObject(%s) = %d bytes, %v; want the %d put", key, len(got), err, n)
		}
		if n > 20 {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("sizes"), Key: aws.String(key), Range: aws.String("bytes=8-15")})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			if string(b) != body[8:16] {
				t.Errorf("GetObject(%s) bytes 8-15 = %q, want %q", key, b, body[8:16])
			}
		}
		if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("sizes"), Key: aws.String(key + "-copy"),
			CopySource: aws.String("sizes/" + key)}); err != nil {
			t.Fatal(err)
		}
		if got, err := get(t, c, "sizes", key+"-copy"); err != nil || got != body {
			t.Errorf("the copy of %s = %d bytes, %v; want %d", key, len(got), err, n)
		}
	}

	// A multipart upload made of a copied inline body and a copied blob.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("sizes"), Key: aws.String("joined")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []s3types.CompletedPart
	for i, src := range []string{"body-1", fmt.Sprintf("body-%d", 3*s3api.MaxInlineBody)} {
		out, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("sizes"), Key: aws.String("joined"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), CopySource: aws.String("sizes/" + src)})
		if err != nil {
			t.Fatalf("UploadPartCopy from %s: %v", src, err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag})
	}
	// Only the last part may be under 5 MiB, so this completion fails as
	// S3's does; the parts themselves were read from both kinds of body.
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("sizes"), Key: aws.String("joined"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	wantAPIError(t, "CompleteMultipartUpload with a first part under 5 MiB", err, "EntityTooSmall", "")
	listed, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("sizes"), Key: aws.String("joined"), UploadId: up.UploadId})
	if err != nil || len(listed.Parts) != 2 || aws.ToInt64(listed.Parts[0].Size) != 1 || aws.ToInt64(listed.Parts[1].Size) != 3*s3api.MaxInlineBody {
		t.Errorf("ListParts = %+v, %v; want parts of 1 and %d bytes", listed, err, 3*s3api.MaxInlineBody)
	}

	// Replacing across the limit, both ways.
	small, large := pattern(100), pattern(2*s3api.MaxInlineBody)
	put(t, c, "sizes", "changing", small)
	put(t, c, "sizes", "changing", large)
	if got, _ := get(t, c, "sizes", "changing"); got != large {
		t.Errorf("after a large body replaced a small one, GetObject = %d bytes, want %d", len(got), len(large))
	}
	put(t, c, "sizes", "changing", small)
	if got, _ := get(t, c, "sizes", "changing"); got != small {
		t.Errorf("after a small body replaced a large one, GetObject = %d bytes, want %d", len(got), len(small))
	}
}

// aws:SourceIp is the client's address: a bucket policy that denies reads
// from outside a network denies this test's loopback client only when
// loopback is outside it.
func TestS3SourceIPCondition(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("office")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "office", "plan.txt", "plan")
	denyOutside := func(network string) {
		t.Helper()
		policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",` +
			`"Resource":"arn:aws:s3:::office/*","Condition":{"NotIpAddress":{"aws:SourceIp":"` + network + `"}}}]}`
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("office"), Policy: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	denyOutside("10.0.0.0/8")
	_, err := get(t, c, "office", "plan.txt")
	wantAPIError(t, "GetObject from 127.0.0.1 under a deny outside 10.0.0.0/8", err, "AccessDenied", "")
	denyOutside("127.0.0.0/8")
	if got, err := get(t, c, "office", "plan.txt"); err != nil || got != "plan" {
		t.Errorf("GetObject from 127.0.0.1 under a deny outside 127.0.0.0/8 = %q, %v", got, err)
	}
}

// Note 50: the bucket settings trustgate does not let a bucket change read
// as S3 answers for a bucket that never had them, each authorized by its
// own action; setting one, or reading a subresource trustgate does not
// know, is NotImplemented, never a listing of the bucket.
func TestS3UnsetBucketSettings(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("settings")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "settings", "object.txt", "x")

	if v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || v.Status != "" || v.MFADelete != "" {
		t.Errorf("GetBucketVersioning = %+v, %v; want never enabled", v, err)
	}
	if l, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket}); err != nil || l.LoggingEnabled != nil {
		t.Errorf("GetBucketLogging = %+v, %v; want logging off", l, err)
	}
	if p, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bucket}); err != nil || p.Payer != s3types.PayerBucketOwner {
		t.Errorf("GetBucketRequestPayment = %+v, %v; want BucketOwner", p, err)
	}
	if a, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: bucket}); err != nil || a.Status != "" {
		t.Errorf("GetBucketAccelerateConfiguration = %+v, %v; want never enabled", a, err)
	}
	if n, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket}); err != nil ||
		len(n.TopicConfigurations)+len(n.QueueConfigurations)+len(n.LambdaFunctionConfigurations) != 0 {
		t.Errorf("GetBucketNotificationConfiguration = %+v, %v; want none", n, err)
	}
	// Configurations kept by ID: none to list, none to read or remove
	// (note 88).
	if l, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: bucket}); err != nil || len(l.AnalyticsConfigurationList) != 0 || aws.ToBool(l.IsTruncated) {
		t.Errorf("ListBucketAnalyticsConfigurations = %+v, %v; want none", l, err)
	}
	if l, err := c.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: bucket}); err != nil || len(l.InventoryConfigurationList) != 0 {
		t.Errorf("ListBucketInventoryConfigurations = %+v, %v; want none", l, err)
	}
	if l, err := c.ListBucketMetricsConfigurations(ctx, &s3.ListBucketMetricsConfigurationsInput{Bucket: bucket}); err != nil || len(l.MetricsConfigurationList) != 0 {
		t.Errorf("ListBucketMetricsConfigurations = %+v, %v; want none", l, err)
	}
	if l, err := c.ListBucketIntelligentTieringConfigurations(ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: bucket}); err != nil || len(l.IntelligentTieringConfigurationList) != 0 {
		t.Errorf("ListBucketIntelligentTieringConfigurations = %+v, %v; want none", l, err)
	}
	_, err := c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: bucket, Id: aws.String("EntireBucket")})
	wantAPIError(t, "GetBucketMetricsConfiguration of none", err, "NoSuchConfiguration", "The specified configuration does not exist.")
	_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: bucket, Id: aws.String("weekly")})
	wantAPIError(t, "DeleteBucketInventoryConfiguration of none", err, "NoSuchConfiguration", "")

	// ACLs are disabled (BucketOwnerEnforced): the owner has full control
	// of the bucket and of every object in it, and no one else has any.
	bucketACL, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
	if err != nil || len(bucketACL.Grants) != 1 || bucketACL.Grants[0].Permission != s3types.PermissionFullControl ||
		aws.ToString(bucketACL.Grants[0].Grantee.ID) != aws.ToString(bucketACL.Owner.ID) {
		t.Errorf("GetBucketAcl = %+v, %v; want the owner's full control alone", bucketACL, err)
	}
	objectACL, err := c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: bucket, Key: aws.String("object.txt")})
	if err != nil || len(objectACL.Grants) != 1 || aws.ToString(objectACL.Owner.ID) != aws.ToString(bucketACL.Owner.ID) {
		t.Errorf("GetObjectAcl = %+v, %v; want the bucket owner's full control alone", objectACL, err)
	}
	_, err = c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: bucket, Key: aws.String("missing.txt")})
	wantAPIError(t, "GetObjectAcl of a missing key", err, "NoSuchKey", "")

	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket})
	wantAPIError(t, "GetBucketCors", err, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
	_, err = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: bucket})
	wantAPIError(t, "GetBucketWebsite", err, "NoSuchWebsiteConfiguration", "website configuration")
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetBucketLifecycleConfiguration", err, "NoSuchLifecycleConfiguration", "")
	_, err = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: bucket})
	wantAPIError(t, "GetBucketReplication", err, "ReplicationConfigurationNotFoundError", "")
	_, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetObjectLockConfiguration", err, "ObjectLockConfigurationNotFoundError", "")
	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("no-such-bucket-here")})
	wantAPIError(t, "GetBucketCors of a missing bucket", err, "NoSuchBucket", "")

	_, err = c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: bucket, ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::123456789012:role/r"), Rules: []s3types.ReplicationRule{{Status: s3types.ReplicationRuleStatusEnabled,
			Destination: &s3types.Destination{Bucket: aws.String("arn:aws:s3:::elsewhere")}}}}})
	wantAPIError(t, "PutBucketReplication on a bucket without versioning", err, "InvalidRequest", "Versioning must be 'Enabled'")
	_, err = c.GetBucketMetadataTableConfiguration(ctx, &s3.GetBucketMetadataTableConfigurationInput{Bucket: bucket})
	wantAPIError(t, "GetBucketMetadataTableConfiguration", err, "NotImplemented", "metadataTable")
	// Nor is a call on a subresource trustgate does not serve ever taken
	// for another: UpdateObjectEncryption is no PutObject of its document,
	// UpdateBucketMetadataInventoryTableConfiguration no CreateBucket.
	_, err = c.UpdateObjectEncryption(ctx, &s3.UpdateObjectEncryptionInput{Bucket: bucket, Key: aws.String("object.txt"),
		ObjectEncryption: &s3types.ObjectEncryptionMemberSSEKMS{Value: s3types.SSEKMSEncryption{KMSKeyArn: aws.String("arn:aws:kms:us-east-1:123456789012:key/k")}}})
	wantAPIError(t, "UpdateObjectEncryption", err, "NotImplemented", "encryption")
	if got, err := get(t, c, "settings", "object.txt"); err != nil || got != "x" {
		t.Errorf("GetObject after UpdateObjectEncryption = %q, %v; want the object as it was", got, err)
	}
	_, err = c.UpdateBucketMetadataInventoryTableConfiguration(ctx, &s3.UpdateBucketMetadataInventoryTableConfigurationInput{Bucket: aws.String("not-made"),
		InventoryTableConfiguration: &s3types.InventoryTableConfigurationUpdates{ConfigurationState: s3types.InventoryConfigurationStateDisabled}})
	wantAPIError(t, "UpdateBucketMetadataInventoryTableConfiguration of a missing bucket", err, "NotImplemented", "metadataInventoryTable")
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("not-made")}); err == nil {
		t.Error("UpdateBucketMetadataInventoryTableConfiguration made the bucket it named")
	}

	// Removing a setting the bucket does not have succeeds; the one
	// ownership it has may be asked for again, ACLs but the private one are
	// refused.
	for name, remove := range map[string]func() error{
		"DeleteBucketCors": func() error { _, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: bucket}); return err },
		"DeleteBucketLifecycle": func() error {
			_, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: bucket})
			return err
		},
		"DeleteBucketWebsite": func() error {
			_, err := c.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: bucket})
			return err
		},
		"DeleteBucketEncryption": func() error {
			_, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: bucket})
			return err
		},
		"DeleteBucketReplication": func() error {
			_, err := c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: bucket})
			return err
		},
	} {
		if err := remove(); err != nil {
			t.Errorf("%s of a bucket without it: %v", name, err)
		}
	}
	ownership := func(o s3types.ObjectOwnership) error {
		_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket,
			OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: o}}}})
		return err
	}
	if err := ownership(s3types.ObjectOwnershipBucketOwnerEnforced); err != nil {
		t.Errorf("PutBucketOwnershipControls BucketOwnerEnforced: %v", err)
	}
	wantAPIError(t, "PutBucketOwnershipControls ObjectWriter", ownership(s3types.ObjectOwnershipObjectWriter), "NotImplemented", "ACLs disabled")
	// Even the private ACL: Terraform's aws_s3_bucket_acl meets this.
	for _, acl := range []s3types.BucketCannedACL{s3types.BucketCannedACLPrivate, s3types.BucketCannedACLPublicRead} {
		_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: bucket, ACL: acl})
		wantAPIError(t, "PutBucketAcl "+string(acl), err, "AccessControlListNotSupported", "does not allow ACLs")
	}

	// Each read is its own action: a user allowed to list the bucket may
	// not read its CORS rules.
	ts.userAllowed(t, "lister", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::settings"}]}`)
	lister := ts.userS3(t, "lister")
	_, err = lister.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket})
	wantAPIError(t, "GetBucketCors by a user allowed only s3:ListBucket", err, "AccessDenied", "s3:GetBucketCORS")
	if list, err := lister.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil || len(list.Contents) != 1 {
		t.Errorf("ListObjectsV2 by the lister = %+v, %v", list, err)
	}
}

// Note 52: a write's headers are condition keys, so the bucket policy that
// refuses unencrypted uploads, the most common there is, lets through the
// uploads that ask for encryption; a copy is matched by its source.
func TestS3WriteHeaderConditions(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	for _, b := range []string{"vault", "drafts"} {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::vault/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}},` +
		`{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::vault/*","Condition":{"StringLike":{"s3:x-amz-copy-source":"drafts/private/*"}}}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vault"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	putSSE := func(key string, sse s3types.ServerSideEncryption) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String(key), Body: strings.NewReader("secret"), ServerSideEncryption: sse})
		return err
	}
	wantAPIError(t, "PutObject without encryption under a policy that requires it", putSSE("plain.txt", ""), "AccessDenied", "")
	if err := putSSE("sealed.txt", s3types.ServerSideEncryptionAes256); err != nil {
		t.Errorf("PutObject with SSE-S3 under a policy that requires it: %v", err)
	}
	wantAPIError(t, "PutObject with an unknown encryption", putSSE("odd.txt", "ROT13"), "InvalidArgument", "encryption method")

	// Every object is encrypted, with SSE-S3 unless its write asked for
	// another (note 50); a storage class other than STANDARD is named.
	plain, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("drafts"), Key: aws.String("cold.txt"), Body: strings.NewReader("cold"),
		StorageClass: s3types.StorageClassGlacierIr})
	if err != nil || plain.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("PutObject without asking for encryption = %+v, %v; want SSE-S3 named", plain, err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("drafts"), Key: aws.String("cold.txt")})
	if err != nil || head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || head.StorageClass != s3types.StorageClassGlacierIr {
		t.Errorf("HeadObject = %+v, %v; want SSE-S3 and GLACIER_IR", head, err)
	}
	listed, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("drafts"), Prefix: aws.String("cold.txt")})
	if err != nil || len(listed.Contents) != 1 || listed.Contents[0].StorageClass != s3types.ObjectStorageClassGlacierIr {
		t.Errorf("ListObjectsV2 of cold.txt = %+v, %v; want it listed as GLACIER_IR", listed, err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("drafts"), Key: aws.String("odd.txt"), Body: strings.NewReader("x"), StorageClass: "FOO"})
	wantAPIError(t, "PutObject with an unknown storage class", err, "InvalidStorageClass", "")

	put(t, c, "drafts", "public/plan.txt", "plan")
	put(t, c, "drafts", "private/salary.txt", "salary")
	copyTo := func(src string) error {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("vault"), Key: aws.String("copied.txt"), CopySource: aws.String(src),
			ServerSideEncryption: s3types.ServerSideEncryptionAes256})
		return err
	}
	if err := copyTo("drafts/public/plan.txt"); err != nil {
		t.Errorf("CopyObject from drafts/public: %v", err)
	}
	wantAPIError(t, "CopyObject from drafts/private under a deny of that source", copyTo("/drafts/private/salary.txt"), "AccessDenied", "")
}

// Note 55: conditional writes. If-None-Match: * creates an object only
// where there is none, as Terraform's S3 lock file does; If-Match replaces
// only the version it names.
func TestS3ConditionalWrites(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("locks")}); err != nil {
		t.Fatal(err)
	}
	create := func(key, body string) (*s3.PutObjectOutput, error) {
		return c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("locks"), Key: aws.String(key), Body: strings.NewReader(body), IfNoneMatch: aws.String("*")})
	}
	first, err := create("state.tflock", "held by ana")
	if err != nil {
		t.Fatalf("PutObject If-None-Match * of a new key: %v", err)
	}
	_, err = create("state.tflock", "held by bo")
	wantAPIError(t, "PutObject If-None-Match * over an object", err, "PreconditionFailed", "pre-conditions")
	if got, _ := get(t, c, "locks", "state.tflock"); got != "held by ana" {
		t.Errorf("lock after a refused second create = %q; want ana's", got)
	}

	replace := func(etag, body string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("locks"), Key: aws.String("state.tflock"), Body: strings.NewReader(body), IfMatch: aws.String(etag)})
		return err
	}
	wantAPIError(t, "PutObject If-Match of another ETag", replace(`"0123456789abcdef0123456789abcdef"`, "stolen"), "PreconditionFailed", "")
	if err := replace(aws.ToString(first.ETag), "released"); err != nil {
		t.Errorf("PutObject If-Match of the object's ETag: %v", err)
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("locks"), Key: aws.String("missing"), Body: strings.NewReader("x"), IfMatch: aws.String(aws.ToString(first.ETag))})
	wantAPIError(t, "PutObject If-Match of a missing key", err, "NoSuchKey", "")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("locks"), Key: aws.String("x"), Body: strings.NewReader("x"), IfNoneMatch: aws.String(`"abc"`)})
	wantAPIError(t, "PutObject If-None-Match of an ETag", err, "NotImplemented", "")

	// CompleteMultipartUpload takes the same conditions; a refused one
	// leaves the upload to complete otherwise.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("locks"), Key: aws.String("state.tflock")})
	if err != nil {
		t.Fatal(err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("locks"), Key: aws.String("state.tflock"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("multipart lock")})
	if err != nil {
		t.Fatal(err)
	}
	complete := func(ifNoneMatch *string) error {
		_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("locks"), Key: aws.String("state.tflock"), UploadId: up.UploadId,
			IfNoneMatch: ifNoneMatch, MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
		return err
	}
	wantAPIError(t, "CompleteMultipartUpload If-None-Match * over an object", complete(aws.String("*")), "PreconditionFailed", "")
	if err := complete(nil); err != nil {
		t.Errorf("CompleteMultipartUpload without a condition after a refused one: %v", err)
	}
}

// S3's smaller answers, each as a client meets it.
func TestS3SmallAnswers(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("small-answers")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "small-answers", "empty.txt", "")
	put(t, c, "small-answers", "one.txt", "1")

	// A parameter S3 does not know is ignored; versionId "null" is the
	// version of every object in a bucket without versioning (note 50).
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	signedGet := func(path string) (int, string) {
		t.Helper()
		return ts.send(t, root, "s3", http.MethodGet, path, "", "")
	}
	if status, body := signedGet("/small-answers?utm_source=docs"); status != 200 || !strings.Contains(body, "<Key>one.txt</Key>") {
		t.Errorf("GET of a bucket with an unknown parameter = %d %s; want its listing", status, body)
	}
	if status, body := signedGet("/small-answers/one.txt?versionId=null"); status != 200 || body != "1" {
		t.Errorf("GetObject of version null = %d %s; want the object", status, body)
	}
	_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("one.txt"), VersionId: aws.String("3HL4kqtJlcpXroDTDmJ")})
	wantAPIError(t, "HeadObject of a version a bucket without versioning lacks", err, "BadRequest", "") // a HEAD has no body: the SDK names the status

	// A suffix of an empty object is no range of it; max-keys 0 is an
	// empty listing that is not truncated.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("empty.txt"), Range: aws.String("bytes=-5")})
	wantAPIError(t, "GetObject bytes=-5 of an empty object", err, "InvalidRange", "")
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, MaxKeys: aws.Int32(0)})
	if err != nil || len(list.Contents) != 0 || aws.ToBool(list.IsTruncated) {
		t.Errorf("ListObjectsV2 max-keys 0 = %+v, %v; want nothing, not truncated", list, err)
	}

	// A bucket's region must be one of AWS's (or the one the request is
	// signed for).
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nowhere-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "xx-fake-1"}})
	wantAPIError(t, "CreateBucket in a region AWS does not have", err, "InvalidLocationConstraint", "")

	// A new bucket has ACLs disabled: no ACL but the private one.
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-by-acl"), ACL: s3types.BucketCannedACLPublicRead})
	wantAPIError(t, "CreateBucket with a public-read ACL", err, "InvalidBucketAclWithObjectOwnership", "BucketOwnerEnforced")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private-by-acl"), ACL: s3types.BucketCannedACLPrivate}); err != nil {
		t.Errorf("CreateBucket with the private ACL: %v", err)
	}

	// A copy's directive must be COPY or REPLACE.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("two.txt"), CopySource: aws.String("small-answers/one.txt"), MetadataDirective: "MOVE"})
	wantAPIError(t, "CopyObject with metadata directive MOVE", err, "InvalidArgument", "Unknown metadata directive")

	// An object copied onto itself must change: its metadata, tags,
	// storage class or encryption.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("one.txt"), CopySource: aws.String("small-answers/one.txt")})
	wantAPIError(t, "CopyObject onto itself unchanged", err, "InvalidRequest", "copy an object to itself")
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("one.txt"), CopySource: aws.String("small-answers/one.txt"),
		StorageClass: s3types.StorageClassStandardIa}); err != nil {
		t.Errorf("CopyObject onto itself into another storage class: %v", err)
	}
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("one.txt")}); err != nil || head.StorageClass != s3types.StorageClassStandardIa {
		t.Errorf("HeadObject after a copy into STANDARD_IA = %+v, %v", head, err)
	}
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("one.txt"), CopySource: aws.String("small-answers/one.txt"),
		ServerSideEncryption: s3types.ServerSideEncryptionAes256}); err != nil {
		t.Errorf("CopyObject onto itself with its encryption asked for again: %v", err)
	}
	// ... and that copy, naming no storage class, is STANDARD again.
	if head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("one.txt")}); err != nil || head.StorageClass != "" {
		t.Errorf("HeadObject after a copy naming no storage class = %+v, %v; want STANDARD (not named)", head, err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("two.txt"), CopySource: aws.String("small-answers/one.txt"), StorageClass: "COLD"})
	wantAPIError(t, "CopyObject into an unknown storage class", err, "InvalidStorageClass", "")

	// HeadBucket names the bucket's region even to a caller it refuses.
	ts.newUser(t, "outsider")
	key, err := ts.rootIAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("outsider")})
	if err != nil {
		t.Fatal(err)
	}
	var answer rawAnswer
	outsider := ts.s3Client(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
	_, err = outsider.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket}, answer.record)
	if region := answer.header.Get("X-Amz-Bucket-Region"); err == nil || answer.status != http.StatusForbidden || region != "us-east-1" {
		t.Errorf("HeadBucket by an outsider = %d, region %q, %v; want 403 naming us-east-1", answer.status, region, err)
	}
}

// Under encoding-type=url a listing's keys, prefixes and delimiter are
// form-encoded with "/" kept, as S3 answers them (note 56). The SDK
// returns them as sent.
func TestS3ListingEncodedAsURL(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("encoded-keys")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a b.txt", "a+b.txt", "100%.csv", "한글/x.txt", "run books/x.txt", "~me*(1).txt"} {
		put(t, c, "encoded-keys", key, "x")
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, EncodingType: s3types.EncodingTypeUrl, Delimiter: aws.String("/")})
	if err != nil {
		t.Fatal(err)
	}
	var keys, prefixes []string
	for _, o := range list.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	for _, p := range list.CommonPrefixes {
		prefixes = append(prefixes, aws.ToString(p.Prefix))
	}
	wantKeys := []string{"100%25.csv", "a+b.txt", "a%2Bb.txt", "%7Eme*%281%29.txt"} // "a b.txt" first: a space sorts before "+"
	wantPrefixes := []string{"run+books/", "%ED%95%9C%EA%B8%80/"}
	if !slices.Equal(keys, wantKeys) || !slices.Equal(prefixes, wantPrefixes) || aws.ToString(list.Delimiter) != "/" {
		t.Errorf("encoded listing: keys %q, prefixes %q, delimiter %q; want %q, %q, \"/\"", keys, prefixes, aws.ToString(list.Delimiter), wantKeys, wantPrefixes)
	}
	v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: bucket, EncodingType: s3types.EncodingTypeUrl, Prefix: aws.String("run books/")})
	if err != nil || len(v1.Contents) != 1 || aws.ToString(v1.Contents[0].Key) != "run+books/x.txt" || aws.ToString(v1.Prefix) != "run+books/" {
		t.Errorf("encoded ListObjects under run books/ = %+v, %v; want run+books/x.txt", v1, err)
	}
}

// A request that names an object's version asks for the version's own
// permission, s3:GetObjectVersion rather than s3:GetObject, and so on
// (note 57); in a bucket without versioning "null" is the only version.
func TestS3VersionPermissions(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootS3()
	bucket := aws.String("versioned-asks")
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, root, "versioned-asks", "report.txt", "q3")
	put(t, root, "versioned-asks", "old.txt", "q2")
	ts.userAllowed(t, "current", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`+
		`"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:GetObjectTagging","s3:ListBucket"],"Resource":["arn:aws:s3:::versioned-asks","arn:aws:s3:::versioned-asks/*"]}]}`)
	ts.userAllowed(t, "versions", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::versioned-asks/*"},`+
		`{"Effect":"Allow","Action":["s3:GetObjectVersion","s3:DeleteObjectVersion","s3:GetObjectVersionTagging"],"Resource":"arn:aws:s3:::versioned-asks/*",`+
		`"Condition":{"StringEquals":{"s3:versionid":"null"}}}]}`)
	current, versions := ts.userS3(t, "current"), ts.userS3(t, "versions")
	null := aws.String("null")

	getVersion := func(c *s3.Client) error {
		_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("report.txt"), VersionId: null})
		return err
	}
	if _, err := get(t, current, "versioned-asks", "report.txt"); err != nil {
		t.Errorf("GetObject under s3:GetObject: %v", err)
	}
	wantAPIError(t, "GetObject of version null under s3:GetObject alone", getVersion(current), "AccessDenied", "s3:GetObjectVersion")
	if err := getVersion(versions); err != nil {
		t.Errorf("GetObject of version null under s3:GetObjectVersion: %v", err)
	}
	_, err := versions.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("report.txt"), VersionId: null})
	if err != nil {
		t.Errorf("GetObjectTagging of version null under s3:GetObjectVersionTagging: %v", err)
	}
	_, err = current.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: bucket, Key: aws.String("report.txt"), VersionId: null})
	wantAPIError(t, "GetObjectTagging of version null under s3:GetObjectTagging alone", err, "AccessDenied", "s3:GetObjectVersionTagging")

	copyFrom := func(c *s3.Client, source string) error {
		_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String(source)})
		return err
	}
	wantAPIError(t, "CopyObject from version null under s3:GetObject alone", copyFrom(current, "versioned-asks/report.txt?versionId=null"), "AccessDenied", "s3:GetObjectVersion")
	if err := copyFrom(versions, "versioned-asks/report.txt?versionId=null"); err != nil {
		t.Errorf("CopyObject from version null under s3:GetObjectVersion: %v", err)
	}
	wantAPIError(t, "CopyObject from a version the bucket never had", copyFrom(versions, "versioned-asks/report.txt?versionId=3HL4kqtJlcpXroDTDmJ"), "InvalidArgument", "version id")
	put(t, root, "versioned-asks", "why?versionId=null", "a key, not a version")
	if err := copyFrom(current, "versioned-asks/why%3FversionId=null"); err != nil {
		t.Errorf("CopyObject from the key why?versionId=null, encoded: %v", err)
	}

	deleteVersion := func(c *s3.Client) error {
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: aws.String("old.txt"), VersionId: null})
		return err
	}
	wantAPIError(t, "DeleteObject of version null under s3:DeleteObject alone", deleteVersion(current), "AccessDenied", "s3:DeleteObjectVersion")
	batch, err := current.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("old.txt"), VersionId: null}, {Key: aws.String("old.txt"), VersionId: aws.String("3HL4kqtJlcpXroDTDmJ")}}}})
	if err != nil || len(batch.Deleted) != 0 || len(batch.Errors) != 2 || aws.ToString(batch.Errors[0].Code) != "AccessDenied" ||
		aws.ToString(batch.Errors[0].VersionId) != "null" || aws.ToString(batch.Errors[1].Code) != "NoSuchVersion" {
		t.Errorf("DeleteObjects of version null and of another under s3:DeleteObject alone = %+v, %v; want AccessDenied and NoSuchVersion", batch, err)
	}
	if err := deleteVersion(versions); err != nil {
		t.Errorf("DeleteObject of version null under s3:DeleteObjectVersion: %v", err)
	}
	put(t, root, "versioned-asks", "old.txt", "q2")

	// ListObjectVersions lists each object as its one version, null, the
	// latest; it is s3:ListBucketVersions, not s3:ListBucket.
	_, err = current.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket})
	wantAPIError(t, "ListObjectVersions under s3:ListBucket alone", err, "AccessDenied", "s3:ListBucketVersions")
	var listed []string
	pages := s3.NewListObjectVersionsPaginator(root, &s3.ListObjectVersionsInput{Bucket: bucket, MaxKeys: aws.Int32(2)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListObjectVersions: %v", err)
		}
		for _, v := range page.Versions {
			if aws.ToString(v.VersionId) != "null" || !aws.ToBool(v.IsLatest) || aws.ToString(v.ETag) == "" {
				t.Errorf("version %+v; want null, the latest, with its ETag", v)
			}
			listed = append(listed, aws.ToString(v.Key))
		}
		if len(page.DeleteMarkers) != 0 {
			t.Errorf("delete markers %+v in a bucket without versioning", page.DeleteMarkers)
		}
	}
	if want := []string{"copy.txt", "old.txt", "report.txt", "why?versionId=null"}; !slices.Equal(listed, want) {
		t.Errorf("ListObjectVersions in pages of 2 = %q; want %q", listed, want)
	}
	_, err = root.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: bucket, VersionIdMarker: aws.String("null")})
	wantAPIError(t, "ListObjectVersions with a version marker and no key marker", err, "InvalidArgument", "key marker")

	batch, err = versions.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("old.txt"), VersionId: null}}}})
	if err != nil || len(batch.Deleted) != 1 || aws.ToString(batch.Deleted[0].VersionId) != "null" {
		t.Errorf("DeleteObjects of version null under s3:DeleteObjectVersion = %+v, %v", batch, err)
	}
}

// Condition keys every S3 request has, and those of bucket creation and
// of conditional writes (note 58).
func TestS3RequestConditionKeys(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootS3()
	acct := ts.Root.AccountId
	bucket := aws.String("conditional-only")
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}

	// AWS's example of a bucket that takes only writes that cannot
	// overwrite: PutObject and CompleteMultipartUpload must carry
	// If-None-Match, and the steps of a multipart upload before it are
	// let through by s3:ObjectCreationOperation.
	writer := `"Principal":{"AWS":"arn:aws:iam::` + acct + `:user/writer"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::conditional-only/*"`
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Effect":"Allow",` + writer + `,"Condition":{"Null":{"s3:if-none-match":"false"}}},` +
		`{"Effect":"Allow",` + writer + `,"Condition":{"Bool":{"s3:ObjectCreationOperation":"false"}}}]}`
	ts.newUser(t, "writer")
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	w := ts.userS3(t, "writer")
	putNew := func(key string, ifNoneMatch *string) error {
		_, err := w.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: strings.NewReader("v1"), IfNoneMatch: ifNoneMatch})
		return err
	}
	wantAPIError(t, "PutObject without If-None-Match", putNew("plain.txt", nil), "AccessDenied", "")
	if err := putNew("new.txt", aws.String("*")); err != nil {
		t.Errorf("PutObject with If-None-Match *: %v", err)
	}
	up, err := w.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("big.bin")})
	if err != nil {
		t.Fatalf("CreateMultipartUpload, let through as no creation: %v", err)
	}
	part, err := w.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("big.bin"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	if err != nil {
		t.Fatalf("UploadPart, let through as no creation: %v", err)
	}
	complete := func(ifNoneMatch *string) error {
		_, err := w.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("big.bin"), UploadId: up.UploadId, IfNoneMatch: ifNoneMatch,
			MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
		return err
	}
	wantAPIError(t, "CompleteMultipartUpload without If-None-Match", complete(nil), "AccessDenied", "")
	if err := complete(aws.String("*")); err != nil {
		t.Errorf("CompleteMultipartUpload with If-None-Match *: %v", err)
	}
	_, err = w.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.txt"), CopySource: aws.String("conditional-only/new.txt")})
	wantAPIError(t, "CopyObject into a bucket that takes only conditional writes", err, "AccessDenied", "")

	// s3:x-amz-content-sha256 is a key of every request, UploadPart's too:
	// a policy that refuses writes without it must not refuse a part.
	ts.userAllowed(t, "signer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},`+
		`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"s3:x-amz-content-sha256":"true"}}}]}`)
	signer := ts.userS3(t, "signer")
	if _, err := signer.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil {
		t.Errorf("ListObjectsV2 with x-amz-content-sha256 under a deny of requests without it: %v", err)
	}
	up2, err := signer.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("signed.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signer.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("signed.bin"), UploadId: up2.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p")}); err != nil {
		t.Errorf("UploadPart with x-amz-content-sha256 under a deny of requests without it: %v", err)
	}

	// CreateBucket's location constraint, and the resource account of a
	// request on no bucket: the caller's own.
	ts.userAllowed(t, "builder", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"s3:CreateBucket","Resource":"*","Condition":{"StringEquals":{"s3:locationconstraint":"eu-west-1"}}},`+
		`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"`+acct+`"}}}]}`)
	builder := ts.userS3(t, "builder")
	inRegion := func(region string) func(*s3.Options) { return func(o *s3.Options) { o.Region = region } }
	_, err = builder.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("builder-east")})
	wantAPIError(t, "CreateBucket in us-east-1 under a policy of eu-west-1 only", err, "AccessDenied", "")
	if _, err := builder.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("builder-west"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}, inRegion("eu-west-1")); err != nil {
		t.Errorf("CreateBucket in eu-west-1 under a policy of eu-west-1 only: %v", err)
	}
	if _, err := builder.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets under s3:ResourceAccount of the caller's account: %v", err)
	}
	// Note 37: EU is eu-west-1 by its old name, which GetBucketLocation
	// gives back; everything else names the region.
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("old-name-eu"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "EU"}}, inRegion("eu-west-1")); err != nil {
		t.Errorf("CreateBucket in EU signed for eu-west-1: %v", err)
	}
	loc, err := root.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("old-name-eu")})
	if err != nil || loc.LocationConstraint != s3types.BucketLocationConstraintEu {
		t.Errorf("GetBucketLocation of a bucket created in EU = %+v, %v; want EU", loc, err)
	}
	head, err := root.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("old-name-eu")}, inRegion("eu-west-1"))
	if err != nil || aws.ToString(head.BucketRegion) != "eu-west-1" {
		t.Errorf("HeadBucket of a bucket created in EU = %+v, %v; want eu-west-1", head, err)
	}
	loc, err = root.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("builder-west")})
	if err != nil || loc.LocationConstraint != s3types.BucketLocationConstraintEuWest1 {
		t.Errorf("GetBucketLocation of a bucket created in eu-west-1 = %+v, %v; want eu-west-1", loc, err)
	}
}

// putChunked uploads payload as an aws-chunked body whose checksum comes
// after it in a trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as the
// SDKs stream uploads over HTTPS, and returns the answer's status and
// body.
func (ts *testServer) putChunked(t *testing.T, creds aws.Credentials, path, payload, trailer, value string) (int, string) {
	t.Helper()
	body := fmt.Sprintf("%x\r\n%s\r\n0\r\n%s:%s\r\n\r\n", len(payload), payload, trailer, value)
	req, err := http.NewRequest(http.MethodPut, ts.Endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(len(payload)))
	req.Header.Set("X-Amz-Trailer", trailer)
	return signAndSend(t, creds, "s3", req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
}

// Checksums in headers and trailers: each algorithm by its exact name
// (crc32 is not crc32c), a value that is no checksum of its algorithm
// refused as invalid, one that does not match as BadDigest.
func TestS3Checksums(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sums")}); err != nil {
		t.Fatal(err)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	sum := func(h hash.Hash, s string) string {
		h.Write([]byte(s))
		return base64.StdEncoding.EncodeToString(h.Sum(nil))
	}
	for _, tc := range []struct {
		trailer string
		hash    hash.Hash
	}{
		{"x-amz-checksum-crc32", crc32.NewIEEE()},
		{"x-amz-checksum-crc32c", crc32.New(crc32.MakeTable(crc32.Castagnoli))},
		{"x-amz-checksum-sha256", sha256.New()},
	} {
		value := sum(tc.hash, "streamed")
		if status, body := ts.putChunked(t, root, "/sums/streamed", "streamed", tc.trailer, value); status != 200 {
			t.Errorf("aws-chunked PUT with trailer %s = %d %s", tc.trailer, status, body)
			continue
		}
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("sums"), Key: aws.String("streamed"), ChecksumMode: s3types.ChecksumModeEnabled})
		if err != nil || head.ContentLength == nil || *head.ContentLength != int64(len("streamed")) {
			t.Errorf("HeadObject after trailer %s = %+v, %v", tc.trailer, head, err)
		}
	}
	if status, body := ts.putChunked(t, root, "/sums/wrong", "streamed", "x-amz-checksum-crc32c", sum(crc32.NewIEEE(), "other")); status != 400 || !strings.Contains(body, "BadDigest") {
		t.Errorf("aws-chunked PUT with a CRC32C trailer that does not match = %d %s; want 400 BadDigest", status, body)
	}
	if status, body := ts.putChunked(t, root, "/sums/wrong", "streamed", "x-amz-checksum-crc32c", "not base64!"); status != 400 || !strings.Contains(body, "InvalidRequest") {
		t.Errorf("aws-chunked PUT with a CRC32C trailer that is no checksum = %d %s; want 400 InvalidRequest", status, body)
	}
	// Note 67: a chunk under 8 KiB may only be the last.
	short := strings.Repeat("s", 100)
	req, err := http.NewRequest(http.MethodPut, ts.Endpoint+"/sums/short", strings.NewReader(fmt.Sprintf("64\r\n%s\r\n64\r\n%s\r\n0\r\n\r\n", short, short)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", "200")
	req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	if status, body := signAndSend(t, root, "s3", req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"); status != 403 || !strings.Contains(body, "<Code>InvalidChunkSizeError</Code>") ||
		!strings.Contains(body, "<Chunk>2</Chunk><BadChunkSize>100</BadChunkSize>") {
		t.Errorf("aws-chunked PUT of two 100-byte chunks = %d %s; want 403 InvalidChunkSizeError, Chunk 2, BadChunkSize 100", status, body)
	}

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("header"), Body: strings.NewReader("x"), ChecksumCRC32: aws.String("AAAA")})
	wantAPIError(t, "PutObject with a CRC32 of three bytes", err, "InvalidRequest", "Value for x-amz-checksum-crc32 header is invalid")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sums"), Key: aws.String("header"), Body: strings.NewReader("x"), ChecksumCRC32: aws.String(sum(crc32.NewIEEE(), "y"))})
	wantAPIError(t, "PutObject with the CRC32 of another body", err, "BadDigest", "CRC32")

	// x-amz-sdk-checksum-algorithm names the checksum sent with it.
	for _, tc := range []struct {
		h    http.Header
		want string
	}{
		{http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"CRC32"}}, "no corresponding x-amz-checksum-*"},
		{http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"SHA256"}, "X-Amz-Checksum-Crc32": {sum(crc32.NewIEEE(), "x")}}, "x-amz-sdk-checksum-algorithm header is invalid"},
	} {
		if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/sums/named", tc.h, "x"); status != 400 || !strings.Contains(body, tc.want) {
			t.Errorf("PutObject with %v = %d %s; want 400 InvalidRequest %q", tc.h, status, body, tc.want)
		}
	}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/sums/named",
		http.Header{"X-Amz-Sdk-Checksum-Algorithm": {"crc32"}, "X-Amz-Checksum-Crc32": {sum(crc32.NewIEEE(), "x")}}, "x"); status != 200 {
		t.Errorf("PutObject with x-amz-sdk-checksum-algorithm and its checksum = %d %s", status, body)
	}
}

// Bodies other than objects' are checked against the digests their
// requests send; DeleteObjects must send one, and may list 1,000 long
// keys (note 59).
func TestS3RequestBodies(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("bodies")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	var ids []s3types.ObjectIdentifier
	for i := range 1000 {
		ids = append(ids, s3types.ObjectIdentifier{Key: aws.String(fmt.Sprintf("logs/2026/12/02/a-long-name-for-a-log-file-of-the-night-shift-%04d.json.gz", i))})
	}
	put(t, c, "bodies", aws.ToString(ids[999].Key), "last")
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: bucket, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(true)}})
	if err != nil || len(out.Errors) != 0 {
		t.Errorf("DeleteObjects of 1,000 keys of 80 bytes = %+v, %v", out, err)
	}
	if _, err := get(t, c, "bodies", aws.ToString(ids[999].Key)); err == nil {
		t.Error("the last key survived DeleteObjects")
	}

	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	deleteBody := `<Delete><Object><Key>x</Key></Object></Delete>`
	if status, body := ts.send(t, root, "s3", http.MethodPost, "/bodies?delete", "", deleteBody); status != 400 || !strings.Contains(body, "Missing required header for this request: Content-MD5") {
		t.Errorf("DeleteObjects without a digest = %d %s; want 400 InvalidRequest", status, body)
	}
	md5Of := func(s string) string { sum := md5.Sum([]byte(s)); return base64.StdEncoding.EncodeToString(sum[:]) }
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPost, "/bodies?delete", http.Header{"Content-Md5": {md5Of(deleteBody)}}, deleteBody); status != 200 {
		t.Errorf("DeleteObjects with its Content-MD5 = %d %s", status, body)
	}
	tagging := `<Tagging><TagSet><Tag><Key>team</Key><Value>ops</Value></Tag></TagSet></Tagging>`
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/bodies?tagging", http.Header{"Content-Md5": {md5Of("other")}}, tagging); status != 400 || !strings.Contains(body, "BadDigest") {
		t.Errorf("PutBucketTagging with the Content-MD5 of another body = %d %s; want 400 BadDigest", status, body)
	}
	if status, body := ts.sendHeaders(t, root, "s3", http.MethodPut, "/bodies?tagging", http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}}, tagging); status != 400 || !strings.Contains(body, "BadDigest") {
		t.Errorf("PutBucketTagging with the CRC32 of another body = %d %s; want 400 BadDigest", status, body)
	}
	// ... and a checksum in a trailer holds for them as for objects.
	crc := crc32.NewIEEE()
	crc.Write([]byte(tagging))
	if status, body := ts.putChunked(t, root, "/bodies?tagging", tagging, "x-amz-checksum-crc32", base64.StdEncoding.EncodeToString(crc.Sum(nil))); status != 204 {
		t.Errorf("PutBucketTagging streamed with its CRC32 in a trailer = %d %s", status, body)
	}

	// A body that is not the one signed is refused as S3 refuses it, for
	// an object and a configuration alike, with both hashes named.
	other := sha256.Sum256([]byte("another body"))
	for _, path := range []string{"/bodies/object.txt", "/bodies?tagging"} {
		req, err := http.NewRequest(http.MethodPut, ts.Endpoint+path, strings.NewReader(tagging))
		if err != nil {
			t.Fatal(err)
		}
		status, body := signAndSend(t, root, "s3", req, fmt.Sprintf("%x", other))
		if status != 400 || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") || !strings.Contains(body, fmt.Sprintf("<ClientComputedContentSHA256>%x</ClientComputedContentSHA256>", other)) {
			t.Errorf("PUT %s of a body that is not the signed one = %d %s; want 400 XAmzContentSHA256Mismatch", path, status, body)
		}
	}

	// A completion of 800 parts outgrows a configuration's 64 KiB; its
	// parts are then judged, as S3 judges them.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("many-parts")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []s3types.CompletedPart
	for n := int32(1); n <= 800; n++ {
		p, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("many-parts"), UploadId: up.UploadId, PartNumber: aws.Int32(n), Body: strings.NewReader("p")})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: p.ETag, ChecksumCRC32: p.ChecksumCRC32})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("many-parts"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
	wantAPIError(t, "CompleteMultipartUpload of 800 one-byte parts", err, "EntityTooSmall", "")
}

// The limits of an object write name their sizes; the answers of writes
// name the object's encryption; a completed upload's Location is a URL.
func TestS3WriteLimitsAndAnswers(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("limits")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	status, body := ts.send(t, root, "s3", http.MethodPut, "/limits/"+strings.Repeat("k", 1025), "", "x")
	if status != 400 || !strings.Contains(body, "<Code>KeyTooLongError</Code>") || !strings.Contains(body, "<Size>1025</Size>") || !strings.Contains(body, "<MaxSizeAllowed>1024</MaxSizeAllowed>") {
		t.Errorf("PutObject of a 1,025-byte key = %d %s", status, body)
	}
	status, body = ts.sendHeaders(t, root, "s3", http.MethodPut, "/limits/meta", http.Header{"X-Amz-Meta-Notes": {strings.Repeat("n", 2100)}}, "x")
	if status != 400 || !strings.Contains(body, "<Code>MetadataTooLarge</Code>") || !strings.Contains(body, "<MaxSizeAllowed>2048</MaxSizeAllowed>") {
		t.Errorf("PutObject with 2 KB of metadata = %d %s", status, body)
	}
	// A body declared past 5 GiB is refused before a byte of it is read.
	req, err := http.NewRequest(http.MethodPut, ts.Endpoint+"/limits/huge", strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", fmt.Sprint(int64(5<<30)+1))
	req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	if status, body := signAndSend(t, root, "s3", req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"); status != 400 || !strings.Contains(body, "<Code>EntityTooLarge</Code>") {
		t.Errorf("PutObject of 5 GiB and a byte = %d %s; want 400 EntityTooLarge", status, body)
	}

	put(t, c, "limits", "a.txt", "a")
	copied, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("b.txt"), CopySource: aws.String("limits/a.txt")})
	if err != nil || copied.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Errorf("CopyObject = %+v, %v; want SSE-S3 named", copied, err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: aws.String("dir/c d.txt")})
	if err != nil || up.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("CreateMultipartUpload = %+v, %v; want SSE-S3 named", up, err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: bucket, Key: aws.String("dir/c d.txt"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("c")})
	if err != nil || part.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
		t.Fatalf("UploadPart = %+v, %v; want SSE-S3 named", part, err)
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: bucket, Key: aws.String("dir/c d.txt"), UploadId: up.UploadId,
		MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	if err != nil || done.ServerSideEncryption != s3types.ServerSideEncryptionAes256 || aws.ToString(done.Location) != ts.Endpoint+"/limits/dir/c%20d.txt" {
		t.Errorf("CompleteMultipartUpload = %+v, %v; want SSE-S3 and the object's URL", done, err)
	}
}

// A bucket policy that denies everyone everything cannot lock the owner
// account's root user out of the policy itself (note 38); it binds every
// other principal, an administrator of the account included.
func TestS3RootNotLockedOutOfBucketPolicy(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	root := ts.rootS3()
	bucket := aws.String("sealed")
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	ts.userAllowed(t, "admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	admin := ts.userS3(t, "admin")
	seal := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::sealed","arn:aws:s3:::sealed/*"]}]}`
	if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(seal)}); err != nil {
		t.Fatal(err)
	}
	_, err := admin.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
	wantAPIError(t, "GetBucketPolicy by an administrator under a deny of everything", err, "AccessDenied", "")
	_, err = admin.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket})
	wantAPIError(t, "DeleteBucketPolicy by an administrator under a deny of everything", err, "AccessDenied", "")
	if got, err := root.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket}); err != nil || aws.ToString(got.Policy) != seal {
		t.Errorf("GetBucketPolicy by the root user under a deny of everything = %v, %v", got, err)
	}
	if _, err := root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: bucket}); err != nil {
		t.Errorf("DeleteBucketPolicy by the root user under a deny of everything: %v", err)
	}
	if _, err := admin.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket}); err != nil {
		t.Errorf("ListObjectsV2 by the administrator once the policy is gone: %v", err)
	}
}

// A session token S3 refuses is repeated in the error, as Token-0.
func TestS3RefusedTokenRepeated(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	ts.userAllowed(t, "dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	key, err := ts.rootIAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("dev")})
	if err != nil {
		t.Fatal(err)
	}
	session, err := ts.stsClient(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	forged := aws.ToString(session.Credentials.SessionToken) + "x"
	c := ts.s3Client(aws.ToString(session.Credentials.AccessKeyId), aws.ToString(session.Credentials.SecretAccessKey), forged)
	var answer rawAnswer
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{}, answer.record)
	wantAPIError(t, "ListBuckets with a forged session token", err, "InvalidToken", "")
	if !bytes.Contains(answer.body, []byte("<Token-0>"+forged+"</Token-0>")) {
		t.Errorf("InvalidToken body = %s; want the token as Token-0", answer.body)
	}
}

// A bucket policy names only S3's actions, each on a resource it applies
// to (note 62).
func TestS3BucketPolicyActions(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	bucket := aws.String("checked")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	acct := ts.Root.AccountId
	statement := func(action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":` + action + `,"Resource":` + resource + `}]}`
	}
	bucketARN, objects, both := `"arn:aws:s3:::checked"`, `"arn:aws:s3:::checked/*"`, `["arn:aws:s3:::checked","arn:aws:s3:::checked/*"]`
	for _, tc := range []struct{ action, resource, want string }{
		{`"s3:GetObject"`, bucketARN, "Action does not apply to any resource(s) in statement"},
		{`["s3:GetObject","s3:ListBucket"]`, objects, "Action does not apply to any resource(s) in statement"},
		{`"s3:ListAllMyBuckets"`, both, "Action does not apply to any resource(s) in statement"},
		{`"s3:GetObjekt"`, objects, "Policy has invalid action"},
		{`"sqs:SendMessage"`, objects, "Policy has invalid action"},
		{`["s3:GetObject","s3:ListBucket"]`, both, ""},
		{`"S3:getobject"`, objects, ""},
		{`"s3:Get*"`, bucketARN, ""},
		{`"s3:*"`, objects, ""},
		{`"*"`, bucketARN, ""},
		{`"s3:ListBucket"`, `"arn:aws:s3:::check*"`, ""},
	} {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(statement(tc.action, tc.resource))})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("PutBucketPolicy of %s on %s: %v", tc.action, tc.resource, err)
		case tc.want != "":
			wantAPIError(t, "PutBucketPolicy of "+tc.action+" on "+tc.resource, err, "MalformedPolicy", tc.want)
		}
	}
}

// A bucket policy may name an account by the canonical user id S3 shows
// for it (note 38); a condition on a policy variable fixes nothing, so
// such a statement for everyone is public.
func TestS3CanonicalUserAndVariablePrincipals(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	_, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	bucket := aws.String("by-canonical-id")
	if _, err := prodS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, prodS3, "by-canonical-id", "report.txt", "q3")
	staging := ts.rootS3()
	owner, err := staging.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + aws.ToString(owner.Owner.ID) +
		`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::by-canonical-id/*"}]}`
	if _, err := get(t, staging, "by-canonical-id", "report.txt"); err == nil {
		t.Fatal("GetObject across accounts before any grant succeeded")
	}
	if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(grant)}); err != nil {
		t.Fatal(err)
	}
	if got, err := get(t, staging, "by-canonical-id", "report.txt"); err != nil || got != "q3" {
		t.Errorf("GetObject by the account a CanonicalUser principal names = %q, %v", got, err)
	}

	anyoneOfItself := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::by-canonical-id/*",` +
		`"Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:PrincipalAccount}"}}}]}`
	_, err = prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(anyoneOfItself)})
	wantAPIError(t, "PutBucketPolicy of a statement for everyone fixed by a policy variable", err, "AccessDenied", "BlockPublicPolicy")
	// ...IfExists holds for anonymous callers, who have no organization.
	ifInOrg := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::by-canonical-id/*",` +
		`"Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	_, err = prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(ifInOrg)})
	wantAPIError(t, "PutBucketPolicy of a statement for everyone fixed only IfExists", err, "AccessDenied", "BlockPublicPolicy")
}

// Within one account a bucket policy that names a role session grants it
// past its role's permissions boundary; one that names the role does not
// (notes 3 and 4), end to end with the SDK.
func TestS3BucketPolicyPastBoundary(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	acct := ts.Root.AccountId
	root := ts.rootS3()
	bucket := aws.String("bounded")
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, root, "bounded", "report.txt", "q3")
	rootIAM := ts.rootIAM()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := rootIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Reader"), AssumeRolePolicyDocument: aws.String(trust),
		PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	ts.userAllowed(t, "assumer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	session, err := ts.userSTS(t, "assumer").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + acct + ":role/Reader"), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatal(err)
	}
	reader := ts.sessionS3(session.Credentials)
	grantTo := func(principal string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bounded/*"}]}`
		if _, err := root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(doc)}); err != nil {
			t.Fatalf("PutBucketPolicy for %s: %v", principal, err)
		}
	}
	grantTo("arn:aws:iam::" + acct + ":role/Reader")
	_, err = get(t, reader, "bounded", "report.txt")
	wantAPIError(t, "GetObject granted to the role, past a boundary that does not allow it", err, "AccessDenied", "permissions boundary")
	grantTo("arn:aws:sts::" + acct + ":assumed-role/Reader/s1")
	if got, err := get(t, reader, "bounded", "report.txt"); err != nil || got != "q3" {
		t.Errorf("GetObject granted to the session itself, past the boundary = %q, %v", got, err)
	}
}

// A bucket shared with the whole organization by aws:PrincipalOrgID: not
// public, so Block Public Access lets it be; another member account's
// callers read it with an identity policy of their own, anonymous callers
// never (note 38).
func TestS3SharedWithTheOrganization(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	_, prod := crossAccount(t, ts)
	prodS3 := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	bucket := aws.String("org-shared")
	if _, err := prodS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket}); err != nil {
		t.Fatal(err)
	}
	put(t, prodS3, "org-shared", "handbook.txt", "welcome")
	org, err := ts.rootOrg().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-shared/*",` +
		`"Condition":{"StringEquals":{"aws:PrincipalOrgID":"` + aws.ToString(org.Organization.Id) + `"}}}]}`
	if _, err := prodS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(doc)}); err != nil {
		t.Fatalf("PutBucketPolicy for the organization under BlockPublicPolicy: %v", err)
	}
	ts.userAllowed(t, "colleague", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	if got, err := get(t, ts.userS3(t, "colleague"), "org-shared", "handbook.txt"); err != nil || got != "welcome" {
		t.Errorf("GetObject by another member account's user = %q, %v", got, err)
	}
	ts.newUser(t, "stranger")
	_, err = get(t, ts.userS3(t, "stranger"), "org-shared", "handbook.txt")
	wantAPIError(t, "GetObject by a member account's user without an identity policy", err, "AccessDenied", "")
	resp, err := http.Get(ts.Endpoint + "/org-shared/handbook.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous GET of a bucket shared with the organization = %d, want 403", resp.StatusCode)
	}
}

// A request signed for another region than its bucket's is refused,
// naming the bucket's region, which the CLI and boto3 sign again for;
// HeadBucket and GetBucketLocation answer any region, and a copy may
// read a bucket of another region (note 63).
func TestS3SigningRegion(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	east := ts.rootS3()
	west := s3.New(east.Options(), func(o *s3.Options) { o.Region = "eu-west-1" })
	if _, err := east.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("in-the-east")}); err != nil {
		t.Fatal(err)
	}
	if _, err := west.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("in-the-west"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	put(t, east, "in-the-east", "a.txt", "east")

	var answer, head rawAnswer
	_, err := west.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("in-the-east"), Key: aws.String("a.txt")}, answer.record)
	wantAPIError(t, "GetObject of a us-east-1 bucket signed for eu-west-1", err, "AuthorizationHeaderMalformed", "the region 'eu-west-1' is wrong; expecting 'us-east-1'")
	if !bytes.Contains(answer.body, []byte("<Region>us-east-1</Region>")) {
		t.Errorf("AuthorizationHeaderMalformed body = %s; want the bucket's Region", answer.body)
	}
	_, err = west.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("in-the-east")}, head.record)
	if region := head.header.Get("X-Amz-Bucket-Region"); err == nil || head.status != http.StatusBadRequest || region != "us-east-1" {
		t.Errorf("HeadBucket signed for another region = %d, region %q, %v; want 400 naming us-east-1", head.status, region, err)
	}
	if loc, err := west.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("in-the-east")}); err != nil || loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation signed for another region = %+v, %v", loc, err)
	}
	// The copy is the destination's request: its source may be anywhere.
	if _, err := west.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("in-the-west"), Key: aws.String("a.txt"), CopySource: aws.String("in-the-east/a.txt")}); err != nil {
		t.Errorf("CopyObject from us-east-1 into eu-west-1, signed for eu-west-1: %v", err)
	}
	presigned, err := s3.NewPresignClient(west).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("in-the-east"), Key: aws.String("a.txt")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(presigned.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !bytes.Contains(body, []byte("<Code>AuthorizationQueryParametersError</Code>")) {
		t.Errorf("presigned GET signed for another region = %d %s; want 400 AuthorizationQueryParametersError", resp.StatusCode, body)
	}
}

// TestS3ExpectedBucketOwner: a request that names the account it expects
// to own its bucket, or a copy's source bucket, is refused when another
// account owns it, as S3's bucket owner condition refuses it (note 83).
func TestS3ExpectedBucketOwner(t *testing.T) {
	ts, c, bucket := withBucket(t, "ledgers")
	ctx := t.Context()
	own, other := aws.String(ts.Root.AccountId), aws.String("999999999999")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("2026.csv"), Body: strings.NewReader("a,b"), ExpectedBucketOwner: own}); err != nil {
		t.Fatalf("PutObject expecting the bucket's owner: %v", err)
	}
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("2027.csv"), Body: strings.NewReader("c,d"), ExpectedBucketOwner: other})
	wantAPIError(t, "PutObject expecting another owner", err, "AccessDenied", "Access Denied")
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("2027.csv")}); err == nil {
		t.Error("a PutObject refused for its expected owner wrote the object")
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("2026.csv"), ExpectedBucketOwner: other})
	wantAPIError(t, "GetObject expecting another owner", err, "AccessDenied", "")
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, ExpectedBucketOwner: aws.String("ledgers-owner")})
	wantAPIError(t, "ListObjectsV2 expecting an owner that is no account id", err, "InvalidBucketOwnerAWSAccountID", "must be an AWS Account ID... [ledgers-owner]")
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket, ExpectedBucketOwner: own}); err != nil {
		t.Errorf("HeadBucket expecting the bucket's owner: %v", err)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: bucket, ExpectedBucketOwner: other}); err == nil {
		t.Error("HeadBucket expecting another owner succeeded")
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket, ExpectedBucketOwner: other})
	wantAPIError(t, "GetBucketPolicy expecting another owner", err, "AccessDenied", "")

	// A copy checks its source's owner apart from its destination's.
	copyInput := func(source *string) *s3.CopyObjectInput {
		return &s3.CopyObjectInput{Bucket: bucket, Key: aws.String("copy.csv"), CopySource: aws.String("ledgers/2026.csv"),
			ExpectedBucketOwner: own, ExpectedSourceBucketOwner: source}
	}
	_, err = c.CopyObject(ctx, copyInput(other))
	wantAPIError(t, "CopyObject expecting another owner of its source", err, "AccessDenied", "")
	// A presigned URL carries the condition in its query.
	presigned, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("2026.csv"), ExpectedBucketOwner: other})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(presigned.URL, "x-amz-expected-bucket-owner=") {
		t.Fatalf("presigned URL %s does not name the expected owner", presigned.URL)
	}
	resp, err := ts.httpClient(5 * time.Second).Get(presigned.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("presigned GetObject expecting another owner = %d; want 403", resp.StatusCode)
	}
	if _, err := c.CopyObject(ctx, copyInput(own)); err != nil {
		t.Errorf("CopyObject expecting the owners of both: %v", err)
	}
}

// TestS3RequesterPays: once a bucket is Requester Pays, a requester of
// another account must agree to pay on each request, and is told it was
// charged; the owner's account pays its own, and anonymous requests are
// refused (note 84).
func TestS3RequesterPays(t *testing.T) {
	ts, c, bucket := withBucket(t, "datasets")
	ctx := t.Context()
	put(t, c, "datasets", "census.csv", "city,people")
	_, prod := crossAccount(t, ts)
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: bucket, Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + prod.AccountId + `:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::datasets/*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	payment := func() s3types.Payer {
		t.Helper()
		out, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		return out.Payer
	}
	if p := payment(); p != s3types.PayerBucketOwner {
		t.Errorf("GetBucketRequestPayment of a new bucket = %q; want BucketOwner", p)
	}
	setPayer := func(p s3types.Payer) {
		t.Helper()
		if _, err := c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: bucket,
			RequestPaymentConfiguration: &s3types.RequestPaymentConfiguration{Payer: p}}); err != nil {
			t.Fatal(err)
		}
	}
	setPayer(s3types.PayerRequester)
	if p := payment(); p != s3types.PayerRequester {
		t.Errorf("GetBucketRequestPayment = %q; want Requester", p)
	}

	other := ts.s3Client(prod.AccessKeyId, prod.SecretAccessKey, "")
	_, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("census.csv")})
	wantAPIError(t, "GetObject from another account without agreeing to pay", err, "AccessDenied", "Access Denied")
	got, err := other.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("census.csv"), RequestPayer: s3types.RequestPayerRequester})
	if err != nil {
		t.Fatalf("GetObject from another account agreeing to pay: %v", err)
	}
	got.Body.Close()
	if got.RequestCharged != s3types.RequestChargedRequester {
		t.Errorf("RequestCharged = %q; want requester", got.RequestCharged)
	}
	own, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("census.csv")})
	if err != nil {
		t.Fatalf("the owner's GetObject without agreeing to pay: %v", err)
	}
	own.Body.Close()
	if own.RequestCharged != "" {
		t.Errorf("the owner's RequestCharged = %q; want none", own.RequestCharged)
	}
	// Permission still decides: agreeing to pay grants nothing.
	_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("mine.csv"), Body: strings.NewReader("x"), RequestPayer: s3types.RequestPayerRequester})
	wantAPIError(t, "PutObject from another account without permission, agreeing to pay", err, "AccessDenied", "")
	resp, err := http.Get(ts.Endpoint + "/datasets/census.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("anonymous GET of a Requester Pays bucket = %d; want 403", resp.StatusCode)
	}
	// HeadBucket names the region whatever it answers: the SDKs find a
	// bucket's region with an anonymous one.
	resp, err = http.Head(ts.Endpoint + "/datasets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("x-amz-bucket-region") != "us-east-1" {
		t.Errorf("anonymous HeadBucket of a Requester Pays bucket = %d, region %q; want 403 naming us-east-1", resp.StatusCode, resp.Header.Get("x-amz-bucket-region"))
	}
	// A copy from it is charged too.
	if _, err := other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("prod-datasets")}); err != nil {
		t.Fatal(err)
	}
	copied, err := other.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("prod-datasets"), Key: aws.String("census.csv"),
		CopySource: aws.String("datasets/census.csv"), RequestPayer: s3types.RequestPayerRequester})
	if err != nil || copied.RequestCharged != s3types.RequestChargedRequester {
		t.Errorf("CopyObject from a Requester Pays bucket = %+v, %v; want it charged", copied, err)
	}
	// A browser's preflight, which can say nothing of paying, is
	// answered from the CORS rules.
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: &s3types.CORSConfiguration{CORSRules: []s3types.CORSRule{{
		AllowedOrigins: []string{"https://maps.example.com"}, AllowedMethods: []string{"GET"}}}}}); err != nil {
		t.Fatal(err)
	}
	preflight, err := http.NewRequest(http.MethodOptions, ts.Endpoint+"/datasets/census.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	preflight.Header.Set("Origin", "https://maps.example.com")
	preflight.Header.Set("Access-Control-Request-Method", "GET")
	resp, err = http.DefaultClient.Do(preflight)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "https://maps.example.com" {
		t.Errorf("CORS preflight of a Requester Pays bucket = %d %v; want the rule's answer", resp.StatusCode, resp.Header)
	}

	setPayer(s3types.PayerBucketOwner)
	if got, err := get(t, other, "datasets", "census.csv"); err != nil || got != "city,people" {
		t.Errorf("GetObject from another account once the owner pays = %q, %v", got, err)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	body := `<RequestPaymentConfiguration><Payer>Nobody</Payer></RequestPaymentConfiguration>`
	if status, answer := ts.sendHeaders(t, root, "s3", http.MethodPut, "/datasets?requestPayment", http.Header{"Content-Md5": {md5Base64(body)}}, body); status != 400 ||
		!strings.Contains(answer, "MalformedXML") {
		t.Errorf("PutBucketRequestPayment of a payer S3 does not know = %d %s; want MalformedXML", status, answer)
	}
}

// TestS3TransferAcceleration: a bucket's Transfer Acceleration is set and
// read back as S3 keeps it, and refused for a name with periods (note 85).
func TestS3TransferAcceleration(t *testing.T) {
	ts, c, bucket := withBucket(t, "fast")
	ctx := t.Context()
	status := func() s3types.BucketAccelerateStatus {
		t.Helper()
		out, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: bucket})
		if err != nil {
			t.Fatal(err)
		}
		return out.Status
	}
	if s := status(); s != "" {
		t.Errorf("Transfer Acceleration of a new bucket = %q; want never set", s)
	}
	for _, want := range []s3types.BucketAccelerateStatus{s3types.BucketAccelerateStatusEnabled, s3types.BucketAccelerateStatusSuspended} {
		if _, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: bucket,
			AccelerateConfiguration: &s3types.AccelerateConfiguration{Status: want}}); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != want {
			t.Errorf("Transfer Acceleration = %q; want %q", s, want)
		}
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fast.example.com")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: aws.String("fast.example.com"),
		AccelerateConfiguration: &s3types.AccelerateConfiguration{Status: s3types.BucketAccelerateStatusEnabled}})
	wantAPIError(t, "PutBucketAccelerateConfiguration of a name with periods", err, "InvalidRequest", "periods (.)")
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	if code, answer := ts.send(t, root, "s3", http.MethodPut, "/fast?accelerate", "", `<AccelerateConfiguration><Status>Fast</Status></AccelerateConfiguration>`); code != 400 ||
		!strings.Contains(answer, "MalformedXML") {
		t.Errorf("PutBucketAccelerateConfiguration of a status S3 does not know = %d %s", code, answer)
	}
}

// TestS3EventNotifications keeps a bucket's event notification
// configuration as S3 does, with its checks: no destination can be
// validated here, as no SNS, SQS or Lambda is served, unless the request
// skips validation; EventBridge needs none (note 87).
func TestS3EventNotifications(t *testing.T) {
	ts, c, bucket := withBucket(t, "uploads")
	ctx := t.Context()
	queue := "arn:aws:sqs:us-east-1:" + ts.Root.AccountId + ":uploads"
	created := []s3types.Event{"s3:ObjectCreated:*"}
	filter := func(prefix string) *s3types.NotificationConfigurationFilter {
		return &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{{Name: "prefix", Value: aws.String(prefix)}}}}
	}
	putConf := func(conf *s3types.NotificationConfiguration, skip bool) error {
		in := &s3.PutBucketNotificationConfigurationInput{Bucket: bucket, NotificationConfiguration: conf}
		if skip {
			in.SkipDestinationValidation = aws.Bool(true)
		}
		_, err := c.PutBucketNotificationConfiguration(ctx, in)
		return err
	}

	err := putConf(&s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String(queue), Events: created}}}, false)
	wantAPIError(t, "PutBucketNotificationConfiguration of a queue, validated", err, "InvalidArgument", "Unable to validate the following destination configurations")
	// Each destination is named in turn, with what failed.
	var raw rawAnswer
	recorded := ts.s3Client(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "", raw.record)
	function := "arn:aws:lambda:us-east-1:" + ts.Root.AccountId + ":function:thumbnails"
	_, err = recorded.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: bucket, NotificationConfiguration: &s3types.NotificationConfiguration{
		QueueConfigurations:          []s3types.QueueConfiguration{{QueueArn: aws.String(queue), Events: created}},
		LambdaFunctionConfigurations: []s3types.LambdaFunctionConfiguration{{LambdaFunctionArn: aws.String(function), Events: []s3types.Event{"s3:ObjectRemoved:*"}}}}})
	for _, want := range []string{"<ArgumentName1>" + queue + "</ArgumentName1><ArgumentValue1>The destination queue does not exist</ArgumentValue1>",
		"<ArgumentName2>" + function + ", null</ArgumentName2><ArgumentValue2>Not authorized to invoke function [" + function + "]</ArgumentValue2>"} {
		if err == nil || !strings.Contains(string(raw.body), want) {
			t.Errorf("PutBucketNotificationConfiguration of two destinations = %v, %s; want %s", err, raw.body, want)
		}
	}

	for _, bad := range []struct {
		what string
		conf s3types.NotificationConfiguration
		msg  string
	}{
		{"of an unknown event", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String(queue), Events: []s3types.Event{"s3:ObjectCreated:Sometimes"}}}}, "event is not supported"},
		{"of a topic's ARN for a queue", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String("arn:aws:sns:us-east-1:" + ts.Root.AccountId + ":topic"), Events: created}}}, "could not be parsed"},
		{"of no ARN", s3types.NotificationConfiguration{TopicConfigurations: []s3types.TopicConfiguration{{TopicArn: aws.String("my-topic"), Events: created}}}, "could not be parsed"},
		{"of a queue in another region", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String("arn:aws:sqs:eu-west-1:" + ts.Root.AccountId + ":uploads"), Events: created}}}, "region is not valid"},
		{"of one ID twice", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{
			{Id: aws.String("same"), QueueArn: aws.String(queue), Events: created, Filter: filter("a/")}, {Id: aws.String("same"), QueueArn: aws.String(queue), Events: created, Filter: filter("b/")}}}, "IDs must be unique"},
		{"of an unknown filter rule", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String(queue), Events: created,
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{{Name: "infix", Value: aws.String("a")}}}}}}}, "prefix or suffix"},
		{"of two configurations of one event", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{
			{QueueArn: aws.String(queue), Events: created}, {QueueArn: aws.String(queue), Events: []s3types.Event{"s3:ObjectCreated:Copy"}}}}, "Configurations overlap"},
		{"of two prefixes", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{QueueArn: aws.String(queue), Events: created,
			Filter: &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{FilterRules: []s3types.FilterRule{{Name: "prefix", Value: aws.String("a/")}, {Name: "prefix", Value: aws.String("b/")}}}}}}}, "more than one prefix"},
		{"of overlapping configurations", s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{
			{QueueArn: aws.String(queue), Events: created, Filter: filter("images/")},
			{QueueArn: aws.String(queue), Events: []s3types.Event{"s3:ObjectCreated:Put"}, Filter: filter("images/raw/")}}}, "ambiguously defined"},
	} {
		wantAPIError(t, "PutBucketNotificationConfiguration "+bad.what, putConf(&bad.conf, true), "InvalidArgument", bad.msg)
	}

	// Skipping validation, the configuration is kept as given, with IDs
	// for the configurations without one; filters on other prefixes do
	// not overlap.
	conf := &s3types.NotificationConfiguration{
		QueueConfigurations: []s3types.QueueConfiguration{
			{Id: aws.String("images"), QueueArn: aws.String(queue), Events: created, Filter: filter("images/")},
			{QueueArn: aws.String(queue), Events: created, Filter: filter("videos/")}},
		EventBridgeConfiguration: &s3types.EventBridgeConfiguration{},
	}
	if err := putConf(conf, true); err != nil {
		t.Fatalf("PutBucketNotificationConfiguration skipping validation: %v", err)
	}
	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket})
	if err != nil || len(got.QueueConfigurations) != 2 || got.EventBridgeConfiguration == nil {
		t.Fatalf("GetBucketNotificationConfiguration = %+v, %v", got, err)
	}
	first, second := got.QueueConfigurations[0], got.QueueConfigurations[1]
	if aws.ToString(first.Id) != "images" || aws.ToString(first.QueueArn) != queue || len(first.Events) != 1 || first.Events[0] != "s3:ObjectCreated:*" ||
		first.Filter == nil || len(first.Filter.Key.FilterRules) != 1 || aws.ToString(first.Filter.Key.FilterRules[0].Value) != "images/" || first.Filter.Key.FilterRules[0].Name != "Prefix" ||
		aws.ToString(second.Id) == "" {
		t.Errorf("the configurations read back = %+v, %+v", first, second)
	}

	// EventBridge alone needs no validation; an empty configuration
	// removes it all.
	if err := putConf(&s3types.NotificationConfiguration{EventBridgeConfiguration: &s3types.EventBridgeConfiguration{}}, false); err != nil {
		t.Errorf("PutBucketNotificationConfiguration of EventBridge alone: %v", err)
	}
	if err := putConf(&s3types.NotificationConfiguration{}, false); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bucket})
	if err != nil || len(got.QueueConfigurations) != 0 || got.EventBridgeConfiguration != nil {
		t.Errorf("GetBucketNotificationConfiguration once emptied = %+v, %v", got, err)
	}
}
