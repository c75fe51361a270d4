package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// guardedPolicy refuses every request that does not come over TLS, as
// AWS's security guidance has every bucket do.
const guardedPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

const boto3OverTLS = `
import boto3, sys
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3.put_object(Bucket=bucket, Key="from-boto3.txt", Body=b"over TLS")
print(s3.get_object(Bucket=bucket, Key="from-boto3.txt")["Body"].read().decode())
`

// Note 69 with each aws CLI and boto3: `serve --tls`, trusted through
// AWS_CA_BUNDLE, serves a bucket whose policy refuses plain HTTP.
func TestCLIOverTLS(t *testing.T) {
	dir := t.TempDir()
	s := startWith(t, dir, "--tls")
	if !strings.HasPrefix(s.Endpoint, "https://") {
		t.Fatalf("serve --tls serves on %s", s.Endpoint)
	}
	files := t.TempDir()
	local := filepath.Join(files, "report.txt")
	if err := os.WriteFile(local, []byte("quarterly"), 0o600); err != nil {
		t.Fatal(err)
	}
	bundle := "AWS_CA_BUNDLE=" + filepath.Join(dir, "tls", "cert.pem")
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "guarded-" + string(rune('a'+i))
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+s.Root.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+s.Root.SecretAccessKey, bundle)
			for _, args := range [][]string{
				{"s3", "mb", "s3://" + bucket},
				{"s3api", "put-bucket-policy", "--bucket", bucket, "--policy", strings.ReplaceAll(guardedPolicy, "BUCKET", bucket)},
				{"s3", "cp", local, "s3://" + bucket + "/report.txt"},
				{"s3", "cp", "s3://" + bucket + "/report.txt", filepath.Join(files, bucket+".txt")},
			} {
				if _, stderr, err := run(t, env, c.path, append([]string{"--endpoint-url", s.Endpoint}, args...)...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
				}
			}
			if got, err := os.ReadFile(filepath.Join(files, bucket+".txt")); err != nil || string(got) != "quarterly" {
				t.Errorf("the downloaded copy = %q, %v", got, err)
			}
			for _, py := range pythons(t) {
				out, stderr, err := run(t, env, py.path, "-c", boto3OverTLS, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey, bucket)
				if err != nil || strings.TrimSpace(out) != "over TLS" {
					t.Errorf("%s over TLS printed %q: %v\n%s", py.name, out, err, stderr)
				}
			}
		})
	}
}
