package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// signed posts body, of contentType, signed with creds for service.
func (ts *testServer) signed(t *testing.T, creds aws.Credentials, service, contentType, body string) (int, string) {
	t.Helper()
	return ts.send(t, creds, service, http.MethodPost, "/", contentType, body)
}

// send makes a request signed with creds for service, its payload hash in
// X-Amz-Content-Sha256 as S3 wants it, and returns the answer's status and
// body.
func (ts *testServer) send(t *testing.T, creds aws.Credentials, service, method, path, contentType, body string) (int, string) {
	t.Helper()
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return ts.sendHeaders(t, creds, service, method, path, h, body)
}

// sendHeaders is send with headers of the caller's, signed with the rest.
func (ts *testServer) sendHeaders(t *testing.T, creds aws.Credentials, service, method, path string, h http.Header, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.Endpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	sum := sha256.Sum256([]byte(body))
	return signAndSend(t, creds, service, req, hex.EncodeToString(sum[:]))
}

// signAndSend signs req for service with creds and payloadHash, which it
// also sends as X-Amz-Content-Sha256, and returns the answer's status and
// body.
func signAndSend(t *testing.T, creds aws.Credentials, service string, req *http.Request, payloadHash string) (int, string) {
	t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3 signs the path as it is sent, not escaped once more.
		o.DisableURIPathEscaping = service == "s3"
	})
	if err := signer.SignHTTP(t.Context(), creds, req, payloadHash, service, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Bad input gets AWS's error, status and a message naming the problem;
// never a 500, and the server keeps serving.
func TestBadInput(t *testing.T) {
	ts := startServer(t)
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	garbageToken := root
	garbageToken.AccessKeyID, garbageToken.SessionToken = "ASIAGARBAGEGARBAGE00", "not-a-session-token"
	const form = "application/x-www-form-urlencoded"
	for _, c := range []struct {
		name              string
		creds             aws.Credentials
		service, ct, body string
		status            int
		code, msg         string
	}{
		{"an unknown IAM action", root, "iam", form, "Action=MakeCoffee&Version=2010-05-08",
			400, "InvalidAction", "MakeCoffee"},
		{"a request without an action", root, "iam", form, "Version=2010-05-08",
			400, "MissingAction", "Missing Action"},
		{"a malformed form body", root, "sts", form, "Action=GetCallerIdentity&Version=2011-06-15&x=%zz",
			400, "MalformedQueryString", "not a well-formed form"},
		{"a JSON body sent to a Query service", root, "iam", "application/json", `{"Action":"ListUsers"}`,
			400, "InvalidParameterValue", "application/x-www-form-urlencoded"},
		{"a missing required parameter", root, "iam", form, "Action=CreateUser&Version=2010-05-08",
			400, "MissingParameter", "UserName"},
		{"a parameter over its length", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=" + strings.Repeat("u", 65),
			400, "ValidationError", "userName"},
		{"a body over the Query protocol's megabyte", root, "iam", form, "Action=ListUsers&Version=2010-05-08&Pad=" + strings.Repeat("p", 1<<20),
			413, "RequestEntityTooLarge", "larger than"},
		{"a body over what is hashed to authenticate", root, "iam", form, "Action=ListUsers&Version=2010-05-08&Pad=" + strings.Repeat("p", 11<<20),
			413, "RequestEntityTooLarge", "too large"},
		{"a garbage session token", garbageToken, "sts", form, "Action=GetCallerIdentity&Version=2011-06-15",
			403, "InvalidClientTokenId", "The security token included in the request is invalid."},
		{"a policy document that is not JSON", root, "iam", form,
			"Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7Bnot+json",
			400, "MalformedPolicyDocument", ""},
		{"an unknown service", root, "ec2", form, "Action=DescribeInstances&Version=2016-11-15",
			501, "NotImplemented", "ec2"},
		{"a session longer than any role's", root, "sts", form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ss&RoleArn=arn:aws:iam::123456789012:role/r&DurationSeconds=43201",
			400, "ValidationError", "less than or equal to 43200"},
		{"a role session name too short", root, "sts", form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s&RoleArn=arn:aws:iam::123456789012:role/r",
			400, "ValidationError", "greater than or equal to 2"},
		{"an external ID too long", root, "sts", form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ss&RoleArn=arn:aws:iam::123456789012:role/r&ExternalId=" + strings.Repeat("x", 1225),
			400, "ValidationError", "less than or equal to 1224"},
		{"an external ID with a space", root, "sts", form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ss&RoleArn=arn:aws:iam::123456789012:role/r&ExternalId=a+b",
			400, "ValidationError", "regular expression pattern"},
		{"an empty user name", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=",
			400, "ValidationError", "greater than or equal to 1"},
		{"a tag key IAM does not allow", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=tagged&Tags.member.1.Key=bad%23key&Tags.member.1.Value=v",
			400, "ValidationError", "tags.1.member.key"},
		{"a tag key of 100 two-byte letters", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=accented&Tags.member.1.Key=" + strings.Repeat("%C3%A9", 100) + "&Tags.member.1.Value=v",
			200, "", ""},
		{"a path prefix without its slash", root, "iam", form, "Action=ListUsers&Version=2010-05-08&PathPrefix=nopath",
			400, "ValidationError", "pathPrefix"},
		// Note 72: the API's one Version, and tags whole.
		{"an IAM action of STS's version", root, "iam", form, "Action=ListUsers&Version=2011-06-15",
			400, "InvalidAction", "Could not find operation ListUsers for version 2011-06-15"},
		{"an STS action without a version", root, "sts", form, "Action=GetCallerIdentity",
			400, "InvalidAction", "Could not find operation GetCallerIdentity for version NO_VERSION_SPECIFIED"},
		{"an IAM tag without its value", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=half&Tags.member.1.Key=team",
			400, "ValidationError", "tags.1.member.value&#39; failed to satisfy constraint: Member must not be null"},
		{"an IAM tag without its key", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=half&Tags.member.1.Value=ops",
			400, "ValidationError", "Value null at &#39;tags.1.member.key"},
		{"a session tag without its value", root, "sts", form, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ss&RoleArn=arn:aws:iam::123456789012:role/r&Tags.member.1.Key=team",
			400, "ValidationError", "Value null at &#39;tags.1.member.value"},
		{"an IAM tag of an empty value", root, "iam", form, "Action=CreateUser&Version=2010-05-08&UserName=empty&Tags.member.1.Key=team&Tags.member.1.Value=",
			200, "", ""},
	} {
		status, body := ts.signed(t, c.creds, c.service, c.ct, c.body)
		if c.status == http.StatusOK {
			if status != c.status {
				t.Errorf("%s: %d %.300s; want it taken", c.name, status, body)
			}
			continue
		}
		if status != c.status || !strings.Contains(body, "<Code>"+c.code+"</Code>") || !strings.Contains(body, c.msg) {
			t.Errorf("%s: %d %.300s; want %d %s containing %q", c.name, status, body, c.status, c.code, c.msg)
		}
	}
	if strings.Contains(ts.Logs.String(), `"status":500`) {
		t.Errorf("bad input made the server fail:\n%s", ts.Logs.String())
	}
	status, body := ts.signed(t, root, "sts", form, "Action=GetCallerIdentity&Version=2011-06-15")
	if status != 200 {
		t.Errorf("GetCallerIdentity after the bad input = %d %s", status, body)
	}
}

// Note 49: Signature Version 2, which trustgate does not take, is refused
// as S3 refuses it where only version 4 is served, in S3's own error,
// whether it is a header or a presigned URL (as the AWS CLI v1's
// `aws s3 presign` makes by default); a Query call keeps its own error.
func TestSignatureVersion2(t *testing.T) {
	ts := startServer(t)
	const s3Refusal = "<Code>InvalidRequest</Code><Message>The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.</Message>"
	for _, c := range []struct {
		name, method, path, auth, body string
		status                         int
		want                           string
	}{
		{"an S3 header", http.MethodGet, "/photos/cat.jpg", "AWS " + ts.Root.AccessKeyId + ":c2lnbmF0dXJl", "", 400, s3Refusal},
		{"an S3 presigned URL", http.MethodGet, "/photos/cat.jpg?AWSAccessKeyId=" + ts.Root.AccessKeyId + "&Expires=2000000000&Signature=c2ln", "", "", 400, s3Refusal},
		{"a Query call", http.MethodPost, "/", "AWS " + ts.Root.AccessKeyId + ":c2lnbmF0dXJl", "Action=GetCallerIdentity&Version=2011-06-15", 400,
			"<Code>IncompleteSignature</Code>"},
	} {
		req, err := http.NewRequest(c.method, ts.Endpoint+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(b), c.want) {
			t.Errorf("%s signed with version 2: %d %s; want %d with %s", c.name, resp.StatusCode, b, c.status, c.want)
		}
	}
}
