package main

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3controltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
)

// s3ControlClient is an S3 Control client of the server. The SDK sends
// its requests to ACCOUNT.localhost, as to ACCOUNT.s3-control in AWS; the
// client dials the server for that name, as a resolver of *.localhost
// names would.
func (ts *testServer) s3ControlClient(id, secret, token string) *s3control.Client {
	endpoint, client := ts.localhost()
	return s3control.New(s3control.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, token),
		HTTPClient:   client,
	})
}

// localhost is the server's endpoint named localhost, and an HTTP
// client that dials the server for every name under it (NAME.localhost),
// as a resolver of *.localhost names would.
func (ts *testServer) localhost() (endpoint string, client *http.Client) {
	u, err := url.Parse(ts.Endpoint)
	if err != nil {
		panic(err)
	}
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, u.Host)
	}
	return u.Scheme + "://localhost:" + u.Port(), &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dial}}
}

// TestS3AccountPublicAccessBlock sets an account's Block Public Access
// through S3 Control with the SDK, and checks it holds for every bucket
// of the account beside the bucket's own, as S3 applies the stricter of
// the two; only the account's principals, allowed the actions, may read
// or set it (note 82).
func TestS3AccountPublicAccessBlock(t *testing.T) {
	ts := startServer(t)
	ctx := t.Context()
	c := ts.rootS3()
	control := ts.s3ControlClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey, "")
	account := aws.String(ts.Root.AccountId)

	_, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
	wantAPIError(t, "GetPublicAccessBlock of an account without one", err, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")

	// A bucket that blocks nothing, with a public policy, serves anyone.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("brochures")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "brochures", "spring.pdf", "%PDF")
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("brochures")}); err != nil {
		t.Fatal(err)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::brochures/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("brochures"), Policy: aws.String(public)}); err != nil {
		t.Fatal(err)
	}
	anonymous := func() int {
		t.Helper()
		resp, err := http.Get(ts.Endpoint + "/brochures/spring.pdf")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := anonymous(); code != http.StatusOK {
		t.Fatalf("anonymous GET of a public bucket = %d; want 200", code)
	}

	set := func(policy, restrict bool) error {
		_, err := control.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: account,
			PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
				BlockPublicPolicy: aws.Bool(policy), RestrictPublicBuckets: aws.Bool(restrict)}})
		return err
	}
	if err := set(false, true); err != nil {
		t.Fatalf("PutPublicAccessBlock: %v", err)
	}
	got, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
	if err != nil || got.PublicAccessBlockConfiguration == nil || !aws.ToBool(got.PublicAccessBlockConfiguration.RestrictPublicBuckets) ||
		aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicPolicy) || !aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls) {
		t.Errorf("GetPublicAccessBlock = %+v, %v; want the settings put", got, err)
	}
	if code := anonymous(); code != http.StatusForbidden {
		t.Errorf("anonymous GET under the account's RestrictPublicBuckets = %d; want 403", code)
	}
	if got, err := get(t, c, "brochures", "spring.pdf"); err != nil || got != "%PDF" {
		t.Errorf("the owner's GET under the account's RestrictPublicBuckets = %q, %v", got, err)
	}
	// The bucket's own setting still reads as it is.
	_, err = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("brochures")})
	wantAPIError(t, "the bucket's GetPublicAccessBlock under the account's", err, "NoSuchPublicAccessBlockConfiguration", "")

	if err := set(true, false); err != nil {
		t.Fatal(err)
	}
	if code := anonymous(); code != http.StatusOK {
		t.Errorf("anonymous GET once the account restricts nothing = %d; want 200", code)
	}
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("brochures"), Policy: aws.String(public)})
	wantAPIError(t, "a public policy under the account's BlockPublicPolicy", err, "AccessDenied", "BlockPublicPolicy")

	if _, err := control.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: account}); err != nil {
		t.Fatal(err)
	}
	_, err = control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
	wantAPIError(t, "GetPublicAccessBlock once deleted", err, "NoSuchPublicAccessBlockConfiguration", "")
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("brochures"), Policy: aws.String(public)}); err != nil {
		t.Errorf("a public policy once the account blocks nothing: %v", err)
	}
	if _, err := control.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: account}); err != nil {
		t.Errorf("DeletePublicAccessBlock of an account without one: %v", err)
	}

	// A failed authentication is answered in S3 Control's wrapping too.
	forged := ts.s3ControlClient(ts.Root.AccessKeyId, "not-the-secret", "")
	_, err = forged.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
	wantAPIError(t, "GetPublicAccessBlock with a wrong secret", err, "SignatureDoesNotMatch", "")

	// Another account's settings are not the caller's to read or set; a
	// user of the account needs the actions.
	_, prod := crossAccount(t, ts)
	_, err = control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(prod.AccountId)})
	wantAPIError(t, "GetPublicAccessBlock of another account", err, "AccessDenied", "")
	ts.userAllowed(t, "auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetAccountPublicAccessBlock","Resource":"*"}]}`)
	key := ts.accessKey(t, "auditor")
	auditor := ts.s3ControlClient(key.id, key.secret, "")
	_, err = auditor.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: account})
	wantAPIError(t, "GetPublicAccessBlock by a user allowed to", err, "NoSuchPublicAccessBlockConfiguration", "")
	_, err = auditor.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: account,
		PublicAccessBlockConfiguration: &s3controltypes.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
	wantAPIError(t, "PutPublicAccessBlock by a user not allowed to", err, "AccessDenied", "s3:PutAccountPublicAccessBlock")

	// A bucket named like S3 Control's path prefix is still a bucket.
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("v20180820")}); err != nil {
		t.Fatal(err)
	}
	put(t, c, "v20180820", "configuration/publicAccessBlock", "an object")
	if got, err := get(t, c, "v20180820", "configuration/publicAccessBlock"); err != nil || !strings.Contains(got, "an object") {
		t.Errorf("an object of a bucket named v20180820 = %q, %v", got, err)
	}
}
