package sigv4_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/trustgate/trustgate/sigv4"
)

// Credentials the fake key store knows.
const (
	akid       = "AKIAIOSFODNN7EXAMPLE"
	secret     = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tempAKID   = "ASIAEXAMPLETEMPORARY"
	tempSecret = "temporary/secret/key/EXAMPLEKEY0000000000"
	tempToken  = "FwoGZXIvYXdzEXAMPLE//token+with/odd=chars"
)

// signTime is when test requests are signed.
var signTime = time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)

// keys is the fake key store: one long-term key, one temporary key whose
// token must match, an expired token and a forged one.
var keys = sigv4.KeysFunc(func(_ context.Context, id, token string) (sigv4.Key, error) {
	switch {
	case id == akid && token == "":
		return sigv4.Key{Secret: secret}, nil
	case id == akid:
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.InvalidToken}
	case id == tempAKID && token == tempToken:
		return sigv4.Key{Secret: tempSecret}, nil
	case id == tempAKID && token == "expired":
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.ExpiredToken}
	case id == tempAKID:
		return sigv4.Key{}, &sigv4.Error{Kind: sigv4.InvalidToken}
	case id == "AKIABROKENSTORE00000":
		return sigv4.Key{}, errors.New("database is down")
	}
	return sigv4.Key{}, &sigv4.Error{Kind: sigv4.UnknownAccessKey}
})

func verifierAt(now time.Time) *sigv4.Verifier {
	v := sigv4.NewVerifier(keys)
	v.Now = func() time.Time { return now }
	return v
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// newRequest builds a client request the way the SDK clients do: path is
// the decoded path, rawPath its encoding (empty to let net/url choose).
func newRequest(t testing.TB, method, host, path, rawPath, rawQuery string, body []byte) *http.Request {
	t.Helper()
	u := &url.URL{Scheme: "https", Host: host, Path: path, RawPath: rawPath, RawQuery: rawQuery}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := http.NewRequest(method, u.String(), rd)
	if err != nil {
		t.Fatalf("http.NewRequest(%s %s) = %v", method, u, err)
	}
	return r
}

type signOpts struct {
	service, region string
	creds           aws.Credentials
	payloadHash     string
	when            time.Time
}

func (o signOpts) withDefaults() signOpts {
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.creds.AccessKeyID == "" {
		o.creds = aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	}
	if o.when.IsZero() {
		o.when = signTime
	}
	return o
}

func sdkSigner(service string) *v4.Signer {
	return v4.NewSigner(func(so *v4.SignerOptions) {
		so.DisableURIPathEscaping = service == "s3"
	})
}

// signHeader signs r in its Authorization header with the AWS SDK signer.
func signHeader(t testing.TB, r *http.Request, o signOpts) {
	t.Helper()
	o = o.withDefaults()
	if o.service == "s3" && r.Header.Get("X-Amz-Content-Sha256") == "" {
		r.Header.Set("X-Amz-Content-Sha256", o.payloadHash)
	}
	err := sdkSigner(o.service).SignHTTP(context.Background(), o.creds, r, o.payloadHash, o.service, o.region, o.when)
	if err != nil {
		t.Fatalf("SignHTTP(%s %s) = %v", r.Method, r.URL, err)
	}
}

// presign presigns r with the AWS SDK signer and returns the request a
// client would then send.
func presign(t testing.TB, r *http.Request, o signOpts, expires time.Duration) *http.Request {
	t.Helper()
	o = o.withDefaults()
	if expires > 0 {
		q := r.URL.Query()
		q.Set("X-Amz-Expires", fmt.Sprint(int64(expires/time.Second)))
		r.URL.RawQuery = q.Encode()
	}
	signed, hdr, err := sdkSigner(o.service).PresignHTTP(context.Background(), o.creds, r, o.payloadHash, o.service, o.region, o.when)
	if err != nil {
		t.Fatalf("PresignHTTP(%s %s) = %v", r.Method, r.URL, err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatalf("url.Parse(%q) = %v", signed, err)
	}
	out := r.Clone(context.Background())
	out.URL = u
	out.Host = u.Host
	out.Header = http.Header{}
	for k, vs := range hdr {
		if !strings.EqualFold(k, "host") {
			out.Header[k] = vs
		}
	}
	if r.GetBody != nil {
		out.Body, _ = r.GetBody()
	}
	return out
}

// wire is r as the client puts it on the wire.
func wire(t testing.TB, r *http.Request) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatalf("Request.Write(%s %s) = %v", r.Method, r.URL, err)
	}
	return b.String()
}

// serve is the request a server reads from raw.
func serve(t testing.TB, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("http.ReadRequest(%q) = %v", raw, err)
	}
	return r
}

// kindOf names the Kind of err, or "ok" when err is nil.
func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	if k, ok := sigv4.KindOf(err); ok {
		return k.String()
	}
	return "not an *Error: " + err.Error()
}

// awsChunks frames data as aws-chunked in chunks of size n. With key set
// each chunk is signed, chained from seed; trailers (name:value lines) end
// the body, signed when key is set. It is written from the S3
// documentation independently of the package under test.
func awsChunks(data []byte, n int, key []byte, amzDate, scope, seed string, trailers []string) []byte {
	var b bytes.Buffer
	prev := seed
	chunk := func(p []byte) {
		fmt.Fprintf(&b, "%x", len(p))
		if key != nil {
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + "\n" + scope + "\n" + prev + "\n" +
				sha256Hex(nil) + "\n" + sha256Hex(p)
			prev = hmacHex(key, sts)
			b.WriteString(";chunk-signature=" + prev)
		}
		b.WriteString("\r\n")
		b.Write(p)
		if len(p) > 0 {
			b.WriteString("\r\n")
		}
	}
	for len(data) > 0 {
		m := min(n, len(data))
		chunk(data[:m])
		data = data[m:]
	}
	chunk(nil)
	if trailers == nil {
		b.WriteString("\r\n")
		return b.Bytes()
	}
	var canon strings.Builder
	for _, tr := range trailers {
		b.WriteString(tr + "\r\n")
		canon.WriteString(tr + "\n")
	}
	if key != nil {
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + "\n" + scope + "\n" + prev + "\n" + sha256Hex([]byte(canon.String()))
		b.WriteString("x-amz-trailer-signature:" + hmacHex(key, sts) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func hmacHex(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// signingKey derives a SigV4 key independently of the package under test.
func signingKey(secret, date, region, service string) []byte {
	h := func(k []byte, s string) []byte {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(s))
		return m.Sum(nil)
	}
	return h(h(h(h([]byte("AWS4"+secret), date), region), service), "aws4_request")
}

// seedOf is the signature in an Authorization header.
func seedOf(t testing.TB, r *http.Request) string {
	t.Helper()
	h := r.Header.Get("Authorization")
	i := strings.Index(h, "Signature=")
	if i < 0 {
		t.Fatalf("no Signature in Authorization %q", h)
	}
	return h[i+len("Signature="):]
}
