package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/trustgate/trustgate/datadir"
	"github.com/trustgate/trustgate/internal/jsonlog"
	"github.com/trustgate/trustgate/server"
	"github.com/trustgate/trustgate/store/cache"
)

// BenchmarkGetCallerIdentity measures the handler's work for one signed
// GetCallerIdentity of the root user, without the network: verification,
// the cached key lookup, the answer and the request log line.
func BenchmarkGetCallerIdentity(b *testing.B) {
	h, root := newServer(b)
	benchmarkRequest(b, h, root, "sts", "Action=GetCallerIdentity&Version=2011-06-15")
}

// BenchmarkDeniedIAMCall measures a user's IAM call that its policies
// deny: the store reads of the user's policies, the decision, and the
// sealed authorization message of the log line.
func BenchmarkDeniedIAMCall(b *testing.B) {
	h, root := newServer(b)
	do(b, h, root, "iam", "Action=CreateUser&Version=2010-05-08&UserName=bench")
	body := do(b, h, root, "iam", "Action=CreateAccessKey&Version=2010-05-08&UserName=bench")
	user := aws.Credentials{AccessKeyID: between(body, "<AccessKeyId>", "<"), SecretAccessKey: between(body, "<SecretAccessKey>", "<")}
	benchmarkRequest(b, h, user, "iam", "Action=ListUsers&Version=2010-05-08")
}

// BenchmarkAssumeRole measures a user's AssumeRole of a role its account
// trusts: both sides' policies (kept compiled between requests), the
// decision, and the sealed session token.
func BenchmarkAssumeRole(b *testing.B) {
	h, root := newServer(b)
	account := between(do(b, h, root, "sts", "Action=GetCallerIdentity&Version=2011-06-15"), "<Account>", "<")
	do(b, h, root, "iam", "Action=CreateUser&Version=2010-05-08&UserName=bench")
	do(b, h, root, "iam", "Action=PutUserPolicy&Version=2010-05-08&UserName=bench&PolicyName=assume&PolicyDocument="+
		url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`))
	do(b, h, root, "iam", "Action=CreateRole&Version=2010-05-08&RoleName=BenchRole&AssumeRolePolicyDocument="+
		url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+account+`:root"},"Action":"sts:AssumeRole"}]}`))
	body := do(b, h, root, "iam", "Action=CreateAccessKey&Version=2010-05-08&UserName=bench")
	user := aws.Credentials{AccessKeyID: between(body, "<AccessKeyId>", "<"), SecretAccessKey: between(body, "<SecretAccessKey>", "<")}
	benchmarkRequest(b, h, user, "sts", "Action=AssumeRole&Version=2011-06-15&RoleSessionName=bench&RoleArn="+
		url.QueryEscape("arn:aws:iam::"+account+":role/BenchRole"))
}

// BenchmarkGetObject measures a root GetObject of a 4 KiB object kept in
// memory: verification, routing, the bucket and object lookups,
// authorization, the answer's headers and body, and the log line.
func BenchmarkGetObject(b *testing.B) {
	h, root := newServer(b)
	body := bytes.Repeat([]byte("x"), 4096)
	for _, put := range []struct {
		path string
		body []byte
	}{{"/bench", nil}, {"/bench/get/object", body}} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, signS3(b, root, http.MethodPut, put.path, put.body))
		if w.Code != 200 {
			b.Fatalf("PUT %s: %d %s", put.path, w.Code, w.Body)
		}
	}
	req := signS3(b, root, http.MethodGet, "/bench/get/object", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req.Clone(context.Background()))
		if w.Code != 200 || w.Body.Len() != len(body) {
			b.Fatalf("%d, %d bytes", w.Code, w.Body.Len())
		}
	}
}

// BenchmarkPutObject serves a signed 4 KiB PutObject over one key, from
// one goroutine: each write is committed on its own, where the load
// runs' 32 concurrent writers share their commits.
func BenchmarkPutObject(b *testing.B) {
	h, root := newServer(b)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, signS3(b, root, http.MethodPut, "/bench", nil))
	if w.Code != 200 {
		b.Fatalf("PUT /bench: %d %s", w.Code, w.Body)
	}
	body := bytes.Repeat([]byte("x"), 4096)
	req := signS3(b, root, http.MethodPut, "/bench/put/object", body)
	b.ReportAllocs()
	for b.Loop() {
		r := req.Clone(context.Background())
		r.Body = io.NopCloser(bytes.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func signS3(b *testing.B, creds aws.Credentials, method, path string, body []byte) *http.Request {
	req := httptest.NewRequest(method, "http://trustgate.test"+path, bytes.NewReader(body))
	sum := sha256.Sum256(body)
	req.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "s3", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}

func newServer(b *testing.B) (http.Handler, aws.Credentials) {
	dir, err := datadir.Open(context.Background(), b.TempDir(), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { dir.Close() })
	h, err := server.New(server.Config{Store: cache.New(dir.Store), Blobs: dir.Blobs, Log: slog.New(jsonlog.New(io.Discard)), Region: "us-east-1", Key: dir.Key})
	if err != nil {
		b.Fatal(err)
	}
	creds, err := datadir.ReadRootCredentials(dir.Path)
	if err != nil {
		b.Fatal(err)
	}
	return h, aws.Credentials{AccessKeyID: creds.AccessKeyId, SecretAccessKey: creds.SecretAccessKey}
}

// benchmarkRequest signs form once and serves it b.N times.
func benchmarkRequest(b *testing.B, h http.Handler, creds aws.Credentials, service, form string) {
	req := sign(b, creds, service, form)
	b.ReportAllocs()
	for b.Loop() {
		r := req.Clone(context.Background())
		r.Body = io.NopCloser(strings.NewReader(form))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

func do(b *testing.B, h http.Handler, creds aws.Credentials, service, form string) string {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, sign(b, creds, service, form))
	if w.Code != 200 {
		b.Fatalf("%s: %d %s", form, w.Code, w.Body)
	}
	return w.Body.String()
}

func sign(b *testing.B, creds aws.Credentials, service, form string) *http.Request {
	req := httptest.NewRequest("POST", "http://trustgate.test/", bytes.NewReader([]byte(form)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(form))
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	return req
}

func between(s, start, end string) string {
	_, after, _ := strings.Cut(s, start)
	v, _, _ := strings.Cut(after, end)
	return v
}
