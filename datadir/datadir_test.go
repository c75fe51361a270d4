package datadir_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/datadir"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func TestFirstStartThenReuse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data")
	d, err := datadir.Open(t.Context(), path, now)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Created {
		t.Error("first Open did not report creating the organization")
	}
	creds, err := datadir.ReadRootCredentials(path)
	if err != nil {
		t.Fatal(err)
	}
	if !arn.IsAccountID(creds.AccountId) || creds.AccountId != d.Org.ManagementAccount ||
		len(creds.AccessKeyId) != 20 || creds.AccessKeyId[:4] != "AKIA" || len(creds.SecretAccessKey) != 40 {
		t.Errorf("root credentials = %+v, organization %+v", creds, d.Org)
	}
	for _, name := range []string{datadir.RootCredentialsFile, datadir.KeyFile} {
		fi, err := os.Stat(filepath.Join(path, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, fi.Mode().Perm())
		}
	}
	key, err := d.Store.AccessKey(t.Context(), creds.AccessKeyId)
	if err != nil || key.Secret != creds.SecretAccessKey || !key.IsRoot() {
		t.Errorf("stored root key = %+v, %v", key, err)
	}
	d.Close()

	again, err := datadir.Open(t.Context(), path, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Created || again.Org.ID != d.Org.ID || again.Org.ManagementAccount != creds.AccountId {
		t.Errorf("second Open: created %v, organization %+v; want the first one reused", again.Created, again.Org)
	}
	creds2, err := datadir.ReadRootCredentials(path)
	if err != nil || *creds2 != *creds {
		t.Errorf("root-credentials.json changed on the second start: %+v", creds2)
	}
}

func TestCorruptKeyIsReported(t *testing.T) {
	path := t.TempDir()
	if err := os.WriteFile(filepath.Join(path, datadir.KeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := datadir.Open(t.Context(), path, now); err == nil {
		t.Fatal("Open with a corrupt deployment key succeeded")
	}
}
