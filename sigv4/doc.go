// Package sigv4 authenticates requests signed with AWS Signature Version 4,
// the way AWS does for IAM, STS, Organizations and S3.
//
// A Verifier checks a request's Authorization header or presigned query
// string against the secret its Keys lookup returns: the credential scope,
// the clock (15 minutes of skew; a presigned URL's X-Amz-Expires), the
// canonical request and the signature. For S3 it also authenticates the
// payload as x-amz-content-sha256 says: a SHA-256 checked as the body is
// read, UNSIGNED-PAYLOAD, or an aws-chunked stream whose chunks (and
// trailing headers) carry chained signatures. For the other services it
// hashes the body itself.
//
// Failures are *Error values with a Kind; Error.Reply gives the error code,
// HTTP status and message the answering service sends, so that SDKs raise
// the exceptions they would raise against AWS.
//
// The package knows nothing of storage or of the rest of trustgate: where
// secrets come from is the Keys interface's business.
package sigv4
