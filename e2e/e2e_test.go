// Package e2e drives a real `trustgate serve` process with the real AWS
// clients our users run: the aws CLI (Debian's v2 and the v1 some machines
// carry) and boto3 (Debian's and a newer one), each found on the machine.
// scripts/test installs Debian's when missing; CI must find them.
package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// binary is the trustgate binary built once for every test.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "trustgate-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "trustgate")
	build := exec.Command("go", "build", "-o", binary, "../cmd/trustgate")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building trustgate:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `trustgate serve` process.
type server struct {
	cmd      *exec.Cmd
	Endpoint string
	Data     string
	Root     struct{ AccountId, AccessKeyId, SecretAccessKey string }
	// adminKeys are the keys of the administrators account made in
	// member accounts, by account id.
	adminKeys map[string][2]string
	// admin is the management account's administrator, who sets member
	// accounts up through OrganizationAccountAccessRole.
	admin *sts.Client
}

// start runs `trustgate serve` on a free port with data in dir, and waits
// until it is healthy.
func start(t *testing.T, dir string) *server {
	t.Helper()
	return startWith(t, dir)
}

// startWith is start with more flags of serve: --tls serves HTTPS with
// the certificate it keeps as <dir>/tls/cert.pem.
func startWith(t *testing.T, dir string, flags ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", dir}, flags...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, Data: dir}
	t.Cleanup(func() { s.stop(t) })
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-first:
		rest, ok := strings.CutPrefix(line, "trustgate serving on ")
		if !ok {
			t.Fatalf("unexpected first line %q", line)
		}
		s.Endpoint = strings.Fields(rest)[0]
	case <-time.After(15 * time.Second):
		t.Fatal("trustgate serve printed nothing within 15s")
	}
	health := http.DefaultClient
	if strings.HasPrefix(s.Endpoint, "https://") {
		pem, err := os.ReadFile(filepath.Join(dir, "tls", "cert.pem"))
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		health = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	}
	resp, err := health.Get(s.Endpoint + "/_trustgate/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health check: %v %v", resp, err)
	}
	resp.Body.Close()
	b, err := os.ReadFile(filepath.Join(dir, "root-credentials.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s.Root); err != nil {
		t.Fatal(err)
	}
	return s
}

// stop sends SIGTERM and waits for a graceful exit.
func (s *server) stop(t *testing.T) {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("trustgate serve exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		t.Error("trustgate serve did not stop within 15s of SIGTERM")
	}
}

// cleanEnv is an environment with no ambient AWS settings: only what a
// test gives a client reaches it. Its HOME is the test's own temporary
// directory, removed when the test ends.
func cleanEnv(t *testing.T, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	home := t.TempDir()
	env = append(env, "HOME="+home, "AWS_CONFIG_FILE="+filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(home, "credentials"), "AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=")
	return append(env, extra...)
}

// client is one real AWS client found on this machine.
type client struct {
	name string
	path string
}

// awsCLIs finds Debian's aws CLI v2 and any other aws on PATH (the v1 of
// this machine's image).
func awsCLIs(t *testing.T) []client {
	t.Helper()
	var out []client
	seen := map[string]bool{}
	for _, p := range []string{"/usr/bin/aws"} {
		if _, err := os.Stat(p); err == nil {
			out = append(out, client{"debian aws", p})
			seen[p] = true
		}
	}
	if p, err := exec.LookPath("aws"); err == nil && !seen[p] {
		if real, err := filepath.EvalSymlinks(p); err == nil && !seen[real] {
			out = append(out, client{"aws on PATH", p})
		}
	}
	if len(out) == 0 {
		skipOrFail(t, "no aws CLI on this machine; scripts/test installs Debian's awscli")
	}
	return out
}

// pythons finds the interpreters that can import boto3.
func pythons(t *testing.T) []client {
	t.Helper()
	var out []client
	seen := map[string]bool{}
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(p)
		if err != nil || seen[path] {
			continue
		}
		seen[path] = true
		if exec.Command(path, "-c", "import boto3").Run() == nil {
			out = append(out, client{"boto3 of " + path, path})
		}
	}
	if len(out) == 0 {
		skipOrFail(t, "no python3 with boto3 on this machine; scripts/test installs Debian's python3-boto3")
	}
	return out
}

func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// run runs a client command and returns its stdout, stderr and error.
func run(t *testing.T, env []string, name string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}
