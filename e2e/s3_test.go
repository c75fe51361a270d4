package e2e

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Seed 002 with each aws CLI: production's bucket, shared with the staging
// account by a bucket policy and through StageRole; a staging user's role
// session reads Sunset.jpg with `s3api get-object`, `s3 cp` and `s3 ls`,
// and is denied writes and other buckets.
func TestCLISeed002S3(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			suffix := string(rune('a' + i))
			roleARN, prod, keyID, secret := walkthrough(t, c, s, suffix)
			prodID, prodSecret := prodKeys(t, s, prod)
			bucket := "production-test-bucket-10" + suffix
			dir := t.TempDir()
			photo := filepath.Join(dir, "Sunset.jpg")
			if err := os.WriteFile(photo, []byte("a sunset over the sea"), 0o600); err != nil {
				t.Fatal(err)
			}
			asProd := func(args ...string) string {
				t.Helper()
				msg, err := cli(t, c, s, prodID, prodSecret, nil, args...)
				if err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
				return msg
			}
			asProd("s3", "mb", "s3://"+bucket)
			asProd("s3", "mb", "s3://"+bucket+"-private")
			asProd("s3", "cp", photo, "s3://"+bucket+"/Sunset.jpg")
			asProd("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", `{"Version":"2012-10-17","Statement":[{"Sid":"Grant permissions to Staging Account","Effect":"Allow",
				"Principal":{"AWS":"arn:aws:iam::`+s.Root.AccountId+`:root"},"Action":["s3:GetBucketLocation","s3:ListBucket"],"Resource":["arn:aws:s3:::`+bucket+`"]}]}`)

			var creds struct {
				Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
			}
			if msg, err := cli(t, c, s, keyID, secret, &creds, "sts", "assume-role", "--role-arn", roleARN, "--role-session-name", "test"); err != nil {
				t.Fatalf("assume-role: %v\n%s", err, msg)
			}
			env := cleanEnv(t, "AWS_ACCESS_KEY_ID="+creds.Credentials.AccessKeyId, "AWS_SECRET_ACCESS_KEY="+creds.Credentials.SecretAccessKey,
				"AWS_SESSION_TOKEN="+creds.Credentials.SessionToken, "AWS_DEFAULT_REGION=us-west-2")
			temp := func(args ...string) (string, string, error) {
				return run(t, env, c.path, append([]string{"--endpoint-url", s.Endpoint, "--output", "json"}, args...)...)
			}
			// The page keeps the credentials as a TempCred profile, with the
			// session token under its old name, aws_security_token.
			home := t.TempDir()
			config := "[profile TempCred]\naws_access_key_id = " + creds.Credentials.AccessKeyId + "\naws_secret_access_key = " +
				creds.Credentials.SecretAccessKey + "\naws_security_token = " + creds.Credentials.SessionToken + "\nregion = us-west-2\n"
			if err := os.WriteFile(filepath.Join(home, "config"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			profileEnv := append(cleanEnv(t), "AWS_CONFIG_FILE="+filepath.Join(home, "config"))
			profile := func(args ...string) (string, string, error) {
				return run(t, profileEnv, c.path, append([]string{"--endpoint-url", s.Endpoint, "--output", "json", "--profile", "TempCred"}, args...)...)
			}
			got := filepath.Join(dir, "SunsetStage.jpg")
			if _, stderr, err := profile("s3api", "get-object", "--bucket", bucket, "--key", "Sunset.jpg", got); err != nil {
				t.Fatalf("s3api get-object --profile TempCred: %v\n%s", err, stderr)
			}
			if out, stderr, err := profile("s3api", "head-object", "--bucket", bucket, "--key", "Sunset.jpg"); err != nil || !strings.Contains(out, `"ContentLength": 21`) {
				t.Errorf("s3api head-object --profile TempCred: %v %s %s", err, out, stderr)
			}
			if b, _ := os.ReadFile(got); string(b) != "a sunset over the sea" {
				t.Errorf("SunsetStage.jpg = %q", b)
			}
			if out, stderr, err := temp("s3", "ls", "s3://"+bucket); err != nil || !strings.Contains(out, "Sunset.jpg") {
				t.Errorf("s3 ls with the role: %v %s %s", err, out, stderr)
			}
			if _, stderr, err := temp("s3", "cp", "s3://"+bucket+"/Sunset.jpg", filepath.Join(dir, "copy.jpg")); err != nil {
				t.Errorf("s3 cp with the role: %v %s", err, stderr)
			}
			if _, stderr, err := temp("s3", "cp", photo, "s3://"+bucket+"/Overwrite.jpg"); err == nil || !strings.Contains(stderr, "AccessDenied") {
				t.Errorf("s3 cp upload under ReadOnlyAccess: %v %s; want AccessDenied", err, stderr)
			}

			// s3 sync up as production's root, down with the role.
			album := filepath.Join(dir, "album")
			os.MkdirAll(filepath.Join(album, "2026"), 0o700)
			for _, f := range []string{"a.jpg", "b.jpg", "2026/c.jpg"} {
				os.WriteFile(filepath.Join(album, f), []byte("photo "+f), 0o600)
			}
			asProd("s3", "sync", album, "s3://"+bucket+"/album/")
			copyDir := filepath.Join(dir, "album-copy")
			if _, stderr, err := temp("s3", "sync", "s3://"+bucket+"/album/", copyDir); err != nil {
				t.Fatalf("s3 sync down with the role: %v %s", err, stderr)
			}
			for _, f := range []string{"a.jpg", "b.jpg", "2026/c.jpg"} {
				if b, err := os.ReadFile(filepath.Join(copyDir, f)); err != nil || string(b) != "photo "+f {
					t.Errorf("synced %s = %q, %v", f, b, err)
				}
			}

			// The resource-based alternative: the staging user reads the
			// bucket's listing through the bucket policy, with its own
			// identity policy allowing it, without assuming the role.
			userEnv := cleanEnv(t, "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret)
			if _, stderr, err := run(t, userEnv, c.path, "--endpoint-url", s.Endpoint, "s3", "ls", "s3://"+bucket); err == nil || !strings.Contains(stderr, "AccessDenied") {
				t.Errorf("s3 ls by the staging user without an identity policy: %v %s; want AccessDenied", err, stderr)
			}
		})
	}
}

// prodKeys returns the key of the administrator account made in a
// member account.
func prodKeys(t *testing.T, s *server, account string) (id, secret string) {
	t.Helper()
	k, ok := s.adminKeys[account]
	if !ok {
		t.Fatalf("no administrator key recorded for account %s", account)
	}
	return k[0], k[1]
}

// Files over the CLI's 8 MB threshold travel as multipart uploads and
// ranged downloads, with each aws CLI.
func TestCLIMultipartCopy(t *testing.T) {
	s := start(t, t.TempDir())
	dir := t.TempDir()
	big := filepath.Join(dir, "big.bin")
	body := make([]byte, 9<<20+123)
	for i := range body {
		body[i] = byte(i * 7)
	}
	if err := os.WriteFile(big, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "multipart-" + string(rune('a'+i))
			for _, args := range [][]string{{"s3", "mb", "s3://" + bucket}, {"s3", "cp", big, "s3://" + bucket + "/big.bin"},
				{"s3", "cp", "s3://" + bucket + "/big.bin", filepath.Join(dir, bucket+".bin")}} {
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			got, err := os.ReadFile(filepath.Join(dir, bucket+".bin"))
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("the downloaded copy has %d bytes (%v), want the %d uploaded", len(got), err, len(body))
			}
		})
	}
}

// Note 75 with each aws CLI: versioning enabled, an object written
// twice, its first version read back, a delete that leaves a marker and
// ListObjectVersions naming all three.
func TestCLIVersioning(t *testing.T) {
	s := start(t, t.TempDir())
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-versions-" + string(rune('a'+i))
			aws := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			aws(nil, "s3", "mb", "s3://"+bucket)
			aws(nil, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
			var first struct{ VersionId string }
			for _, body := range []string{"first draft", "second draft"} {
				if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				var put struct{ VersionId string }
				aws(&put, "s3api", "put-object", "--bucket", bucket, "--key", "notes.txt", "--body", file)
				if first.VersionId == "" {
					first = put
				}
			}
			aws(nil, "s3", "rm", "s3://"+bucket+"/notes.txt")
			aws(nil, "s3api", "get-object", "--bucket", bucket, "--key", "notes.txt", "--version-id", first.VersionId, filepath.Join(dir, bucket+".txt"))
			if got, err := os.ReadFile(filepath.Join(dir, bucket+".txt")); err != nil || string(got) != "first draft" {
				t.Errorf("get-object --version-id of the first version = %q, %v", got, err)
			}
			var listed struct {
				Versions      []struct{ VersionId string }
				DeleteMarkers []struct{ IsLatest bool }
			}
			aws(&listed, "s3api", "list-object-versions", "--bucket", bucket)
			if len(listed.Versions) != 2 || len(listed.DeleteMarkers) != 1 || !listed.DeleteMarkers[0].IsLatest || listed.Versions[1].VersionId != first.VersionId {
				t.Errorf("list-object-versions = %+v; want two versions, the first last, under a delete marker", listed)
			}
		})
	}
}

// Note 77 with each aws CLI: a bucket made with Object Lock, a version
// put under a compliance retention, read back, and refused to a delete.
func TestCLIObjectLock(t *testing.T) {
	s := start(t, t.TempDir())
	dir := t.TempDir()
	file := filepath.Join(dir, "ledger.csv")
	if err := os.WriteFile(file, []byte("ledger"), 0o600); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-vault-" + string(rune('a'+i))
			aws := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			aws(nil, "s3api", "create-bucket", "--bucket", bucket, "--object-lock-enabled-for-bucket")
			var conf struct {
				ObjectLockConfiguration struct{ ObjectLockEnabled string }
			}
			aws(&conf, "s3api", "get-object-lock-configuration", "--bucket", bucket)
			if conf.ObjectLockConfiguration.ObjectLockEnabled != "Enabled" {
				t.Errorf("get-object-lock-configuration = %+v; want Enabled", conf)
			}
			// The Content-MD5 S3 asks of a locked write, which the older CLI
			// does not send of its own.
			sum := md5.Sum([]byte("ledger"))
			var put struct{ VersionId string }
			aws(&put, "s3api", "put-object", "--bucket", bucket, "--key", "ledger.csv", "--body", file, "--content-md5", base64.StdEncoding.EncodeToString(sum[:]),
				"--object-lock-mode", "COMPLIANCE", "--object-lock-retain-until-date", until)
			var retention struct {
				Retention struct{ Mode, RetainUntilDate string }
			}
			aws(&retention, "s3api", "get-object-retention", "--bucket", bucket, "--key", "ledger.csv", "--version-id", put.VersionId)
			if got, err := time.Parse(time.RFC3339, retention.Retention.RetainUntilDate); retention.Retention.Mode != "COMPLIANCE" || err != nil || got.Format(time.RFC3339) != until {
				t.Errorf("get-object-retention = %+v; want COMPLIANCE until %s", retention, until)
			}
			msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, nil, "s3api", "delete-object", "--bucket", bucket, "--key", "ledger.csv",
				"--version-id", put.VersionId, "--bypass-governance-retention")
			if err == nil || !strings.Contains(msg, "AccessDenied") || !strings.Contains(msg, "protected by object lock") {
				t.Errorf("delete-object of a version under compliance = %v %s; want AccessDenied", err, msg)
			}
		})
	}
}

// Note 78 with each aws CLI: a bucket made a website with "aws s3
// website", its objects uploaded with "aws s3 cp" and made public by a
// bucket policy, then browsed at its website endpoint.
func TestCLIWebsite(t *testing.T) {
	s := start(t, t.TempDir())
	dir := t.TempDir()
	for name, body := range map[string]string{"index.html": "<h1>home</h1>", "error.html": "<h1>lost</h1>"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-site-" + string(rune('a'+i))
			aws := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			aws(nil, "s3", "mb", "s3://"+bucket)
			aws(nil, "s3", "cp", dir, "s3://"+bucket+"/", "--recursive", "--content-type", "text/html")
			aws(nil, "s3", "website", "s3://"+bucket, "--index-document", "index.html", "--error-document", "error.html")
			aws(nil, "s3api", "delete-public-access-block", "--bucket", bucket)
			aws(nil, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+bucket+`/*"}]}`)
			var site struct {
				IndexDocument struct{ Suffix string }
				ErrorDocument struct{ Key string }
			}
			aws(&site, "s3api", "get-bucket-website", "--bucket", bucket)
			if site.IndexDocument.Suffix != "index.html" || site.ErrorDocument.Key != "error.html" {
				t.Errorf("get-bucket-website = %+v", site)
			}
			for path, want := range map[string]struct {
				status int
				body   string
			}{"/": {200, "<h1>home</h1>"}, "/nothing/here.html": {403, "<h1>lost</h1>"}} {
				req, err := http.NewRequest(http.MethodGet, s.Endpoint+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Host = bucket + ".s3-website.localhost"
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want.status || string(body) != want.body {
					t.Errorf("the website's %s = %d %q; want %d %q", path, resp.StatusCode, body, want.status, want.body)
				}
			}
		})
	}
}

// TestCLIReplication follows S3's replication walkthrough with each aws
// CLI: two versioned buckets, a role S3 may assume, a configuration, and
// an object copied, its status read on both sides (notes 80 and 81).
func TestCLIReplication(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			source := "cli-source-" + string(rune('a'+i))
			copies, roleName := source+"-copy", source+"-role"
			aws := func(out any, args ...string) {
				t.Helper()
				if msg, err := cli(t, c, s, s.Root.AccessKeyId, s.Root.SecretAccessKey, out, args...); err != nil {
					t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, msg)
				}
			}
			for _, b := range []string{source, copies} {
				aws(nil, "s3", "mb", "s3://"+b)
				aws(nil, "s3api", "put-bucket-versioning", "--bucket", b, "--versioning-configuration", "Status=Enabled")
			}
			var role struct{ Role struct{ Arn string } }
			aws(&role, "iam", "create-role", "--role-name", roleName, "--assume-role-policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
			aws(nil, "iam", "put-role-policy", "--role-name", roleName, "--policy-name", "replicate", "--policy-document",
				`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjectVersionForReplication","Resource":"arn:aws:s3:::`+source+`/*"},`+
					`{"Effect":"Allow","Action":["s3:ReplicateObject","s3:ReplicateDelete"],"Resource":"arn:aws:s3:::`+copies+`/*"}]}`)
			aws(nil, "s3api", "put-bucket-replication", "--bucket", source, "--replication-configuration",
				`{"Role":"`+role.Role.Arn+`","Rules":[{"Status":"Enabled","Priority":1,"DeleteMarkerReplication":{"Status":"Disabled"},`+
					`"Filter":{"Prefix":""},"Destination":{"Bucket":"arn:aws:s3:::`+copies+`"}}]}`)
			var conf struct {
				ReplicationConfiguration struct {
					Role  string
					Rules []struct{ ID, Status string }
				}
			}
			aws(&conf, "s3api", "get-bucket-replication", "--bucket", source)
			if rc := conf.ReplicationConfiguration; rc.Role != role.Role.Arn || len(rc.Rules) != 1 || rc.Rules[0].ID == "" || rc.Rules[0].Status != "Enabled" {
				t.Errorf("get-bucket-replication = %+v", rc)
			}
			file := filepath.Join(t.TempDir(), "report.txt")
			if err := os.WriteFile(file, []byte("quarterly"), 0o600); err != nil {
				t.Fatal(err)
			}
			aws(nil, "s3", "cp", file, "s3://"+source+"/report.txt")
			var head struct{ ReplicationStatus, VersionId string }
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				aws(&head, "s3api", "head-object", "--bucket", source, "--key", "report.txt")
				if head.ReplicationStatus != "PENDING" || time.Now().After(deadline) {
					break
				}
			}
			var replica struct{ ReplicationStatus, VersionId string }
			aws(&replica, "s3api", "head-object", "--bucket", copies, "--key", "report.txt")
			if head.ReplicationStatus != "COMPLETED" || replica.ReplicationStatus != "REPLICA" || replica.VersionId != head.VersionId {
				t.Errorf("head-object of the source = %+v, of the replica = %+v; want COMPLETED, and REPLICA of the same version", head, replica)
			}
			aws(nil, "s3api", "delete-bucket-replication", "--bucket", source)
		})
	}
}

// TestCLIBucketConditions: with each aws CLI, --expected-bucket-owner
// refuses a bucket of another account (note 83), and a Requester Pays
// bucket is set, read back, and read with --request-payer (note 84).
func TestCLIBucketConditions(t *testing.T) {
	s := start(t, t.TempDir())
	file := filepath.Join(t.TempDir(), "data.csv")
	if err := os.WriteFile(file, []byte("a,b"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-conditions-" + string(rune('a'+i))
			aws, must := rootCLI(t, c, s)
			must(nil, "s3", "mb", "s3://"+bucket)
			must(nil, "s3api", "put-object", "--bucket", bucket, "--key", "data.csv", "--body", file, "--expected-bucket-owner", s.Root.AccountId)
			if msg, err := aws(nil, "s3api", "head-object", "--bucket", bucket, "--key", "data.csv", "--expected-bucket-owner", "999999999999"); err == nil || !strings.Contains(msg, "403") {
				t.Errorf("head-object expecting another owner: %v %s; want 403", err, msg)
			}
			if msg, err := aws(nil, "s3api", "list-objects-v2", "--bucket", bucket, "--expected-bucket-owner", "999999999999"); err == nil || !strings.Contains(msg, "AccessDenied") {
				t.Errorf("list-objects-v2 expecting another owner: %v %s; want AccessDenied", err, msg)
			}
			must(nil, "s3api", "put-bucket-request-payment", "--bucket", bucket, "--request-payment-configuration", "Payer=Requester")
			var payment struct{ Payer string }
			must(&payment, "s3api", "get-bucket-request-payment", "--bucket", bucket)
			if payment.Payer != "Requester" {
				t.Errorf("get-bucket-request-payment = %+v; want Requester", payment)
			}
			must(nil, "s3", "cp", "s3://"+bucket+"/data.csv", filepath.Join(t.TempDir(), "copy.csv"), "--request-payer", "requester")
			must(nil, "s3api", "put-bucket-request-payment", "--bucket", bucket, "--request-payment-configuration", "Payer=BucketOwner")
		})
	}
}

const boto3MultipartChecksums = `
import base64, boto3, hashlib, io, json, sys
from boto3.s3.transfer import TransferConfig
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3.create_bucket(Bucket=bucket)
body = bytes(i * 7 % 251 for i in range(9 << 20))
config = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
s3.upload_fileobj(io.BytesIO(body), bucket, "big.bin", ExtraArgs={"ChecksumAlgorithm": "SHA256"}, Config=config)
parts = [body[:5 << 20], body[5 << 20:]]
composite = base64.b64encode(hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()).decode() + "-2"
head = s3.head_object(Bucket=bucket, Key="big.bin", ChecksumMode="ENABLED")
attrs = s3.get_object_attributes(Bucket=bucket, Key="big.bin", ObjectAttributes=["ETag", "Checksum", "ObjectParts", "ObjectSize"])
part = attrs["ObjectParts"]["Parts"][1]
out = io.BytesIO()
s3.download_fileobj(bucket, "big.bin", out, Config=config)
print(json.dumps({
    "head": head["ChecksumSHA256"] == composite,
    "attributes": attrs["Checksum"]["ChecksumSHA256"] + "-2" == composite and attrs["ObjectSize"] == len(body) and attrs["ETag"] == head["ETag"].strip('"'),
    "parts": attrs["ObjectParts"]["TotalPartsCount"] == 2 and part["Size"] == len(parts[1]) and
             part["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(parts[1]).digest()).decode(),
    "download": out.getvalue() == body,
}, sort_keys=True))
`

// Note 64 and 65 with each boto3: a multipart upload with SHA256 parts
// gets S3's COMPOSITE checksum, which HeadObject and GetObjectAttributes
// name, with each part's.
func TestBoto3MultipartChecksums(t *testing.T) {
	eachBoto3(t, boto3MultipartChecksums, "checksummed-", `{"attributes": true, "download": true, "head": true, "parts": true}`)
}

const boto3BucketEncryption = `
import boto3, json, sys
from botocore.exceptions import ClientError
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3.create_bucket(Bucket=bucket)
knows_blocking = "BlockedEncryptionTypes" in s3.meta.service_model.shape_for("ServerSideEncryptionRule").members
def rule():
    return s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
new = rule()
kms_key = "arn:aws:kms:us-east-1:111111111111:key/4f3c9e5a-1b2d-4c6e-8f90-a1b2c3d4e5f6"
s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{"BucketKeyEnabled": True,
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": kms_key}}]})
put = s3.put_object(Bucket=bucket, Key="plain.txt", Body=b"no encryption asked for")
head = s3.head_object(Bucket=bucket, Key="plain.txt")
try:
    s3.put_object(Bucket=bucket, Key="customer.txt", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey="0123456789abcdef0123456789abcdef")
    refused = "written"
except ClientError as e:
    refused = e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
print(json.dumps({
    "new": new["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256" and not new["BucketKeyEnabled"] and
           (not knows_blocking or new["BlockedEncryptionTypes"]["EncryptionType"] == ["SSE-C"]),
    "default": [put["ServerSideEncryption"], put["SSEKMSKeyId"] == kms_key, put["BucketKeyEnabled"],
                head["ServerSideEncryption"], head["SSEKMSKeyId"] == kms_key],
    "sse-c": "AccessDenied" in refused and "blocked upload requests that specify Server Side Encryption with Customer provided keys" in refused,
}, sort_keys=True))
`

// Note 68 with each boto3: a new bucket's encryption, a default of
// SSE-KMS that objects written without asking get, and SSE-C refused.
func TestBoto3BucketEncryption(t *testing.T) {
	eachBoto3(t, boto3BucketEncryption, "encrypted-", `{"default": ["aws:kms", true, true, "aws:kms", true], "new": true, "sse-c": true}`)
}

const boto3PresignedPost = `
import boto3, json, requests, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
# Signature Version 4: botocore presigns a POST for us-east-1 with version 2 otherwise.
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket=bucket)
post = s3.generate_presigned_post(bucket, "uploads/${filename}", Fields={"Content-Type": "text/plain"},
    Conditions=[{"Content-Type": "text/plain"}, ["content-length-range", 1, 1024]], ExpiresIn=300)
ok = requests.post(post["url"], data=post["fields"], files={"file": ("hello.txt", b"hello from a form")})
big = requests.post(post["url"], data=post["fields"], files={"file": ("big.txt", b"x" * 2048)})
extra = requests.post(post["url"], data=dict(post["fields"], **{"x-amz-meta-sneaky": "1"}), files={"file": ("e.txt", b"x")})
got = s3.get_object(Bucket=bucket, Key="uploads/hello.txt")
print(json.dumps({
    "ok": ok.status_code, "body": got["Body"].read().decode(), "type": got["ContentType"],
    "big": [big.status_code, "EntityTooLarge" in big.text],
    "extra": [extra.status_code, "Extra input fields: x-amz-meta-sneaky" in extra.text],
}, sort_keys=True))
`

// Note 70 with each boto3: a presigned POST from generate_presigned_post,
// sent as a form by requests, uploads within its policy and is refused
// past it.
func TestBoto3PresignedPost(t *testing.T) {
	eachBoto3(t, boto3PresignedPost, "forms-", `{"big": [400, true], "body": "hello from a form", "extra": [403, true], "ok": 204, "type": "text/plain"}`, "requests")
}

// eachBoto3 runs script with each boto3 against a server of its own, with
// the endpoint, the root user's keys and a bucket name of the run's as
// its arguments, and wants it to print want. needs are the other Python
// modules the script imports.
func eachBoto3(t *testing.T, script, bucketPrefix, want string, needs ...string) {
	t.Helper()
	s := start(t, t.TempDir())
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			for _, m := range needs {
				if exec.Command(py.path, "-c", "import "+m).Run() != nil {
					skipOrFail(t, py.name+" has no "+m+"; scripts/test installs Debian's python3-"+m)
				}
			}
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", script, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey,
				bucketPrefix+string(rune('a'+i)))
			if err != nil {
				t.Fatalf("boto3: %v\n%s", err, stderr)
			}
			if strings.TrimSpace(out) != want {
				t.Errorf("boto3 printed %s, want %s", out, want)
			}
		})
	}
}

const boto3CORS = `
import boto3, json, requests, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket=bucket)
app = "https://app.example.com"
s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [
    {"AllowedOrigins": [app], "AllowedMethods": ["POST", "GET"], "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
# What a browser does for a page of app.example.com that uploads a form
# and reads the answer: a preflight, then the POST with its Origin.
url = endpoint + "/" + bucket
pre = requests.options(url, headers={"Origin": app, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
post = s3.generate_presigned_post(bucket, "avatars/${filename}", ExpiresIn=300)
sent = requests.post(post["url"], data=post["fields"], files={"file": ("me.png", b"png")}, headers={"Origin": app})
other = requests.options(url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
s3.delete_bucket_cors(Bucket=bucket)
try:
    s3.get_bucket_cors(Bucket=bucket)
    after = "still there"
except s3.exceptions.ClientError as e:
    after = e.response["Error"]["Code"]
print(json.dumps({
    "rules": [rules[0]["AllowedOrigins"], rules[0]["AllowedMethods"], rules[0]["MaxAgeSeconds"]],
    "preflight": [pre.status_code, pre.headers.get("Access-Control-Allow-Origin"), pre.headers.get("Access-Control-Allow-Methods")],
    "upload": [sent.status_code, sent.headers.get("Access-Control-Allow-Origin"), sent.headers.get("Access-Control-Expose-Headers")],
    "other": other.status_code, "deleted": after,
}, sort_keys=True))
`

// Note 73 with each boto3: CORS rules put and read back, and the
// exchange of a browser page that uploads a form to the bucket from
// another origin.
func TestBoto3CORS(t *testing.T) {
	eachBoto3(t, boto3CORS, "cors-", `{"deleted": "NoSuchCORSConfiguration", "other": 403, `+
		`"preflight": [200, "https://app.example.com", "POST, GET"], "rules": [["https://app.example.com"], ["POST", "GET"], 600], `+
		`"upload": [204, "https://app.example.com", "ETag"]}`, "requests")
}

const boto3Versioning = `
import boto3, json, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket=bucket)
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
status = s3.get_bucket_versioning(Bucket=bucket)["Status"]
first = s3.put_object(Bucket=bucket, Key="report.csv", Body=b"draft")["VersionId"]
s3.put_object(Bucket=bucket, Key="report.csv", Body=b"final")
marker = s3.delete_object(Bucket=bucket, Key="report.csv")
try:
    s3.head_object(Bucket=bucket, Key="report.csv")
    deleted = "still there"
except s3.exceptions.ClientError as e:
    deleted = e.response["Error"]["Code"]
old = s3.get_object(Bucket=bucket, Key="report.csv", VersionId=first)["Body"].read().decode()
listed = s3.list_object_versions(Bucket=bucket)
# What a script that empties a versioned bucket does.
boto3.resource("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4")).Bucket(bucket).object_versions.delete()
s3.delete_bucket(Bucket=bucket)
print(json.dumps({
    "status": status, "marker": marker["DeleteMarker"], "deleted": deleted, "old": old,
    "versions": [v["IsLatest"] for v in listed["Versions"]], "markers": [m["IsLatest"] for m in listed["DeleteMarkers"]],
}, sort_keys=True))
`

// Note 75 with each boto3: versions kept, a delete marker, a read of an
// old version, and the bucket emptied by its versions and deleted.
func TestBoto3Versioning(t *testing.T) {
	eachBoto3(t, boto3Versioning, "versions-", `{"deleted": "404", "marker": true, "markers": [true], "old": "draft", `+
		`"status": "Enabled", "versions": [false, false]}`)
}

const boto3Lifecycle = `
import boto3, json, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket=bucket)
s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
    {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30},
     "NoncurrentVersionExpiration": {"NoncurrentDays": 7}},
    {"ID": "uploads", "Status": "Enabled", "Filter": {}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
try:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "none", "Status": "Enabled", "Filter": {"Prefix": ""}}]})
    refused = "accepted"
except s3.exceptions.ClientError as e:
    refused = e.response["Error"]["Code"]
s3.delete_bucket_lifecycle(Bucket=bucket)
try:
    s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    after = "still there"
except s3.exceptions.ClientError as e:
    after = e.response["Error"]["Code"]
print(json.dumps({
    "rules": [[r["ID"], r["Status"], r.get("Expiration", {}).get("Days"), r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")] for r in rules],
    "refused": refused, "deleted": after,
}, sort_keys=True))
`

// Note 76 with each boto3: lifecycle rules put, read back, a rule with
// no action refused, and the configuration deleted.
func TestBoto3Lifecycle(t *testing.T) {
	eachBoto3(t, boto3Lifecycle, "lifecycle-", `{"deleted": "NoSuchLifecycleConfiguration", "refused": "InvalidRequest", `+
		`"rules": [["logs", "Enabled", 30, null], ["uploads", "Enabled", null, 1]]}`)
}

const boto3ObjectLock = `
import base64, boto3, datetime, hashlib, json, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
    config=Config(signature_version="s3v4"))
s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
    "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
rule = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
# Older botocore sends no checksum of its own with a body: Content-MD5, as
# S3 asks of a locked write.
body = b"ledger"
md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).replace(microsecond=0)
governed = s3.put_object(Bucket=bucket, Key="ledger.csv", Body=body, ContentMD5=md5)["VersionId"]
held = s3.put_object(Bucket=bucket, Key="ledger.csv", Body=body, ContentMD5=md5, ObjectLockMode="COMPLIANCE",
    ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")["VersionId"]
head = s3.head_object(Bucket=bucket, Key="ledger.csv")
def delete(version, bypass=False):
    try:
        s3.delete_object(Bucket=bucket, Key="ledger.csv", VersionId=version, BypassGovernanceRetention=bypass)
        return "deleted"
    except s3.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
refused, bypassed, compliant = delete(governed), delete(governed, True), delete(held, True)
s3.put_object_legal_hold(Bucket=bucket, Key="ledger.csv", VersionId=held, LegalHold={"Status": "OFF"})
retention = s3.get_object_retention(Bucket=bucket, Key="ledger.csv", VersionId=held)["Retention"]
print(json.dumps({
    "rule": [rule["Mode"], rule["Days"]],
    "head": [head["ObjectLockMode"], head["ObjectLockLegalHoldStatus"], abs((head["ObjectLockRetainUntilDate"] - until).total_seconds()) < 0.01],
    "deletes": [refused, bypassed, compliant],
    "retention": [retention["Mode"], abs((retention["RetainUntilDate"] - until).total_seconds()) < 0.01],
    "hold": s3.get_object_legal_hold(Bucket=bucket, Key="ledger.csv", VersionId=held)["LegalHold"]["Status"],
}, sort_keys=True))
`

// Note 77 with each boto3: a bucket made with Object Lock and a default
// retention, a version's own compliance retention and legal hold, and the
// deletions they refuse or a governance bypass lets through.
func TestBoto3ObjectLock(t *testing.T) {
	eachBoto3(t, boto3ObjectLock, "vault-", `{"deletes": ["AccessDenied", "deleted", "AccessDenied"], "head": ["COMPLIANCE", "ON", true], `+
		`"hold": "OFF", "retention": ["COMPLIANCE", true], "rule": ["GOVERNANCE", 1]}`)
}

const boto3Replication = `
import boto3, json, sys, time
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3 = boto3.client("s3", config=Config(signature_version="s3v4"), **kw)
iam = boto3.client("iam", **kw)
copy = bucket + "-copy"
for b in (bucket, copy):
    s3.create_bucket(Bucket=b)
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName=bucket + "-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
iam.put_role_policy(RoleName=bucket + "-role", PolicyName="replicate", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObjectVersionForReplication", "Resource": "arn:aws:s3:::%s/*" % bucket},
    {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"], "Resource": "arn:aws:s3:::%s/*" % copy}]}))
s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={"Role": role, "Rules": [{"Status": "Enabled", "Priority": 1,
    "Filter": {"Prefix": "docs/"}, "DeleteMarkerReplication": {"Status": "Disabled"},
    "Destination": {"Bucket": "arn:aws:s3:::" + copy}}]})
rule = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]["Rules"][0]
version = s3.put_object(Bucket=bucket, Key="docs/report.txt", Body=b"quarterly")["VersionId"]
s3.put_object(Bucket=bucket, Key="notes.txt", Body=b"not under the prefix")
status = "PENDING"
for _ in range(2000):
    status = s3.head_object(Bucket=bucket, Key="docs/report.txt").get("ReplicationStatus")
    if status != "PENDING":
        break
    time.sleep(0.01)
replica = s3.get_object(Bucket=copy, Key="docs/report.txt")
try:
    s3.head_object(Bucket=copy, Key="notes.txt")
    outside = "replicated"
except s3.exceptions.ClientError as e:
    outside = e.response["Error"]["Code"]
print(json.dumps({
    "rule": [rule["Filter"]["Prefix"], rule["Priority"], len(rule["ID"]) > 0],
    "source": [status, s3.head_object(Bucket=bucket, Key="notes.txt").get("ReplicationStatus")],
    "replica": [replica["Body"].read().decode(), replica["ReplicationStatus"], replica["VersionId"] == version],
    "outside": outside,
}, sort_keys=True))
`

// Note 81 with each boto3: a replication configuration put and read
// back, an object under its prefix replicated with its version, one
// outside it left alone.
func TestBoto3Replication(t *testing.T) {
	eachBoto3(t, boto3Replication, "replicated-", `{"outside": "404", "replica": ["quarterly", "REPLICA", true], `+
		`"rule": ["docs/", 1, true], "source": ["COMPLETED", null]}`)
}

const boto3AccountPublicAccessBlock = `
import boto3, json, socket, sys, urllib.request
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
# S3 Control is reached at ACCOUNT.localhost, which this machine's resolver
# does not know: such names are the loopback's, as systemd-resolved has them.
resolve = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: resolve("127.0.0.1" if host.endswith(".localhost") else host, *a, **k)
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3 = boto3.client("s3", config=Config(signature_version="s3v4"), **kw)
control = boto3.client("s3control", **dict(kw, endpoint_url=endpoint.replace("127.0.0.1", "localhost")))
account = boto3.client("sts", **kw).get_caller_identity()["Account"]
def code(call):
    try:
        call()
        return "ok"
    except control.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
before = code(lambda: control.get_public_access_block(AccountId=account))
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="open.txt", Body=b"open")
s3.delete_public_access_block(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}]}))
def anonymous():
    try:
        return urllib.request.urlopen("%s/%s/open.txt" % (endpoint, bucket)).status
    except urllib.error.HTTPError as e:
        return e.code
opened = anonymous()
control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
    "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
conf = control.get_public_access_block(AccountId=account)["PublicAccessBlockConfiguration"]
blocked = anonymous()
control.delete_public_access_block(AccountId=account)
print(json.dumps({"before": before, "anonymous": [opened, blocked, anonymous()], "conf": sorted(k for k, v in conf.items() if v),
    "after": code(lambda: control.get_public_access_block(AccountId=account))}, sort_keys=True))
`

// Note 82 with each boto3: an account's Block Public Access set through
// S3 Control closes a public bucket of the account, and reopens it once
// removed.
func TestBoto3AccountPublicAccessBlock(t *testing.T) {
	eachBoto3(t, boto3AccountPublicAccessBlock, "account-block-", `{"after": "NoSuchPublicAccessBlockConfiguration", "anonymous": [200, 403, 200], `+
		`"before": "NoSuchPublicAccessBlockConfiguration", "conf": ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"]}`)
}

const boto3AccessPoints = `
import boto3, json, socket, sys
from botocore.config import Config
endpoint, key, secret, bucket = sys.argv[1:5]
# S3 Control and access points by ARN are reached at names under
# localhost, which this machine's resolver does not know: such names are
# the loopback's, as systemd-resolved has them.
resolve = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: resolve("127.0.0.1" if host.endswith(".localhost") else host, *a, **k)
kw = dict(region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4"), **kw)
hosted = boto3.client("s3", endpoint_url=endpoint.replace("127.0.0.1", "localhost"), config=Config(signature_version="s3v4"), **kw)
control = boto3.client("s3control", endpoint_url=endpoint.replace("127.0.0.1", "localhost"), **kw)
account = boto3.client("sts", endpoint_url=endpoint, **kw).get_caller_identity()["Account"]
def code(call):
    try:
        call()
        return "ok"
    except s3.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="team/plan.txt", Body=b"plan")
name = bucket + "-ap"
made = control.create_access_point(AccountId=account, Name=name, Bucket=bucket)
arn, alias = made["AccessPointArn"], made["Alias"]
got = control.get_access_point(AccountId=account, Name=name)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
    "Action": "*", "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::%s/*" % bucket],
    "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account}}}]}))
by_alias = s3.get_object(Bucket=alias, Key="team/plan.txt")["Body"].read().decode()
hosted.put_object(Bucket=arn, Key="team/notes.txt", Body=b"notes")
by_arn = hosted.get_object(Bucket=arn, Key="team/notes.txt")["Body"].read().decode()
listed = [o["Key"] for o in s3.list_objects_v2(Bucket=alias)["Contents"]]
control.put_access_point_policy(AccountId=account, Name=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
    "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": arn + "/object/team/notes.txt"}]}))
denied = code(lambda: s3.get_object(Bucket=alias, Key="team/notes.txt"))
direct = code(lambda: s3.get_object(Bucket=bucket, Key="team/notes.txt"))
s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "team/plan.txt"}, {"Key": "team/notes.txt"}]})
attached = code(lambda: s3.delete_bucket(Bucket=bucket))
names = [a["Name"] for a in control.list_access_points(AccountId=account, Bucket=bucket)["AccessPointList"]]
control.delete_access_point(AccountId=account, Name=name)
gone = code(lambda: control.get_access_point(AccountId=account, Name=name))
print(json.dumps({"alias": alias.startswith(name[:20]) and alias.endswith("-s3alias"), "arn": arn == "arn:aws:s3:us-east-1:%s:accesspoint/%s" % (account, name),
    "origin": got["NetworkOrigin"], "read": [by_alias, by_arn], "listed": listed, "denied": denied, "direct": direct,
    "attached": attached, "names": names == [name], "gone": gone}, sort_keys=True))
`

// Note 86 with each boto3: an access point made through S3 Control, used
// by its alias and by its ARN, its policy holding for the requests
// through it alone.
func TestBoto3AccessPoints(t *testing.T) {
	eachBoto3(t, boto3AccessPoints, "access-points-", `{"alias": true, "arn": true, "attached": "BucketHasAccessPointsAttached", "denied": "AccessDenied", `+
		`"direct": "ok", "gone": "NoSuchAccessPoint", "listed": ["team/notes.txt", "team/plan.txt"], "names": true, "origin": "Internet", "read": ["plan", "notes"]}`)
}

const boto3MakeAccessPoint = `
import boto3, json, socket, sys
endpoint, key, secret, bucket = sys.argv[1:5]
resolve = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: resolve("127.0.0.1" if host.endswith(".localhost") else host, *a, **k)
kw = dict(region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
account = boto3.client("sts", endpoint_url=endpoint, **kw).get_caller_identity()["Account"]
control = boto3.client("s3control", endpoint_url=endpoint.replace("127.0.0.1", "localhost"), **kw)
print(control.create_access_point(AccountId=account, Name=bucket + "-ap", Bucket=bucket)["Alias"])
`

// Note 86 with each aws CLI: an access point's alias goes wherever a
// bucket name goes, in aws s3 and aws s3api alike. (The access point is
// made with boto3: the CLI reaches S3 Control at ACCOUNT.localhost, which
// this machine's resolver does not know.)
func TestCLIAccessPointAlias(t *testing.T) {
	s := start(t, t.TempDir())
	pys := pythons(t)
	file := filepath.Join(t.TempDir(), "plan.txt")
	if err := os.WriteFile(file, []byte("plan"), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-access-point-" + string(rune('a'+i))
			aws, must := rootCLI(t, c, s)
			must(nil, "s3", "mb", "s3://"+bucket)
			delegate := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::` + bucket +
				`","arn:aws:s3:::` + bucket + `/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + s.Root.AccountId + `"}}}]}`
			must(nil, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", delegate)
			out, stderr, err := run(t, cleanEnv(t), pys[0].path, "-c", boto3MakeAccessPoint, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey, bucket)
			if err != nil {
				t.Fatalf("boto3 create_access_point: %v\n%s", err, stderr)
			}
			alias := strings.TrimSpace(out)
			must(nil, "s3", "cp", file, "s3://"+alias+"/team/plan.txt")
			listing, err := aws(nil, "s3", "ls", "s3://"+alias+"/team/")
			if err != nil || !strings.Contains(listing, "plan.txt") {
				t.Errorf("aws s3 ls through the alias = %q, %v", listing, err)
			}
			var head struct{ ContentLength int64 }
			must(&head, "s3api", "head-object", "--bucket", alias, "--key", "team/plan.txt")
			if head.ContentLength != 4 {
				t.Errorf("head-object through the alias = %+v", head)
			}
			got := filepath.Join(t.TempDir(), "got.txt")
			must(nil, "s3api", "get-object", "--bucket", bucket, "--key", "team/plan.txt", got)
			if b, _ := os.ReadFile(got); string(b) != "plan" {
				t.Errorf("the object put through the alias, read from the bucket = %q", b)
			}
		})
	}
}

// Note 87 with each aws CLI: a bucket's event notifications are kept
// when their destinations' validation is skipped, refused otherwise, as
// no destination can be validated here.
func TestCLIEventNotifications(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-notifications-" + string(rune('a'+i))
			aws, must := rootCLI(t, c, s)
			must(nil, "s3", "mb", "s3://"+bucket)
			queue := "arn:aws:sqs:us-east-1:" + s.Root.AccountId + ":uploads"
			conf := `{"QueueConfigurations":[{"Id":"uploads","QueueArn":"` + queue + `","Events":["s3:ObjectCreated:*"],` +
				`"Filter":{"Key":{"FilterRules":[{"Name":"prefix","Value":"in/"}]}}}]}`
			if msg, err := aws(nil, "s3api", "put-bucket-notification-configuration", "--bucket", bucket, "--notification-configuration", conf); err == nil ||
				!strings.Contains(msg, "Unable to validate the following destination configurations") {
				t.Errorf("put-bucket-notification-configuration, validated: %v %s", err, msg)
			}
			must(nil, "s3api", "put-bucket-notification-configuration", "--bucket", bucket, "--notification-configuration", conf,
				"--skip-destination-validation")
			var got struct {
				QueueConfigurations []struct {
					Id, QueueArn string
					Events       []string
				}
			}
			must(&got, "s3api", "get-bucket-notification-configuration", "--bucket", bucket)
			if len(got.QueueConfigurations) != 1 || got.QueueConfigurations[0].Id != "uploads" || got.QueueConfigurations[0].QueueArn != queue {
				t.Errorf("get-bucket-notification-configuration = %+v", got)
			}
		})
	}
}

// Note 88 with each aws CLI: a bucket's metrics and inventory
// configurations put, listed, read and removed, and the mistakes S3
// refuses.
func TestCLIBucketConfigurations(t *testing.T) {
	s := start(t, t.TempDir())
	for i, c := range awsCLIs(t) {
		t.Run(c.name, func(t *testing.T) {
			bucket := "cli-configurations-" + string(rune('a'+i))
			aws, must := rootCLI(t, c, s)
			must(nil, "s3", "mb", "s3://"+bucket)
			must(nil, "s3api", "put-bucket-metrics-configuration", "--bucket", bucket, "--id", "Documents",
				"--metrics-configuration", `{"Id":"Documents","Filter":{"Prefix":"documents/"}}`)
			inventory := `{"Id":"weekly","IsEnabled":true,"IncludedObjectVersions":"Current","Schedule":{"Frequency":"Weekly"},` +
				`"OptionalFields":["Size","ETag"],"Destination":{"S3BucketDestination":{"AccountId":"` + s.Root.AccountId + `",` +
				`"Bucket":"arn:aws:s3:::` + bucket + `","Format":"CSV","Prefix":"inventory"}}}`
			must(nil, "s3api", "put-bucket-inventory-configuration", "--bucket", bucket, "--id", "weekly", "--inventory-configuration", inventory)
			var listed struct {
				MetricsConfigurationList []struct {
					Id     string
					Filter struct{ Prefix string }
				}
				IsTruncated bool
			}
			must(&listed, "s3api", "list-bucket-metrics-configurations", "--bucket", bucket)
			if len(listed.MetricsConfigurationList) != 1 || listed.MetricsConfigurationList[0].Id != "Documents" ||
				listed.MetricsConfigurationList[0].Filter.Prefix != "documents/" || listed.IsTruncated {
				t.Errorf("list-bucket-metrics-configurations = %+v", listed)
			}
			var got struct {
				InventoryConfiguration struct {
					Id             string
					OptionalFields []string
					Destination    struct {
						S3BucketDestination struct{ Bucket, Format string }
					}
				}
			}
			must(&got, "s3api", "get-bucket-inventory-configuration", "--bucket", bucket, "--id", "weekly")
			if inv := got.InventoryConfiguration; inv.Id != "weekly" || len(inv.OptionalFields) != 2 || inv.Destination.S3BucketDestination.Format != "CSV" {
				t.Errorf("get-bucket-inventory-configuration = %+v", got)
			}
			if msg, err := aws(nil, "s3api", "put-bucket-metrics-configuration", "--bucket", bucket, "--id", "other",
				"--metrics-configuration", `{"Id":"Documents"}`); err == nil || !strings.Contains(msg, "MalformedXML") {
				t.Errorf("put-bucket-metrics-configuration of an Id the query does not name: %v %s", err, msg)
			}
			must(nil, "s3api", "delete-bucket-metrics-configuration", "--bucket", bucket, "--id", "Documents")
			if msg, err := aws(nil, "s3api", "get-bucket-metrics-configuration", "--bucket", bucket, "--id", "Documents"); err == nil ||
				!strings.Contains(msg, "NoSuchConfiguration") {
				t.Errorf("get-bucket-metrics-configuration once removed: %v %s", err, msg)
			}
		})
	}
}

const boto3BucketConfigurations = `
import boto3, json, sys
endpoint, key, secret, bucket = sys.argv[1:5]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3.create_bucket(Bucket=bucket)
s3.put_bucket_analytics_configuration(Bucket=bucket, Id="cold", AnalyticsConfiguration={"Id": "cold",
    "Filter": {"And": {"Prefix": "archive/", "Tags": [{"Key": "tier", "Value": "cold"}]}},
    "StorageClassAnalysis": {"DataExport": {"OutputSchemaVersion": "V_1", "Destination": {"S3BucketDestination": {
        "Format": "CSV", "Bucket": "arn:aws:s3:::" + bucket, "Prefix": "analysis/"}}}}})
analytics = s3.get_bucket_analytics_configuration(Bucket=bucket, Id="cold")["AnalyticsConfiguration"]
tiering = {"Id": "archive", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="archive", IntelligentTieringConfiguration=tiering)
listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)["IntelligentTieringConfigurationList"]
try:
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="soon", IntelligentTieringConfiguration={
        "Id": "soon", "Status": "Enabled", "Tierings": [{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}]})
    soon = "kept"
except s3.exceptions.ClientError as e:
    soon = e.response["Error"]["Code"]
print(json.dumps({
    "analytics": [analytics["Filter"]["And"]["Prefix"], analytics["Filter"]["And"]["Tags"],
        analytics["StorageClassAnalysis"]["DataExport"]["Destination"]["S3BucketDestination"]["Prefix"]],
    "tiering": listed == [tiering], "soon": soon,
}, sort_keys=True))
`

// Note 88 with each boto3: analytics and Intelligent-Tiering
// configurations put and read back, and a tiering S3 refuses.
func TestBoto3BucketConfigurations(t *testing.T) {
	eachBoto3(t, boto3BucketConfigurations, "configurations-",
		`{"analytics": ["archive/", [{"Key": "tier", "Value": "cold"}], "analysis/"], "soon": "InvalidArgument", "tiering": true}`)
}

const boto3ABAC = `
import boto3, json, socket, sys, time
endpoint, key, secret, bucket = sys.argv[1:5]
resolve = socket.getaddrinfo
socket.getaddrinfo = lambda host, *a, **k: resolve("127.0.0.1" if host.endswith(".localhost") else host, *a, **k)
kw = dict(region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret)
s3 = boto3.client("s3", endpoint_url=endpoint, **kw)
if not hasattr(s3, "put_bucket_abac"):
    print("too old")
    sys.exit(0)
account = boto3.client("sts", endpoint_url=endpoint, **kw).get_caller_identity()["Account"]
control = boto3.client("s3control", endpoint_url=endpoint.replace("127.0.0.1", "localhost"), **kw)
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"Tags": [{"Key": "project", "Value": "blue"}]})
s3.put_object(Bucket=bucket, Key="plan.txt", Body=b"plan")
iam = boto3.client("iam", endpoint_url=endpoint, **kw)
user = bucket + "-reader"
iam.create_user(UserName=user)
iam.put_user_policy(UserName=user, PolicyName="by-project", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/project": "blue"}}}]}))
k = iam.create_access_key(UserName=user)["AccessKey"]
reader = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"])
def read():
    try:
        return reader.get_object(Bucket=bucket, Key="plan.txt")["Body"].read().decode()
    except reader.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
def code(call):
    try:
        call()
        return "ok"
    except s3.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
off = read()
s3.put_bucket_abac(Bucket=bucket, AbacStatus={"Status": "Enabled"})
status = s3.get_bucket_abac(Bucket=bucket)["AbacStatus"]["Status"]
on = read()
tagging = code(lambda: s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "project", "Value": "red"}]}))
control.tag_resource(AccountId=account, ResourceArn="arn:aws:s3:::" + bucket, Tags=[{"Key": "project", "Value": "red"}])
tags = control.list_tags_for_resource(AccountId=account, ResourceArn="arn:aws:s3:::" + bucket)["Tags"]
print(json.dumps({"off": off, "status": status, "on": on, "tagging": tagging, "tags": tags, "retagged": read()}, sort_keys=True))
`

// Note 89 with boto3 (a boto3 older than S3's ABAC has no PutBucketAbac
// and is passed over): a bucket tagged at creation, its tags deciding a
// read once ABAC is on, and changed through S3 Control alone.
func TestBoto3BucketABAC(t *testing.T) {
	s := start(t, t.TempDir())
	ran := false
	for i, py := range pythons(t) {
		t.Run(py.name, func(t *testing.T) {
			out, stderr, err := run(t, cleanEnv(t), py.path, "-c", boto3ABAC, s.Endpoint, s.Root.AccessKeyId, s.Root.SecretAccessKey, "abac-"+string(rune('a'+i)))
			switch {
			case err != nil:
				t.Fatalf("boto3: %v\n%s", err, stderr)
			case strings.TrimSpace(out) == "too old":
				t.Skip(py.name + " predates S3's ABAC")
			}
			ran = true
			want := `{"off": "AccessDenied", "on": "plan", "retagged": "AccessDenied", "status": "Enabled", "tagging": "InvalidRequest", "tags": [{"Key": "project", "Value": "red"}]}`
			if strings.TrimSpace(out) != want {
				t.Errorf("boto3 printed %s, want %s", out, want)
			}
		})
	}
	if !ran {
		skipOrFail(t, "no boto3 here knows S3's ABAC (PutBucketAbac)")
	}
}
