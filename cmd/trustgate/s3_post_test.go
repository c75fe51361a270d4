package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trustgate/trustgate/sigv4"
)

// postField is one field of a browser upload form, in order.
type postField struct{ name, value string }

// signedForm is the fields of a form signed by id and secret: its
// conditions, with those of the signature's own fields, as the policy
// expiring at expires, and the signature.
func signedForm(id, secret string, expires time.Time, conditions []any, fields ...postField) []postField {
	now := time.Now().UTC()
	cred := id + "/" + now.Format("20060102") + "/us-east-1/s3/aws4_request"
	date := now.Format("20060102T150405Z")
	conditions = append(conditions, map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
		map[string]string{"x-amz-credential": cred}, map[string]string{"x-amz-date": date})
	doc, _ := json.Marshal(map[string]any{"expiration": expires.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conditions})
	policy := base64.StdEncoding.EncodeToString(doc)
	m := hmac.New(sha256.New, sigv4.SigningKey(secret, now.Format("20060102"), "us-east-1", "s3"))
	m.Write([]byte(policy))
	return append(fields, postField{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"}, postField{"X-Amz-Credential", cred},
		postField{"X-Amz-Date", date}, postField{"Policy", policy}, postField{"X-Amz-Signature", hex.EncodeToString(m.Sum(nil))})
}

// postForm sends a form to a bucket's URL, the file last, as a browser
// does, and returns the answer with its body read.
func postForm(t *testing.T, ts *testServer, bucket string, fields []postField, fileName string, file []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		mw.WriteField(f.name, f.value)
	}
	fw, _ := mw.CreateFormFile("file", fileName)
	fw.Write(file)
	mw.WriteField("submit", "Upload") // after the file: ignored
	mw.Close()
	client := ts.httpClient(10 * time.Second)
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Post(ts.Endpoint+"/"+bucket, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// Note 70: a browser upload form signed by its policy writes its file as
// PutObject would, its fields for headers, once the policy allows the
// form and the signer's policies allow s3:PutObject; S3's refusals
// otherwise.
func TestS3PostObject(t *testing.T) {
	ts, c, bucket := withBucket(t, "uploads")
	ctx := t.Context()
	id, secret := ts.Root.AccessKeyId, ts.Root.SecretAccessKey
	hour := time.Now().Add(time.Hour)
	conditions := func() []any {
		return []any{map[string]string{"bucket": "uploads"}, []any{"starts-with", "$key", "user/"},
			[]any{"content-length-range", 1, 100}, []any{"starts-with", "$Content-Type", "text/"}, map[string]string{"x-amz-meta-owner": "ana"}}
	}
	fields := []postField{{"key", "user/${filename}"}, {"Content-Type", "text/plain"}, {"x-amz-meta-owner", "ana"}}

	form := signedForm(id, secret, hour, append(conditions(), map[string]string{"success_action_status": "201"}),
		append(fields, postField{"success_action_status", "201"})...)
	resp, body := postForm(t, ts, "uploads", form, `C:\notes\note.txt`, []byte("hello"))
	if resp.StatusCode != http.StatusCreated || !strings.Contains(body, "<Key>user/note.txt</Key>") ||
		!strings.Contains(body, "<Location>"+ts.Endpoint+"/uploads/user%2Fnote.txt</Location>") {
		t.Fatalf("POST with success_action_status 201 = %d %s", resp.StatusCode, body)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("user/note.txt")})
	if err != nil {
		t.Fatal(err)
	}
	read, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(read) != "hello" || aws.ToString(got.ContentType) != "text/plain" || got.Metadata["owner"] != "ana" {
		t.Errorf("the uploaded object = %q, %q, %v", read, aws.ToString(got.ContentType), got.Metadata)
	}

	resp, body = postForm(t, ts, "uploads", signedForm(id, secret, hour, conditions(), fields...), "b.txt", []byte("hi"))
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("ETag") == "" {
		t.Errorf("POST without success_action_status = %d %v %s; want 204 with the ETag", resp.StatusCode, resp.Header, body)
	}
	redirect := []any{"starts-with", "$success_action_redirect", "https://app.example/"}
	resp, _ = postForm(t, ts, "uploads", signedForm(id, secret, hour, append(conditions(), redirect),
		append(fields, postField{"success_action_redirect", "https://app.example/done?x=1"})...), "c.txt", []byte("hi"))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "https://app.example/done?x=1&bucket=uploads&key=user%2Fc.txt&etag=%22") {
		t.Errorf("POST with success_action_redirect = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	for _, tc := range []struct {
		name     string
		form     []postField
		file     string
		status   int
		contains string
	}{
		{"a field no condition names", signedForm(id, secret, hour, conditions(), append(fields, postField{"x-amz-meta-extra", "1"})...), "hi",
			403, "Invalid according to Policy: Extra input fields: x-amz-meta-extra"},
		{"a key outside the policy", signedForm(id, secret, hour, conditions(), postField{"key", "admin/x.txt"}, fields[1], fields[2]), "hi",
			403, `Invalid according to Policy: Policy Condition failed: [&#34;starts-with&#34;, &#34;$key&#34;, &#34;user/&#34;]`},
		{"an expired policy", signedForm(id, secret, time.Now().Add(-time.Minute), conditions(), fields...), "hi",
			403, "Invalid according to Policy: Policy expired."},
		{"a file past the range", signedForm(id, secret, hour, conditions(), fields...), strings.Repeat("x", 101), 400,
			"<Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message><ProposedSize>101</ProposedSize><MaxSizeAllowed>100</MaxSizeAllowed>"},
		{"another secret", signedForm(id, "not-the-secret", hour, conditions(), fields...), "hi", 403, "SignatureDoesNotMatch"},
		{"no key", signedForm(id, secret, hour, conditions(), fields[1], fields[2]), "hi", 400, "Bucket POST must contain a field named &#39;key&#39;."},
		{"a signature without its date", without(signedForm(id, secret, hour, conditions(), fields...), "X-Amz-Date"), "hi", 400,
			"Bucket POST must contain a field named &#39;X-Amz-Date&#39;."},
		{"no signature, to a private bucket", fields, "hi", 403, "AccessDenied"},
	} {
		resp, body := postForm(t, ts, "uploads", tc.form, "d.txt", []byte(tc.file))
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
			t.Errorf("POST with %s = %d %s; want %d with %s", tc.name, resp.StatusCode, body, tc.status, tc.contains)
		}
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String("user/d.txt")}); err == nil {
		t.Error("a refused POST wrote its object")
	}
	if notForm, err := ts.httpClient(10*time.Second).Post(ts.Endpoint+"/uploads", "text/plain", strings.NewReader("x")); err != nil || notForm.StatusCode != http.StatusPreconditionFailed {
		t.Errorf("POST of text/plain = %v, %v; want 412", notForm, err)
	}

	// The policy allows the form; the signer's own policies must allow
	// the write, as for a PutObject.
	ts.userAllowed(t, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::uploads/*"}]}`)
	key, err := ts.rootIAM().CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	resp, body = postForm(t, ts, "uploads", signedForm(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey),
		hour, conditions(), fields...), "e.txt", []byte("hi"))
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "s3:PutObject") {
		t.Errorf("POST signed by a user without s3:PutObject = %d %s", resp.StatusCode, body)
	}
}

// without is a form without one of its fields.
func without(form []postField, name string) []postField {
	var out []postField
	for _, f := range form {
		if f.name != name {
			out = append(out, f)
		}
	}
	return out
}
