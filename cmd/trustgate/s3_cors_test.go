package main

import (
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// preflight sends a browser's unsigned OPTIONS for path, from origin,
// before a request of method with the headers named.
func (ts *testServer) preflight(t *testing.T, path, origin, method, headers string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, ts.Endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers} {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// Note 73: a bucket's CORS rules are kept and read back, answer a
// browser's preflight, and put their headers on the answers to the
// cross-origin requests they allow.
func TestS3CORS(t *testing.T) {
	ts, c, bucket := withBucket(t, "site-assets")
	ctx := t.Context()
	put(t, c, "site-assets", "photo.jpg", "jpeg")

	rules := []s3types.CORSRule{
		{ID: aws.String("uploads"), AllowedOrigins: []string{"https://*.example.com"}, AllowedMethods: []string{"PUT", "POST"},
			AllowedHeaders: []string{"content-type", "x-amz-*"}, ExposeHeaders: []string{"ETag", "x-amz-version-id"}, MaxAgeSeconds: aws.Int32(3000)},
		{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}},
	}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: &s3types.CORSConfiguration{CORSRules: rules}}); err != nil {
		t.Fatalf("PutBucketCors: %v", err)
	}
	got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket})
	if err != nil || !reflect.DeepEqual(got.CORSRules, rules) {
		t.Errorf("GetBucketCors = %+v, %v; want the rules put", got, err)
	}

	// A preflight the first rule allows: its origin named back, its
	// methods, the headers asked for, what the page may read and for how
	// long the browser may keep the answer.
	resp, body := ts.preflight(t, "/site-assets/upload.jpg", "https://app.example.com", "PUT", "Content-Type, X-Amz-Date")
	if resp.StatusCode != 200 {
		t.Fatalf("a preflight the first rule allows = %d %s", resp.StatusCode, body)
	}
	for name, want := range map[string]string{
		"Access-Control-Allow-Origin":      "https://app.example.com",
		"Access-Control-Allow-Methods":     "PUT, POST",
		"Access-Control-Allow-Headers":     "content-type, x-amz-date",
		"Access-Control-Expose-Headers":    "ETag, x-amz-version-id",
		"Access-Control-Max-Age":           "3000",
		"Access-Control-Allow-Credentials": "true",
		"Vary":                             "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("preflight answer's %s = %q; want %q", name, got, want)
		}
	}
	// The second rule lets any origin read, and says so with *.
	resp, body = ts.preflight(t, "/site-assets/photo.jpg", "http://localhost:3000", "GET", "")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("a preflight of a GET from anywhere = %d %v %s; want 200 with origin *", resp.StatusCode, resp.Header, body)
	}

	for _, refused := range []struct{ why, origin, method, headers string }{
		{"an origin no rule names", "https://example.org", "PUT", ""},
		{"a method the origin's rule does not allow", "https://app.example.com", "DELETE", ""},
		{"a header no rule allows", "https://app.example.com", "PUT", "content-type, authorization"},
		{"the origin's case changed", "https://APP.example.COM", "PUT", ""},
	} {
		resp, body := ts.preflight(t, "/site-assets/upload.jpg", refused.origin, refused.method, refused.headers)
		if resp.StatusCode != 403 || !strings.Contains(body, "<Code>AccessForbidden</Code>") || !strings.Contains(body, "This CORS request is not allowed") ||
			!strings.Contains(body, "<Method>"+refused.method+"</Method>") || !strings.Contains(body, "<ResourceType>OBJECT</ResourceType>") ||
			resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("a preflight of %s = %d %s; want 403 AccessForbidden", refused.why, resp.StatusCode, body)
		}
	}
	if resp, body := ts.preflight(t, "/site-assets/photo.jpg", "", "GET", ""); resp.StatusCode != 400 || !strings.Contains(body, "Origin request header needed") {
		t.Errorf("a preflight without an Origin = %d %s; want 400", resp.StatusCode, body)
	}
	if resp, body := ts.preflight(t, "/site-assets/photo.jpg", "https://app.example.com", "PATCH", ""); resp.StatusCode != 400 || !strings.Contains(body, "Invalid Access-Control-Request-Method: PATCH") {
		t.Errorf("a preflight of a PATCH = %d %s; want 400", resp.StatusCode, body)
	}
	if resp, body := ts.preflight(t, "/site-assets/photo.jpg", "https://app.example.com", "PUT", "content-type, x(amz)"); resp.StatusCode != 400 ||
		!strings.Contains(body, `Access-Control-Request-Headers &#34;x(amz)&#34; contains invalid character.`) {
		t.Errorf("a preflight naming a header that is no header name = %d %s; want 400", resp.StatusCode, body)
	}
	// A missing bucket, and below one without rules, are refused before
	// the method is looked at, naming the bucket as the resource (note 73).
	for _, method := range []string{"GET", "PATCH", ""} {
		named := method
		if named == "" {
			named = "OPTIONS"
		}
		if resp, body := ts.preflight(t, "/no-such-bucket-here/x", "https://app.example.com", method, ""); resp.StatusCode != 403 ||
			!strings.Contains(body, "<Message>CORSResponse: Bucket not found</Message>") ||
			!strings.Contains(body, "<Method>"+named+"</Method><ResourceType>BUCKET</ResourceType>") {
			t.Errorf("a preflight of %q on a missing bucket = %d %s; want 403 AccessForbidden, Bucket not found", method, resp.StatusCode, body)
		}
	}

	// The cross-origin request itself, once allowed, carries the rule's
	// headers; without an Origin, or from one no rule allows, none.
	for _, want := range []struct {
		origin, allowOrigin string
	}{{"https://app.example.com", "*"}, {"", ""}} {
		var answer rawAnswer
		opts := []func(*s3.Options){answer.record}
		if want.origin != "" {
			opts = append(opts, s3.WithAPIOptions(smithyhttp.AddHeaderValue("Origin", want.origin)))
		}
		if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("photo.jpg")}, opts...); err != nil {
			t.Fatal(err)
		}
		if got := answer.header.Get("Access-Control-Allow-Origin"); got != want.allowOrigin {
			t.Errorf("GetObject from origin %q: Access-Control-Allow-Origin = %q; want %q", want.origin, got, want.allowOrigin)
		}
	}
	var missing rawAnswer
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("missing.jpg")}, missing.record,
		s3.WithAPIOptions(smithyhttp.AddHeaderValue("Origin", "https://app.example.com")))
	wantAPIError(t, "GetObject of a missing key", err, "NoSuchKey", "")
	if missing.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("the 404 of a GetObject from an allowed origin answered %v; want the second rule's headers", missing.header)
	}
	// A request naming a method or headers as a preflight does is matched
	// on those, not on its own method.
	for _, named := range []struct{ why, header, value, allowOrigin string }{
		{"naming a method no rule allows", "Access-Control-Request-Method", "DELETE", ""},
		{"naming a method the first rule allows", "Access-Control-Request-Method", "PUT", "https://app.example.com"},
		{"naming a header the GET rule does not allow", "Access-Control-Request-Headers", "x-amz-request-payer", ""},
	} {
		var answer rawAnswer
		if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("photo.jpg")}, answer.record,
			s3.WithAPIOptions(smithyhttp.AddHeaderValue("Origin", "https://app.example.com"), smithyhttp.AddHeaderValue(named.header, named.value))); err != nil {
			t.Fatal(err)
		}
		if got := answer.header.Get("Access-Control-Allow-Origin"); got != named.allowOrigin {
			t.Errorf("GetObject %s: Access-Control-Allow-Origin = %q; want %q", named.why, got, named.allowOrigin)
		}
	}
	var answer rawAnswer
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("upload.jpg"), Body: strings.NewReader("x")},
		answer.record, s3.WithAPIOptions(smithyhttp.AddHeaderValue("Origin", "https://app.example.com"))); err != nil {
		t.Fatal(err)
	}
	if answer.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" || answer.header.Get("Access-Control-Expose-Headers") != "ETag, x-amz-version-id" {
		t.Errorf("PutObject from an allowed origin answered %v; want the first rule's headers", answer.header)
	}

	// A configuration S3 would refuse is refused, and the rules stay.
	for _, bad := range []struct {
		why   string
		rules []s3types.CORSRule
		code  string
		msg   string
	}{
		{"a method S3 does not allow", []s3types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}},
			"InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
		{"an origin of two wildcards", []s3types.CORSRule{{AllowedOrigins: []string{"https://*.*.example.com"}, AllowedMethods: []string{"GET"}}},
			"InvalidRequest", `AllowedOrigin "https://*.*.example.com" can not have more than one wildcard.`},
		{"a header of two wildcards", []s3types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"*-*"}}},
			"InvalidRequest", `AllowedHeader "*-*" can not have more than one wildcard.`},
		{"a header that is no header name", []s3types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, AllowedHeaders: []string{"x amz"}}},
			"InvalidRequest", `AllowedHeader "x amz" contains invalid character.`},
		{"no rule", []s3types.CORSRule{}, "MalformedXML", ""},
		{"101 rules", manyRules(101), "InvalidRequest", "should not exceed allowed limit of 100 rules"},
	} {
		_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: &s3types.CORSConfiguration{CORSRules: bad.rules}})
		wantAPIError(t, "PutBucketCors of "+bad.why, err, bad.code, bad.msg)
	}
	if got, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket}); err != nil || !reflect.DeepEqual(got.CORSRules, rules) {
		t.Errorf("GetBucketCors after the refused configurations = %+v, %v; want the rules put first", got, err)
	}
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	for _, rule := range []string{"<AllowedMethod>GET</AllowedMethod>", "<AllowedOrigin>*</AllowedOrigin>"} {
		doc := "<CORSConfiguration><CORSRule>" + rule + "</CORSRule></CORSConfiguration>"
		if status, body := ts.send(t, root, "s3", http.MethodPut, "/site-assets?cors", "", doc); status != 400 || !strings.Contains(body, "<Code>MalformedXML</Code>") {
			t.Errorf("PutBucketCors of a rule of only %s = %d %s; want 400 MalformedXML", rule, status, body)
		}
	}
	if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: &s3types.CORSConfiguration{CORSRules: manyRules(100)}}); err != nil {
		t.Errorf("PutBucketCors of 100 rules: %v", err)
	}

	// Each call is its own action: one allowed to read the rules may not
	// change them, and DeleteBucketCors is s3:PutBucketCORS.
	ts.userAllowed(t, "reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetBucketCORS","Resource":"arn:aws:s3:::site-assets"}]}`)
	reader := ts.userS3(t, "reader")
	if _, err := reader.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket}); err != nil {
		t.Errorf("GetBucketCors by a user allowed s3:GetBucketCORS: %v", err)
	}
	_, err = reader.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: bucket})
	wantAPIError(t, "DeleteBucketCors by a user allowed only s3:GetBucketCORS", err, "AccessDenied", "s3:PutBucketCORS")

	if _, err := c.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: bucket}); err != nil {
		t.Fatalf("DeleteBucketCors: %v", err)
	}
	_, err = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: bucket})
	wantAPIError(t, "GetBucketCors after DeleteBucketCors", err, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
	for _, path := range []string{"/site-assets", "/site-assets/photo.jpg"} {
		resp, body = ts.preflight(t, path, "https://app.example.com", "", "")
		if resp.StatusCode != 403 || !strings.Contains(body, "CORS is not enabled for this bucket") ||
			!strings.Contains(body, "<Method>OPTIONS</Method><ResourceType>BUCKET</ResourceType>") {
			t.Errorf("a preflight of %s after DeleteBucketCors = %d %s; want 403, CORS not enabled", path, resp.StatusCode, body)
		}
	}
}

// manyRules is n rules that each allow GET from an origin of their own.
func manyRules(n int) []s3types.CORSRule {
	var rules []s3types.CORSRule
	for i := range n {
		rules = append(rules, s3types.CORSRule{AllowedOrigins: []string{fmt.Sprintf("https://site-%d.example.com", i)}, AllowedMethods: []string{"GET"}})
	}
	return rules
}
