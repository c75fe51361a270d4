package sigv4

import (
	"context"
	"errors"
	"testing"
)

// awsPostPolicy is the base64 policy of AWS's example of a browser upload
// signed with Signature Version 4 ("Example: Browser-Based Upload using
// HTTP POST (Using AWS Signature Version 4)"), and awsPostSignature its
// signature there.
const (
	awsPostPolicy    = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	awsPostSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
)

func exampleKeys() Keys {
	return KeysFunc(func(_ context.Context, id, token string) (Key, error) {
		if id != "AKIAIOSFODNN7EXAMPLE" {
			return Key{}, &Error{Kind: UnknownAccessKey}
		}
		return Key{Secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Owner: "example"}, nil
	})
}

func TestVerifyPost(t *testing.T) {
	v := NewVerifier(exampleKeys())
	form := PostAuth{Algorithm: "AWS4-HMAC-SHA256", Credential: "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
		Date: "20151229T000000Z", Signature: awsPostSignature, Policy: awsPostPolicy}
	s, err := v.VerifyPost(context.Background(), form)
	if err != nil || !s.Post || s.Region != "us-east-1" || s.Service != "s3" || s.Owner != "example" {
		t.Fatalf("VerifyPost of AWS's example = %+v, %v", s, err)
	}

	for name, tc := range map[string]struct {
		change func(*PostAuth)
		code   string
		arg    string
	}{
		"a policy changed":  {func(p *PostAuth) { p.Policy = p.Policy[:len(p.Policy)-2] }, "SignatureDoesNotMatch", ""},
		"an unknown key":    {func(p *PostAuth) { p.Credential = "AKIAOTHER/20151229/us-east-1/s3/aws4_request" }, "InvalidAccessKeyId", ""},
		"an empty key":      {func(p *PostAuth) { p.Credential = "/20151229/us-east-1/s3/aws4_request" }, "InvalidArgument", "X-Amz-Credential"},
		"another service":   {func(p *PostAuth) { p.Credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/iam/aws4_request" }, "InvalidArgument", "X-Amz-Credential"},
		"a bad date":        {func(p *PostAuth) { p.Date = "2015-12-29" }, "InvalidArgument", "X-Amz-Date"},
		"another day":       {func(p *PostAuth) { p.Date = "20151230T000000Z" }, "InvalidArgument", "X-Amz-Credential"},
		"another algorithm": {func(p *PostAuth) { p.Algorithm = "AWS4-ECDSA-P256-SHA256" }, "InvalidArgument", "X-Amz-Algorithm"},
	} {
		p := form
		tc.change(&p)
		_, err := v.VerifyPost(context.Background(), p)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v, want an *Error", name, err)
			continue
		}
		r := e.Reply("s3")
		if r.Code != tc.code || (tc.arg != "" && (len(r.Fields) == 0 || r.Fields[0].Value != tc.arg)) {
			t.Errorf("%s: reply %+v, want %s naming %q", name, r, tc.code, tc.arg)
		}
		if tc.code == "SignatureDoesNotMatch" && (len(r.Fields) != 4 || r.Fields[1].Value != p.Policy) {
			t.Errorf("%s: fields %+v, want the policy as StringToSign and no canonical request", name, r.Fields)
		}
	}
}
