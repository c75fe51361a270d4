package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// The first step of every walkthrough: who am I?
func TestCLIGetCallerIdentity(t *testing.T) {
	s := start(t, t.TempDir())
	for _, cli := range awsCLIs(t) {
		t.Run(cli.name, func(t *testing.T) {
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+s.Root.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+s.Root.SecretAccessKey)
			out, stderr, err := run(t, env, cli.path, "--endpoint-url", s.Endpoint, "sts", "get-caller-identity", "--output", "json")
			if err != nil {
				t.Fatalf("aws sts get-caller-identity: %v\n%s", err, stderr)
			}
			var id struct{ UserId, Account, Arn string }
			if err := json.Unmarshal([]byte(out), &id); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if id.Arn != "arn:aws:iam::"+s.Root.AccountId+":root" || id.Account != s.Root.AccountId || id.UserId != s.Root.AccountId {
				t.Errorf("get-caller-identity = %+v", id)
			}

			// Note 74: which account a key belongs to.
			out, stderr, err = run(t, env, cli.path, "--endpoint-url", s.Endpoint, "sts", "get-access-key-info",
				"--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--output", "text")
			if err != nil || strings.TrimSpace(out) != "581039954779" {
				t.Errorf("aws sts get-access-key-info = %q, %v\n%s; want 581039954779", out, err, stderr)
			}

			env = cleanEnv(t, "AWS_ACCESS_KEY_ID="+s.Root.AccessKeyId, "AWS_SECRET_ACCESS_KEY=wrong")
			_, stderr, err = run(t, env, cli.path, "--endpoint-url", s.Endpoint, "sts", "get-caller-identity")
			if err == nil || !strings.Contains(stderr, "SignatureDoesNotMatch") {
				t.Errorf("with a wrong secret: %v, stderr %q; want SignatureDoesNotMatch", err, stderr)
			}
		})
	}
}

const boto3Identity = `
import boto3, json, os, sys
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
print(json.dumps(sts.get_caller_identity()["Arn"]))
try:
    boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id="AKIAUNKNOWNKEY000000", aws_secret_access_key="x").get_caller_identity()
    print(json.dumps("no error"))
except Exception as e:
    print(json.dumps(e.response["Error"]["Code"]))
`

func TestBoto3GetCallerIdentity(t *testing.T) {
	s := start(t, t.TempDir())
	for _, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", boto3Identity, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey)
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, stderr)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			want := []string{`"arn:aws:iam::` + s.Root.AccountId + `:root"`, `"InvalidClientTokenId"`}
			if len(lines) != 2 || lines[0] != want[0] || lines[1] != want[1] {
				t.Errorf("boto3 printed %q, want %q", lines, want)
			}
		})
	}
}

// A second start on the same data directory reuses the organization and
// the root key.
func TestRestartReusesData(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir)
	root := first.Root
	first.stop(t)
	second := start(t, dir)
	if second.Root != root {
		t.Errorf("root credentials changed across restarts: %+v then %+v", root, second.Root)
	}
}
