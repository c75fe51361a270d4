package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trustgate/trustgate/sigv4"
)

// FuzzChunkedReader feeds arbitrary bodies to the aws-chunked decoder in
// each of its modes: it must never panic, never yield more than the
// decoded length, and fail with an *Error or end cleanly.
func FuzzChunkedReader(f *testing.F) {
	f.Add([]byte(docBody([3]string{docChunk1, docChunk2, docChunk3}, "")[65000:]), uint8(0), int64(-1))
	f.Add([]byte("3;chunk-signature="+strings.Repeat("a", 64)+"\r\nabc\r\n0;chunk-signature="+strings.Repeat("b", 64)+"\r\n\r\n"), uint8(0), int64(3))
	f.Add([]byte("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), uint8(2), int64(3))
	f.Add([]byte("0\r\n"), uint8(2), int64(-1))
	f.Add([]byte("0;chunk-signature="+strings.Repeat("c", 64)+"\r\nx-amz-checksum-sha256:x\r\nx-amz-trailer-signature:"+strings.Repeat("d", 64)+"\r\n\r\n"), uint8(1), int64(0))
	f.Add([]byte("ffffffffffffffff;chunk-signature=\r\n"), uint8(0), int64(-1))
	key := signingKey(secret, "20261122", "us-east-1", "s3")
	chain := &sigv4.Chain{Key: key, Time: "20261122T103000Z", Scope: "20261122/us-east-1/s3/aws4_request", Seed: strings.Repeat("ab", 32)}
	f.Add(awsChunks([]byte("hello, fuzzing world"), 5, key, chain.Time, chain.Scope, chain.Seed, nil), uint8(0), int64(20))
	f.Add(awsChunks([]byte("hello, fuzzing world"), 7, key, chain.Time, chain.Scope, chain.Seed, []string{"x-amz-checksum-crc32:AAAA"}), uint8(1), int64(20))

	f.Fuzz(func(t *testing.T, body []byte, mode uint8, decoded int64) {
		if decoded < -1 {
			decoded = -1
		}
		o := sigv4.ChunkedOptions{DecodedLength: decoded}
		switch mode % 4 {
		case 0:
			o.Chain = chain
		case 1:
			o.Chain, o.Trailer = chain, true
		case 2:
			o.Trailer = true
		case 3:
			o.Trailer, o.Trailers = true, []string{"x-amz-checksum-crc32"}
		}
		c := sigv4.NewChunkedReader(bytes.NewReader(body), o)
		n, err := io.Copy(io.Discard, c)
		if decoded >= 0 && n > decoded {
			t.Fatalf("decoded %d bytes, more than the %d declared", n, decoded)
		}
		if n > int64(len(body)) {
			t.Fatalf("decoded %d bytes from a %d-byte body", n, len(body))
		}
		if err != nil {
			if _, ok := sigv4.KindOf(err); !ok {
				t.Fatalf("Copy(ChunkedReader) = %v, not an *Error", err)
			}
		}
	})
}

// FuzzAuthorization feeds arbitrary Authorization headers, dates and query
// strings to Verify and ServiceOf: no panics, and every failure an *Error
// with a reply for each protocol.
func FuzzAuthorization(f *testing.F) {
	r := newRequest(f, "GET", "s3.amazonaws.com", "/bucket/k", "", "a=1&b", nil)
	signHeader(f, r, signOpts{service: "s3", payloadHash: sha256Hex(nil)})
	f.Add(r.Header.Get("Authorization"), "20261122T103000Z", "a=1&b")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261122/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20261122T103000Z", "")
	f.Add("AWS4-HMAC-SHA256 Credential=//////, SignedHeaders=;;, Signature=", "", "%zz&&=")
	f.Add("AWS4-HMAC-SHA256 ,,,,=,=", "Sun, 22 Nov 2026 10:30:00 GMT", "X-Amz-Algorithm=AWS4-HMAC-SHA256")
	f.Add("", "", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261122%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261122T103000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=ab")
	f.Add("AWS abc:def", "", "AWSAccessKeyId=x&Signature=y")
	v := verifierAt(signTime)

	f.Fuzz(func(t *testing.T, auth, date, query string) {
		req := &http.Request{
			Method: "PUT",
			URL:    &url.URL{Path: "/bucket/k", RawQuery: query},
			Host:   "s3.amazonaws.com",
			Header: http.Header{},
			Body:   io.NopCloser(strings.NewReader("body")),
		}
		if auth != "" {
			req.Header["Authorization"] = []string{auth}
		}
		if date != "" {
			req.Header["X-Amz-Date"] = []string{date}
		}
		req.Header["X-Amz-Content-Sha256"] = []string{sigv4.StreamingPayloadTrailer}
		sigv4.ServiceOf(req)
		s, err := v.Verify(req)
		if err != nil {
			if _, ok := sigv4.KindOf(err); !ok {
				t.Fatalf("Verify = %v, not an *Error", err)
			}
			for _, svc := range []string{"s3", "sts", "organizations"} {
				if rep := sigv4.ReplyFor(err, svc); rep.Code == "" || rep.Status == 0 {
					t.Fatalf("ReplyFor(%v, %s) = %+v", err, svc, rep)
				}
			}
			return
		}
		io.Copy(io.Discard, s.Body)
	})
}
