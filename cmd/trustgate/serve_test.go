package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/trustgate/trustgate/datadir"
	"github.com/trustgate/trustgate/internal/tlscert"
)

// testServer is a real `trustgate serve` on a free port and a fresh data
// directory, stopped when the test ends.
type testServer struct {
	Endpoint string
	Data     string
	Root     *datadir.RootCredentials
	Out      *syncBuffer
	Logs     *syncBuffer
	// admin is the management account's administrator, made when a test
	// first creates a member account.
	admin *sts.Client
	// transport is the clients' HTTP transport; nil for the default.
	transport http.RoundTripper
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	return startServerWith(t, serveOptions{})
}

// startTLSServer starts a server on HTTPS with the certificate it makes
// for itself, which its clients trust as their CA.
func startTLSServer(t *testing.T) *testServer {
	t.Helper()
	ts := startServerWith(t, serveOptions{TLS: true})
	pem, err := os.ReadFile(filepath.Join(ts.Data, "tls", tlscert.CertFile))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("the server's certificate is no PEM certificate")
	}
	ts.transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	return ts
}

// startServerWith starts a server with o's TLS settings, on a port of
// its own and a data directory of the test's.
func startServerWith(t *testing.T, o serveOptions) *testServer {
	t.Helper()
	ts := &testServer{Data: filepath.Join(t.TempDir(), "data"), Out: &syncBuffer{}, Logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	o.Listen, o.Data, o.Region, o.ready = "127.0.0.1:0", ts.Data, "us-east-1", func(addr string) { ready <- addr }
	go func() { done <- serve(ctx, o, ts.Out, ts.Logs) }()
	scheme := "http://"
	if o.TLS || o.TLSCert != "" {
		scheme = "https://"
	}
	select {
	case addr := <-ready:
		ts.Endpoint = scheme + addr
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start within 10s")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	root, err := datadir.ReadRootCredentials(ts.Data)
	if err != nil {
		t.Fatal(err)
	}
	ts.Root = root
	return ts
}

// httpClient is the HTTP client of the server's SDK clients: one that
// trusts its certificate when it serves HTTPS.
func (ts *testServer) httpClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: ts.transport}
}

// stsClient is an STS client of the real SDK with explicit settings, so
// nothing of the machine's AWS configuration leaks in.
func (ts *testServer) stsClient(id, secret string) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(ts.Endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(id, secret, ""),
		HTTPClient:   ts.httpClient(10 * time.Second),
	})
}

func TestServeHealth(t *testing.T) {
	ts := startServer(t)
	resp, err := http.Get(ts.Endpoint + "/_trustgate/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Errorf("GET /_trustgate/health = %d %q, want 200 ok", resp.StatusCode, body)
	}
	resp, err = http.Get(ts.Endpoint + "/_trustgate/nothing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("GET /_trustgate/nothing = %d, want 404", resp.StatusCode)
	}
}

func TestServeBanner(t *testing.T) {
	ts := startServer(t)
	out := ts.Out.String()
	for _, want := range []string{
		"trustgate serving on " + ts.Endpoint,
		"export AWS_ENDPOINT_URL=" + ts.Endpoint,
		"export AWS_ACCESS_KEY_ID=" + ts.Root.AccessKeyId,
		"cannot assume roles",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}

func TestGetCallerIdentityAsRoot(t *testing.T) {
	ts := startServer(t)
	out, err := ts.stsClient(ts.Root.AccessKeyId, ts.Root.SecretAccessKey).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	want := "arn:aws:iam::" + ts.Root.AccountId + ":root"
	if aws.ToString(out.Arn) != want || aws.ToString(out.Account) != ts.Root.AccountId || aws.ToString(out.UserId) != ts.Root.AccountId {
		t.Errorf("GetCallerIdentity = %s %s %s, want %s, account and user id %s",
			aws.ToString(out.Arn), aws.ToString(out.Account), aws.ToString(out.UserId), want, ts.Root.AccountId)
	}
	if logs := ts.Logs.String(); !strings.Contains(logs, `"action":"GetCallerIdentity"`) || !strings.Contains(logs, `"caller":"`+want+`"`) {
		t.Errorf("the request log does not name the action and caller:\n%s", logs)
	}
}

// Bad credentials fail with the codes the SDKs raise for them.
func TestAuthenticationFailures(t *testing.T) {
	ts := startServer(t)
	tests := []struct {
		name, id, secret string
		code             string
	}{
		{"wrong secret", ts.Root.AccessKeyId, "not-the-secret", "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWNKEY000000", ts.Root.SecretAccessKey, "InvalidClientTokenId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ts.stsClient(tt.id, tt.secret).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.code {
				t.Fatalf("GetCallerIdentity = %v, want %s", err, tt.code)
			}
		})
	}
}

// An unknown action is InvalidAction, a request with no Action MissingAction.
func TestUnknownAction(t *testing.T) {
	ts := startServer(t)
	root := aws.Credentials{AccessKeyID: ts.Root.AccessKeyId, SecretAccessKey: ts.Root.SecretAccessKey}
	// The SDK cannot send an action it does not know; a raw signed request can.
	for _, tt := range []struct{ body, code string }{
		{"Action=MakeCoffee&Version=2011-06-15", "InvalidAction"},
		{"Version=2011-06-15", "MissingAction"},
	} {
		status, body := ts.signed(t, root, "sts", "application/x-www-form-urlencoded", tt.body)
		if status != 400 || !strings.Contains(body, "<Code>"+tt.code+"</Code>") {
			t.Errorf("POST %q = %d %s, want 400 %s", tt.body, status, body, tt.code)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
