package sigv4

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind says why a request failed authentication. The same Kind becomes a
// different AWS error code, HTTP status and message depending on the
// service that answers (see Error.Reply).
type Kind int

const (
	// Internal: the key lookup failed for a reason of its own (Err says which).
	Internal Kind = iota
	// MissingAuth: no Authorization header and no X-Amz-Algorithm query
	// parameter. For S3 this is an anonymous request, not an error.
	MissingAuth
	// UnsupportedAlgorithm: an Authorization header or X-Amz-Algorithm that
	// is not AWS4-HMAC-SHA256 (Signature Version 2, SigV4a, a bearer token).
	UnsupportedAlgorithm
	// Malformed: an incomplete signature, a bad credential scope, a bad
	// X-Amz-Expires, or a scope date that is not the request's date.
	Malformed
	// MissingDate: neither a valid X-Amz-Date nor a valid Date header.
	MissingDate
	// UnknownAccessKey: the access key id does not exist.
	UnknownAccessKey
	// InvalidToken: the session token is malformed, forged or does not
	// belong to the access key.
	InvalidToken
	// ExpiredToken: the session token has expired.
	ExpiredToken
	// SignatureMismatch: the signature, a chunk signature or the trailer
	// signature is not the one the secret key gives.
	SignatureMismatch
	// TooSkewed: the request time is more than 15 minutes from the server's.
	TooSkewed
	// PresignExpired: now is past X-Amz-Date + X-Amz-Expires.
	PresignExpired
	// PresignNotYetValid: a presigned URL's X-Amz-Date is more than 15
	// minutes in the future.
	PresignNotYetValid
	// HeadersNotSigned: an S3 request carries x-amz-* headers that are not
	// among its signed headers.
	HeadersNotSigned
	// MissingContentSHA256: an S3 request signed in the Authorization header
	// has no x-amz-content-sha256 header.
	MissingContentSHA256
	// BadContentSHA256: x-amz-content-sha256 is neither a SHA-256 in hex nor
	// one of the payload modes this package knows.
	BadContentSHA256
	// ContentSHA256Mismatch: the body does not hash to x-amz-content-sha256.
	ContentSHA256Mismatch
	// MissingDecodedLength: an aws-chunked body without
	// x-amz-decoded-content-length.
	MissingDecodedLength
	// IncompleteBody: the body ended before the payload it promised.
	IncompleteBody
	// ChunkMalformed: aws-chunked framing that cannot be decoded, or more
	// data than x-amz-decoded-content-length.
	ChunkMalformed
	// ChunkTooSmall: an aws-chunked body with a chunk of less than
	// MinChunkSize bytes that is not its last.
	ChunkTooSmall
	// TrailerMalformed: trailing headers that cannot be decoded, are missing
	// their signature, or differ from the ones x-amz-trailer promised.
	TrailerMalformed
	// BodyTooLarge: a body that must be hashed to verify the signature is
	// larger than Verifier.MaxBodyBytes.
	BodyTooLarge
	// TwoMechanisms: an Authorization header and a signature in the query
	// string at once.
	TwoMechanisms
)

var kindNames = [...]string{
	Internal:              "Internal",
	MissingAuth:           "MissingAuth",
	UnsupportedAlgorithm:  "UnsupportedAlgorithm",
	Malformed:             "Malformed",
	MissingDate:           "MissingDate",
	UnknownAccessKey:      "UnknownAccessKey",
	InvalidToken:          "InvalidToken",
	ExpiredToken:          "ExpiredToken",
	SignatureMismatch:     "SignatureMismatch",
	TooSkewed:             "TooSkewed",
	PresignExpired:        "PresignExpired",
	PresignNotYetValid:    "PresignNotYetValid",
	HeadersNotSigned:      "HeadersNotSigned",
	MissingContentSHA256:  "MissingContentSHA256",
	BadContentSHA256:      "BadContentSHA256",
	ContentSHA256Mismatch: "ContentSHA256Mismatch",
	MissingDecodedLength:  "MissingDecodedLength",
	IncompleteBody:        "IncompleteBody",
	ChunkMalformed:        "ChunkMalformed",
	ChunkTooSmall:         "ChunkTooSmall",
	TrailerMalformed:      "TrailerMalformed",
	BodyTooLarge:          "BodyTooLarge",
	TwoMechanisms:         "TwoMechanisms",
}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is an authentication failure as data: its Kind and the facts an
// AWS error body reports about it. Reply turns it into the code, status
// and message a given service answers with. Err is a cause for the log
// only; it is never shown to the caller.
type Error struct {
	Kind Kind

	// Presigned is true when the request was signed in its query string
	// (S3 then names query-parameter errors differently).
	Presigned bool

	// Post is true for the fields of a browser upload form (VerifyPost),
	// whose faults S3 answers as InvalidArgument naming the field
	// (Argument, with the ArgumentValue it had).
	Post                    bool
	Argument, ArgumentValue string

	// V2 is true for an UnsupportedAlgorithm that is Signature Version 2
	// ("Authorization: AWS key:signature", or AWSAccessKeyId and Signature
	// in the query), which S3 refuses in words of its own.
	V2 bool

	// Detail is the precise message for Malformed, MissingDate and
	// UnsupportedAlgorithm in the Query/JSON services' wording; S3Detail is
	// S3's wording for the same fault.
	Detail   string
	S3Detail string

	AccessKeyID string

	// Clock facts for TooSkewed, PresignExpired and PresignNotYetValid.
	RequestTime string    // the date as the request sent it
	Time        time.Time // the request time
	ServerTime  time.Time
	Window      time.Duration // allowed skew, or X-Amz-Expires
	Expires     time.Time     // when a presigned URL stopped working

	// Signature facts for SignatureMismatch.
	CanonicalRequest  string
	StringToSign      string
	SignatureProvided string

	// Payload facts for ContentSHA256Mismatch and BadContentSHA256.
	ClaimedSHA256  string
	ComputedSHA256 string

	// Chunk facts for ChunkTooSmall: the chunk, counted from 1, that
	// followed one of BadChunkSize bytes.
	Chunk        int
	BadChunkSize int64

	// HeadersNotSigned lists the offending headers for that Kind.
	Headers []string

	// Authorization is the header a TwoMechanisms request sent.
	Authorization string

	// Token is the session token an InvalidToken or ExpiredToken refused,
	// which S3 repeats.
	Token string

	Err error
}

// tokenFields repeat the refused session token as S3 does, when there is
// one.
func (e *Error) tokenFields() []Field {
	if e.Token == "" {
		return nil
	}
	return []Field{{"Token-0", e.Token}}
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("sigv4: ")
	b.WriteString(e.Kind.String())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	} else if e.S3Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.S3Detail)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same Kind, so that
// errors.Is(err, &sigv4.Error{Kind: sigv4.ExpiredToken}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind
}

// KindOf returns the Kind of the *Error in err's chain, and false when
// there is none.
func KindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

// Reply is what a service sends back for an authentication failure.
type Reply struct {
	Code    string
	Status  int
	Message string
	// Fields are the extra elements S3 puts in its <Error> body
	// (RequestTime, ServerTime, StringToSign, ...), in order. The Query and
	// JSON services have none.
	Fields []Field
}

// Field is one extra element of an S3 error body.
type Field struct {
	Name, Value string
}

// ReplyFor returns the reply for err as service would send it. An error
// that is not an *Error is an internal failure.
func ReplyFor(err error, service string) Reply {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Kind: Internal, Err: err}
	}
	return e.Reply(service)
}

// protocol is how a service words its errors.
type protocol int

const (
	protoQuery protocol = iota // sts, iam and any service not listed below
	protoJSON                  // organizations (awsJson1_1)
	protoS3
)

func protocolOf(service string) protocol {
	switch service {
	case "s3":
		return protoS3
	case "organizations":
		return protoJSON
	}
	return protoQuery
}

// Messages that AWS sends word for word. Sources:
//
//	[common]  AWS API reference "Common Errors" (IAM, STS, CloudSearch, RDS
//	          editions): codes and statuses of IncompleteSignature,
//	          InvalidClientTokenId, MissingAuthenticationToken, InternalFailure.
//	[s3err]   Amazon S3 API reference "Error responses", "List of error codes".
//	[wire]    bodies AWS actually sent, quoted in public bug reports (named at
//	          each use).
const (
	// [wire] STS, hadoop PR 6544; IAM, ScoutSuite issue 1389; JSON
	// services, aws-sdk-php issue 2444 (Cognito) and aws-nuke issue 774.
	msgInvalidToken = "The security token included in the request is invalid."
	// [wire] IAM body quoted in cfn-sphere issue 55; STS, aws-cli output in
	// vaulted issue 107. No trailing period in AWS's text.
	msgExpiredToken = "The security token included in the request is expired"
	// [wire] STS body quoted in boto3 issue 756 (before AWS appends the
	// canonical request, which trustgate leaves out).
	msgQuerySignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	// [wire] S3, the message SDKs show for SignatureDoesNotMatch (errorcanon
	// capture of S3; repost.aws "s3-presigned-url-signature-mismatch").
	msgS3Signature = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	// [wire] STS body quoted in selling-partner-api-docs issue 3081.
	msgMissingToken = "Request is missing Authentication Token"
	// [common] InternalFailure description.
	msgInternalFailure = "The request processing has failed because of an unknown error, exception or failure."
)

// Reply returns the AWS error code, HTTP status and message that service
// ("s3", "sts", "iam", "organizations", ...) answers e with. Each case
// names its source; "trustgate" marks a choice where no AWS source was
// found.
func (e *Error) Reply(service string) Reply {
	switch protocolOf(service) {
	case protoS3:
		return e.replyS3()
	case protoJSON:
		return e.replyJSON()
	}
	return e.replyQuery()
}

func (e *Error) replyQuery() Reply {
	switch e.Kind {
	case MissingAuth:
		// [common] 403; message [wire] selling-partner-api-docs issue 3081.
		return Reply{Code: "MissingAuthenticationToken", Status: http.StatusForbidden, Message: msgMissingToken}
	case UnsupportedAlgorithm, Malformed, MissingDate, TwoMechanisms:
		// [common] IncompleteSignature, 400 (SES body in amazonka issue 316).
		return Reply{Code: "IncompleteSignature", Status: http.StatusBadRequest, Message: e.Detail}
	case UnknownAccessKey, InvalidToken:
		// [common] InvalidClientTokenId 403; message [wire] hadoop PR 6544.
		return Reply{Code: "InvalidClientTokenId", Status: http.StatusForbidden, Message: msgInvalidToken}
	case ExpiredToken:
		// [wire] 403 Forbidden with ExpiredToken from IAM (cfn-sphere issue 55)
		// and STS (aws-sdk-java-v2 issue 1649), not the 400 of the docs.
		return Reply{Code: "ExpiredToken", Status: http.StatusForbidden, Message: msgExpiredToken}
	case SignatureMismatch, HeadersNotSigned:
		// [wire] boto3 issue 756 (STS), 403.
		return Reply{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden, Message: msgQuerySignature}
	case TooSkewed, PresignExpired, PresignNotYetValid:
		// [wire] IAM and STS answer a skewed clock with SignatureDoesNotMatch
		// "Signature expired: ... is now earlier than ... (... - 15 min.)"
		// (aws-cli issue 6676, devsecops/bootcamp issue 101) or "Signature not
		// yet current: ... is still later than ... (... + 15 min.)"
		// (serverless/enterprise issue 11), not the RequestExpired of [common].
		return Reply{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden, Message: e.clockMessage()}
	case BodyTooLarge:
		// trustgate: no Query-protocol source found.
		return Reply{Code: "RequestEntityTooLarge", Status: http.StatusRequestEntityTooLarge, Message: "Request body is too large."}
	case IncompleteBody, ChunkMalformed, ChunkTooSmall, TrailerMalformed, ContentSHA256Mismatch,
		BadContentSHA256, MissingContentSHA256, MissingDecodedLength:
		// trustgate: these only arise for S3 payloads; a Query service that
		// sees one treats the signature as not matching.
		return Reply{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden, Message: msgQuerySignature}
	}
	// [common] InternalFailure, 500.
	return Reply{Code: "InternalFailure", Status: http.StatusInternalServerError, Message: msgInternalFailure}
}

func (e *Error) replyJSON() Reply {
	// awsJson services answer with the same words as the Query services
	// under "...Exception" codes and 400.
	switch e.Kind {
	case MissingAuth:
		// trustgate: API Gateway's wording; no awsJson source found.
		return Reply{Code: "MissingAuthenticationTokenException", Status: http.StatusBadRequest, Message: "Missing Authentication Token"}
	case UnsupportedAlgorithm, Malformed, MissingDate, TwoMechanisms:
		// [wire] IncompleteSignatureException, 400 (cloud9-sync issue 10).
		return Reply{Code: "IncompleteSignatureException", Status: http.StatusBadRequest, Message: e.Detail}
	case UnknownAccessKey, InvalidToken:
		// [wire] UnrecognizedClientException, 400 (aws-sdk-php issue 2444,
		// aws-nuke issue 774).
		return Reply{Code: "UnrecognizedClientException", Status: http.StatusBadRequest, Message: msgInvalidToken}
	case ExpiredToken:
		// [wire] ExpiredTokenException, 400 (awslabs/ssosync issue 187).
		return Reply{Code: "ExpiredTokenException", Status: http.StatusBadRequest, Message: msgExpiredToken}
	case SignatureMismatch, HeadersNotSigned, IncompleteBody, ChunkMalformed,
		ChunkTooSmall, TrailerMalformed, ContentSHA256Mismatch, BadContentSHA256,
		MissingContentSHA256, MissingDecodedLength:
		// [wire] InvalidSignatureException, 400 (aws-sdk-js issue 254).
		return Reply{Code: "InvalidSignatureException", Status: http.StatusBadRequest, Message: msgQuerySignature}
	case TooSkewed, PresignExpired, PresignNotYetValid:
		// [wire] InvalidSignatureException "Signature expired: ...", 400
		// (aws-sdk-js issue 254).
		return Reply{Code: "InvalidSignatureException", Status: http.StatusBadRequest, Message: e.clockMessage()}
	case BodyTooLarge:
		// AWS Management Console API "Common Errors":
		// RequestEntityTooLargeException, 413.
		return Reply{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge, Message: "The request entity is too large."}
	}
	return Reply{Code: "InternalFailure", Status: http.StatusInternalServerError, Message: msgInternalFailure}
}

func (e *Error) replyS3() Reply {
	if e.Post && (e.Kind == UnsupportedAlgorithm || e.Kind == Malformed) {
		// [wire] InvalidArgument, 400, naming the form field, with the
		// words a presigned URL's fault has, without their prefix
		// ("the region 'us-east-1' is wrong; expecting 'us-west-1'",
		// meteor-slingshot issue 150; an empty access key, outline issue
		// 7060; "X-Amz-Date must be formated via ISO8601 Long format",
		// s3upload issue 1).
		return Reply{Code: "InvalidArgument", Status: http.StatusBadRequest, Message: e.S3Detail,
			Fields: []Field{{"ArgumentName", e.Argument}, {"ArgumentValue", e.ArgumentValue}}}
	}
	switch e.Kind {
	case MissingAuth:
		// [s3err] AccessDenied, 403: an anonymous request that was refused.
		return Reply{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Access Denied"}
	case UnsupportedAlgorithm:
		if e.V2 {
			// [wire] InvalidRequest, 400, as the regions that take only
			// Signature Version 4 answer a version 2 header or URL
			// (aws-cli issue 2432; ravsau/aws-labs issue 4, a presigned URL).
			return Reply{Code: "InvalidRequest", Status: http.StatusBadRequest,
				Message: "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."}
		}
		if e.Presigned {
			// [wire] AuthorizationQueryParametersError, 400, with the
			// message S3 gives for X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256.
			return Reply{Code: "AuthorizationQueryParametersError", Status: http.StatusBadRequest, Message: e.S3Detail}
		}
		// [wire] InvalidArgument "Unsupported Authorization Type", 400, as S3
		// answers an Authorization header it does not know.
		return Reply{Code: "InvalidArgument", Status: http.StatusBadRequest, Message: "Unsupported Authorization Type",
			Fields: []Field{{"ArgumentName", "Authorization"}, {"ArgumentValue", e.S3Detail}}}
	case Malformed:
		if e.Presigned {
			// [s3err] AuthorizationQueryParametersError, 400; messages
			// [wire] aws_auth issue 31, minio-js issue 1312.
			return Reply{Code: "AuthorizationQueryParametersError", Status: http.StatusBadRequest, Message: e.S3Detail}
		}
		// [s3err] AuthorizationHeaderMalformed, 400; messages [wire]
		// cakephp-amazon-s3 issue 15, aws-sdk-php issue 780.
		return Reply{Code: "AuthorizationHeaderMalformed", Status: http.StatusBadRequest, Message: e.S3Detail}
	case MissingDate:
		// [wire] AccessDenied, 403 (vertx-s3-client issue 5).
		return Reply{Code: "AccessDenied", Status: http.StatusForbidden, Message: "AWS authentication requires a valid Date or x-amz-date header"}
	case UnknownAccessKey:
		// [s3err] InvalidAccessKeyId, 403; message [wire] as SDKs print it.
		return Reply{Code: "InvalidAccessKeyId", Status: http.StatusForbidden,
			Message: "The AWS Access Key Id you provided does not exist in our records.",
			Fields:  []Field{{"AWSAccessKeyId", e.AccessKeyID}}}
	case InvalidToken:
		// [s3err] InvalidToken, 400.
		return Reply{Code: "InvalidToken", Status: http.StatusBadRequest, Message: "The provided token is malformed or otherwise invalid.", Fields: e.tokenFields()}
	case ExpiredToken:
		// [s3err] ExpiredToken, 400 (and HADOOP-18353 for the wire status);
		// the token repeated as Token-0 [wire] (craftcms/aws-s3 issue 182).
		return Reply{Code: "ExpiredToken", Status: http.StatusBadRequest, Message: "The provided token has expired.", Fields: e.tokenFields()}
	case SignatureMismatch:
		// [s3err] SignatureDoesNotMatch, 403; the extra elements are the
		// ones S3 sends (AWSAccessKeyId, StringToSign, SignatureProvided,
		// StringToSignBytes, CanonicalRequest, CanonicalRequestBytes).
		r := Reply{Code: "SignatureDoesNotMatch", Status: http.StatusForbidden, Message: msgS3Signature}
		if e.StringToSign != "" {
			r.Fields = []Field{
				{"AWSAccessKeyId", e.AccessKeyID},
				{"StringToSign", e.StringToSign},
				{"SignatureProvided", e.SignatureProvided},
				{"StringToSignBytes", hexBytes(e.StringToSign)},
			}
		}
		if e.CanonicalRequest != "" { // a form's policy is signed without one
			r.Fields = append(r.Fields, Field{"CanonicalRequest", e.CanonicalRequest},
				Field{"CanonicalRequestBytes", hexBytes(e.CanonicalRequest)})
		}
		return r
	case TooSkewed:
		// [s3err] RequestTimeTooSkewed, 403; message and elements [wire]
		// (S3 body quoted in aws-sdk-js-v3 time-skew reports).
		return Reply{Code: "RequestTimeTooSkewed", Status: http.StatusForbidden,
			Message: "The difference between the request time and the current time is too large.",
			Fields: []Field{
				{"RequestTime", e.RequestTime},
				{"ServerTime", e.ServerTime.UTC().Format(time.RFC3339)},
				{"MaxAllowedSkewMilliseconds", strconv.FormatInt(e.Window.Milliseconds(), 10)},
			}}
	case PresignExpired:
		// [wire] AccessDenied "Request has expired", 403, with X-Amz-Expires,
		// Expires and ServerTime (versitygw issue 2116 compares with S3).
		return Reply{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Request has expired",
			Fields: []Field{
				{"X-Amz-Expires", strconv.FormatInt(int64(e.Window/time.Second), 10)},
				{"Expires", e.Expires.UTC().Format(time.RFC3339)},
				{"ServerTime", e.ServerTime.UTC().Format(time.RFC3339)},
			}}
	case PresignNotYetValid:
		// [wire] AccessDenied "Request is not yet valid", 403, with the
		// request's time in milliseconds since the epoch (as S3 writes it),
		// when the URL would expire, and the server's time (S3 bodies in
		// minio issue 2638 and dmjio/s3-signer issue 16).
		return Reply{Code: "AccessDenied", Status: http.StatusForbidden, Message: "Request is not yet valid",
			Fields: []Field{
				{"X-Amz-Date", strconv.FormatInt(e.Time.UnixMilli(), 10)},
				{"Expires", e.Expires.UTC().Format(time.RFC3339)},
				{"ServerTime", e.ServerTime.UTC().Format(time.RFC3339)},
			}}
	case HeadersNotSigned:
		// [wire] AccessDenied with a HeadersNotSigned element, 403.
		return Reply{Code: "AccessDenied", Status: http.StatusForbidden,
			Message: "There were headers present in the request which were not signed",
			Fields:  []Field{{"HeadersNotSigned", strings.Join(e.Headers, ", ")}}}
	case MissingContentSHA256:
		// [wire] InvalidRequest, 400, S3's answer to a SigV4 request without
		// the header.
		return Reply{Code: "InvalidRequest", Status: http.StatusBadRequest, Message: "Missing required header for this request: x-amz-content-sha256"}
	case BadContentSHA256:
		// [wire] InvalidArgument, 400, naming the header.
		return Reply{Code: "InvalidArgument", Status: http.StatusBadRequest,
			Message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
			Fields:  []Field{{"ArgumentName", "x-amz-content-sha256"}, {"ArgumentValue", e.ClaimedSHA256}}}
	case ContentSHA256Mismatch:
		// [s3err] XAmzContentSHA256Mismatch, 400; message and elements as
		// S3 sends them.
		return Reply{Code: "XAmzContentSHA256Mismatch", Status: http.StatusBadRequest,
			Message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
			Fields: []Field{
				{"ClientComputedContentSHA256", e.ClaimedSHA256},
				{"S3ComputedContentSHA256", e.ComputedSHA256},
			}}
	case MissingDecodedLength:
		// [s3err] MissingContentLength, 411.
		return Reply{Code: "MissingContentLength", Status: http.StatusLengthRequired, Message: "You must provide the Content-Length HTTP header."}
	case IncompleteBody, ChunkMalformed:
		// [s3err] IncompleteBody, 400. trustgate: framing that cannot be
		// decoded is reported the same way.
		return Reply{Code: "IncompleteBody", Status: http.StatusBadRequest, Message: "You did not provide the number of bytes specified by the Content-Length HTTP header."}
	case ChunkTooSmall:
		// [wire] InvalidChunkSizeError, 403, with the chunk and the size
		// before it (S3 bodies quoted in aws-sdk-cpp issue 2727 and
		// versitygw issue 1683); the minimum is in "Signature Calculations
		// for the Authorization Header: Transferring Payload in Multiple
		// Chunks".
		return Reply{Code: "InvalidChunkSizeError", Status: http.StatusForbidden,
			Message: "Only the last chunk is allowed to have a size less than 8192 bytes",
			Fields:  []Field{{"Chunk", strconv.Itoa(e.Chunk)}, {"BadChunkSize", strconv.FormatInt(e.BadChunkSize, 10)}}}
	case TrailerMalformed:
		// [s3err] MalformedTrailerError, 400.
		return Reply{Code: "MalformedTrailerError", Status: http.StatusBadRequest, Message: "The request contained trailing data that was not well-formed or did not conform to our published schema."}
	case TwoMechanisms:
		// [wire] InvalidArgument, 400, naming the header (S3 body quoted in
		// catalyst/moodle-tool_objectfs issue 303).
		return Reply{Code: "InvalidArgument", Status: http.StatusBadRequest,
			Message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
			Fields:  []Field{{"ArgumentName", "Authorization"}, {"ArgumentValue", e.Authorization}}}
	case BodyTooLarge:
		// [s3err] EntityTooLarge, 400 (never raised for S3 by this package).
		return Reply{Code: "EntityTooLarge", Status: http.StatusBadRequest, Message: "Your proposed upload exceeds the maximum allowed object size."}
	}
	// [s3err] InternalError, 500.
	return Reply{Code: "InternalError", Status: http.StatusInternalServerError, Message: "We encountered an internal error. Please try again."}
}

// clockMessage words a clock failure the way IAM and STS do.
func (e *Error) clockMessage() string {
	const f = amzDateFormat
	now := e.ServerTime.UTC()
	win := e.Window
	unit := fmt.Sprintf("%d min.", int64(win/time.Minute))
	if win%time.Minute != 0 {
		unit = fmt.Sprintf("%d sec.", int64(win/time.Second))
	}
	if e.Time.After(now) {
		return fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + %s)",
			e.Time.UTC().Format(f), now.Add(win).Format(f), now.Format(f), unit)
	}
	return fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - %s)",
		e.Time.UTC().Format(f), now.Add(-win).Format(f), now.Format(f), unit)
}

// hexBytes renders s as S3's *Bytes elements do: two hex digits a byte,
// separated by spaces.
func hexBytes(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, len(s)*3)
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(b)
}
