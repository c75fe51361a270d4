package sigv4_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trustgate/trustgate/sigv4"
)

func TestReply(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		err     *sigv4.Error
		service string
		code    string
		status  int
		message string // "" to skip
	}{
		{&sigv4.Error{Kind: sigv4.MissingAuth}, "sts", "MissingAuthenticationToken", 403, "Request is missing Authentication Token"},
		{&sigv4.Error{Kind: sigv4.MissingAuth}, "s3", "AccessDenied", 403, "Access Denied"},
		{&sigv4.Error{Kind: sigv4.UnknownAccessKey}, "sts", "InvalidClientTokenId", 403, "The security token included in the request is invalid."},
		{&sigv4.Error{Kind: sigv4.UnknownAccessKey}, "iam", "InvalidClientTokenId", 403, "The security token included in the request is invalid."},
		{&sigv4.Error{Kind: sigv4.UnknownAccessKey}, "organizations", "UnrecognizedClientException", 400, "The security token included in the request is invalid."},
		{&sigv4.Error{Kind: sigv4.UnknownAccessKey, AccessKeyID: "AKIAX"}, "s3", "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."},
		{&sigv4.Error{Kind: sigv4.InvalidToken}, "sts", "InvalidClientTokenId", 403, "The security token included in the request is invalid."},
		{&sigv4.Error{Kind: sigv4.InvalidToken}, "s3", "InvalidToken", 400, "The provided token is malformed or otherwise invalid."},
		{&sigv4.Error{Kind: sigv4.ExpiredToken}, "sts", "ExpiredToken", 403, "The security token included in the request is expired"},
		{&sigv4.Error{Kind: sigv4.ExpiredToken}, "organizations", "ExpiredTokenException", 400, "The security token included in the request is expired"},
		{&sigv4.Error{Kind: sigv4.ExpiredToken}, "s3", "ExpiredToken", 400, "The provided token has expired."},
		{&sigv4.Error{Kind: sigv4.SignatureMismatch}, "iam", "SignatureDoesNotMatch", 403,
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."},
		{&sigv4.Error{Kind: sigv4.SignatureMismatch}, "organizations", "InvalidSignatureException", 400, ""},
		{&sigv4.Error{Kind: sigv4.SignatureMismatch}, "s3", "SignatureDoesNotMatch", 403,
			"The request signature we calculated does not match the signature you provided. Check your key and signing method."},
		{&sigv4.Error{Kind: sigv4.Malformed, Detail: "Credential should be scoped to a valid region, not ''. "}, "sts", "IncompleteSignature", 400,
			"Credential should be scoped to a valid region, not ''. "},
		{&sigv4.Error{Kind: sigv4.Malformed, S3Detail: "The authorization header is malformed; x"}, "s3", "AuthorizationHeaderMalformed", 400, "The authorization header is malformed; x"},
		{&sigv4.Error{Kind: sigv4.Malformed, Presigned: true, S3Detail: "X-Amz-Expires should be a number"}, "s3", "AuthorizationQueryParametersError", 400, "X-Amz-Expires should be a number"},
		{&sigv4.Error{Kind: sigv4.MissingDate}, "s3", "AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"},
		{&sigv4.Error{Kind: sigv4.UnsupportedAlgorithm, S3Detail: "Bearer abc"}, "s3", "InvalidArgument", 400, "Unsupported Authorization Type"},
		{&sigv4.Error{Kind: sigv4.UnsupportedAlgorithm, V2: true, S3Detail: "AWS AKID:sig"}, "s3", "InvalidRequest", 400,
			"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."},
		{&sigv4.Error{Kind: sigv4.UnsupportedAlgorithm, V2: true, Presigned: true}, "s3", "InvalidRequest", 400,
			"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."},
		{&sigv4.Error{Kind: sigv4.TooSkewed, Time: now.Add(-20 * time.Minute), ServerTime: now, Window: 15 * time.Minute}, "sts", "SignatureDoesNotMatch", 403,
			"Signature expired: 20261122T101000Z is now earlier than 20261122T101500Z (20261122T103000Z - 15 min.)"},
		{&sigv4.Error{Kind: sigv4.TooSkewed, Time: now.Add(20 * time.Minute), ServerTime: now, Window: 15 * time.Minute}, "iam", "SignatureDoesNotMatch", 403,
			"Signature not yet current: 20261122T105000Z is still later than 20261122T104500Z (20261122T103000Z + 15 min.)"},
		{&sigv4.Error{Kind: sigv4.TooSkewed, Time: now.Add(-20 * time.Minute), ServerTime: now, Window: 15 * time.Minute}, "organizations", "InvalidSignatureException", 400, ""},
		{&sigv4.Error{Kind: sigv4.TooSkewed, ServerTime: now, Window: 15 * time.Minute}, "s3", "RequestTimeTooSkewed", 403,
			"The difference between the request time and the current time is too large."},
		{&sigv4.Error{Kind: sigv4.PresignExpired, ServerTime: now, Expires: now.Add(-time.Second), Window: time.Hour}, "s3", "AccessDenied", 403, "Request has expired"},
		{&sigv4.Error{Kind: sigv4.PresignNotYetValid, ServerTime: now}, "s3", "AccessDenied", 403, "Request is not yet valid"},
		{&sigv4.Error{Kind: sigv4.HeadersNotSigned, Headers: []string{"x-amz-acl"}}, "s3", "AccessDenied", 403, "There were headers present in the request which were not signed"},
		{&sigv4.Error{Kind: sigv4.MissingContentSHA256}, "s3", "InvalidRequest", 400, "Missing required header for this request: x-amz-content-sha256"},
		{&sigv4.Error{Kind: sigv4.BadContentSHA256}, "s3", "InvalidArgument", 400, ""},
		{&sigv4.Error{Kind: sigv4.ContentSHA256Mismatch}, "s3", "XAmzContentSHA256Mismatch", 400,
			"The provided 'x-amz-content-sha256' header does not match what was computed."},
		{&sigv4.Error{Kind: sigv4.MissingDecodedLength}, "s3", "MissingContentLength", 411, ""},
		{&sigv4.Error{Kind: sigv4.TwoMechanisms, Authorization: "AWS4-HMAC-SHA256 ..."}, "s3", "InvalidArgument", 400,
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"},
		{&sigv4.Error{Kind: sigv4.TwoMechanisms, Detail: "Only one auth mechanism allowed"}, "sts", "IncompleteSignature", 400, "Only one auth mechanism allowed"},
		{&sigv4.Error{Kind: sigv4.IncompleteBody}, "s3", "IncompleteBody", 400, ""},
		{&sigv4.Error{Kind: sigv4.TrailerMalformed}, "s3", "MalformedTrailerError", 400, ""},
		{&sigv4.Error{Kind: sigv4.Internal}, "s3", "InternalError", 500, ""},
		{&sigv4.Error{Kind: sigv4.Internal}, "sts", "InternalFailure", 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.err.Kind.String()+"/"+tt.service, func(t *testing.T) {
			rep := tt.err.Reply(tt.service)
			if rep.Code != tt.code || rep.Status != tt.status || (tt.message != "" && rep.Message != tt.message) {
				t.Errorf("(%v).Reply(%q) = %s %d %q, want %s %d %q", tt.err, tt.service, rep.Code, rep.Status, rep.Message, tt.code, tt.status, tt.message)
			}
		})
	}
}

// TestReplyComplete holds every Kind to a code, a status and a message
// for every protocol.
func TestReplyComplete(t *testing.T) {
	for k := sigv4.Internal; k <= sigv4.TwoMechanisms; k++ { // TwoMechanisms is the last
		for _, service := range []string{"sts", "iam", "organizations", "s3"} {
			e := &sigv4.Error{Kind: k, Detail: "detail", S3Detail: "s3 detail"}
			rep := e.Reply(service)
			if rep.Code == "" || rep.Status < 400 || rep.Message == "" {
				t.Errorf("(%v).Reply(%q) = %+v", k, service, rep)
			}
			if strings.HasPrefix(k.String(), "Kind(") {
				t.Errorf("Kind %d has no name", int(k))
			}
		}
	}
}

// A presigned URL dated in the future names its date as S3 does, in
// milliseconds since the epoch, beside when it would expire.
func TestReplyNotYetValid(t *testing.T) {
	at := time.Date(2016, 9, 9, 10, 9, 35, 0, time.UTC)
	e := &sigv4.Error{Kind: sigv4.PresignNotYetValid, Time: at, Expires: at.Add(72 * time.Hour), ServerTime: at.Add(-24 * time.Hour)}
	var got []string
	for _, f := range e.Reply("s3").Fields {
		got = append(got, f.Name+"="+f.Value)
	}
	want := []string{"X-Amz-Date=1473415775000", "Expires=2016-09-12T10:09:35Z", "ServerTime=2016-09-08T10:09:35Z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("fields = %v, want %v", got, want)
	}
}

func TestErrorMatching(t *testing.T) {
	cause := errors.New("disk on fire")
	err := fmt.Errorf("verify: %w", &sigv4.Error{Kind: sigv4.ExpiredToken, Err: cause})
	if !errors.Is(err, &sigv4.Error{Kind: sigv4.ExpiredToken}) {
		t.Errorf("errors.Is(%v, ExpiredToken) = false", err)
	}
	if errors.Is(err, &sigv4.Error{Kind: sigv4.InvalidToken}) {
		t.Errorf("errors.Is(%v, InvalidToken) = true", err)
	}
	if !errors.Is(err, cause) {
		t.Errorf("errors.Is(%v, cause) = false", err)
	}
	if k, ok := sigv4.KindOf(err); !ok || k != sigv4.ExpiredToken {
		t.Errorf("KindOf(%v) = %v, %v", err, k, ok)
	}
	if rep := sigv4.ReplyFor(errors.New("plain"), "iam"); rep.Code != "InternalFailure" || rep.Status != 500 {
		t.Errorf("ReplyFor(plain error, iam) = %+v", rep)
	}
}
