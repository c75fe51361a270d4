package e2e

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tool finds a Debian S3 client, which scripts/test installs.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		skipOrFail(t, name+" is not on this machine; scripts/test installs Debian's "+name)
	}
	return path
}

// localTree writes a few files, one in a subdirectory, and returns their
// directory.
func localTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{"a.txt": "alpha", "b.txt": "beta", "sub/c.txt": "gamma"} {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// s3cmd, which reads every setting of a bucket for `info` (note 50), puts,
// lists, syncs, gets and deletes.
func TestS3cmd(t *testing.T) {
	s3cmd := tool(t, "s3cmd")
	s := start(t, t.TempDir())
	host := strings.TrimPrefix(s.Endpoint, "http://")
	config := filepath.Join(t.TempDir(), "s3cfg")
	if err := os.WriteFile(config, []byte("[default]\naccess_key = "+s.Root.AccessKeyId+"\nsecret_key = "+s.Root.SecretAccessKey+
		"\nhost_base = "+host+"\nhost_bucket = "+host+"\nuse_https = False\nbucket_location = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := cleanEnv(t)
	do := func(args ...string) string {
		t.Helper()
		out, errOut, err := run(t, env, s3cmd, append([]string{"-c", config}, args...)...)
		if err != nil {
			t.Fatalf("s3cmd %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
		}
		return out
	}
	tree := localTree(t)
	do("mb", "s3://tools-s3cmd")
	do("sync", tree+"/", "s3://tools-s3cmd/tree/")
	if out := do("ls", "-r", "s3://tools-s3cmd"); !strings.Contains(out, "s3://tools-s3cmd/tree/sub/c.txt") || strings.Count(out, "s3://") != 3 {
		t.Errorf("s3cmd ls -r after sync:\n%s", out)
	}
	info := do("info", "s3://tools-s3cmd")
	for _, want := range []string{"Location:  us-east-1", "Payer:     BucketOwner", "Policy:    none", "CORS:      none"} {
		if !strings.Contains(info, want) {
			t.Errorf("s3cmd info lacks %q:\n%s", want, info)
		}
	}
	got := filepath.Join(t.TempDir(), "c.txt")
	do("get", "s3://tools-s3cmd/tree/sub/c.txt", got)
	if b, _ := os.ReadFile(got); string(b) != "gamma" {
		t.Errorf("s3cmd get = %q, want gamma", b)
	}
	do("del", "-r", "s3://tools-s3cmd/tree/")
	do("rb", "s3://tools-s3cmd")
}

// rclone copies a tree and a file large enough for a multipart upload,
// checks them, reads them back and purges the bucket.
func TestRclone(t *testing.T) {
	rclone := tool(t, "rclone")
	s := start(t, t.TempDir())
	env := cleanEnv(t, "RCLONE_CONFIG="+filepath.Join(t.TempDir(), "rclone.conf"), "RCLONE_CONFIG_TG_TYPE=s3", "RCLONE_CONFIG_TG_PROVIDER=Other",
		"RCLONE_CONFIG_TG_ACCESS_KEY_ID="+s.Root.AccessKeyId, "RCLONE_CONFIG_TG_SECRET_ACCESS_KEY="+s.Root.SecretAccessKey,
		"RCLONE_CONFIG_TG_ENDPOINT="+s.Endpoint, "RCLONE_CONFIG_TG_REGION=us-east-1",
		"RCLONE_S3_UPLOAD_CUTOFF=5M", "RCLONE_S3_CHUNK_SIZE=5M")
	do := func(args ...string) string {
		t.Helper()
		out, errOut, err := run(t, env, rclone, args...)
		if err != nil {
			t.Fatalf("rclone %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
		}
		return out + errOut
	}
	tree := localTree(t)
	big := make([]byte, 12<<20)
	rand.Read(big)
	bigPath := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(bigPath, big, 0o600); err != nil {
		t.Fatal(err)
	}
	do("mkdir", "tg:tools-rclone")
	do("copy", tree, "tg:tools-rclone/tree")
	do("copy", bigPath, "tg:tools-rclone")
	if out := do("check", tree, "tg:tools-rclone/tree"); !strings.Contains(out, "0 differences found") {
		t.Errorf("rclone check after copy:\n%s", out)
	}
	back := filepath.Join(t.TempDir(), "big.bin")
	do("copyto", "tg:tools-rclone/big.bin", back)
	if b, _ := os.ReadFile(back); !bytes.Equal(b, big) {
		t.Errorf("rclone read back %d bytes, not the %d it wrote", len(b), len(big))
	}
	do("purge", "tg:tools-rclone")
	if out := do("lsd", "tg:"); strings.Contains(out, "tools-rclone") {
		t.Errorf("rclone lsd after purge still lists the bucket:\n%s", out)
	}
}
