package sqlite_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/store"
	"github.com/trustgate/trustgate/store/sqlite"
	"github.com/trustgate/trustgate/store/storetest"
)

func sealer(t testing.TB) *secret.Sealer {
	t.Helper()
	s, err := secret.NewSealer(bytes.Repeat([]byte{1}, secret.KeySize), "access keys")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func open(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path, sealer(t))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db := open(t, filepath.Join(t.TempDir(), "trustgate.db"))
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// Secrets must never reach the database file in the clear.
func TestSecretsSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trustgate.db")
	db := open(t, path)
	storetest.SeedForTest(t, db, "plain-secret-never-on-disk")
	db.Close()
	for _, name := range []string{"trustgate.db", "trustgate.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte("plain-secret-never-on-disk")) {
			t.Errorf("%s holds a secret access key in the clear", name)
		}
	}
	db = open(t, path)
	defer db.Close()
	k, err := db.AccessKey(t.Context(), storetest.SeedKeyID)
	if err != nil || k.Secret != "plain-secret-never-on-disk" {
		t.Errorf("after reopening, AccessKey = %+v, %v", k, err)
	}
}

// Reopening runs no migration twice.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trustgate.db")
	open(t, path).Close()
	db := open(t, path)
	db.Close()
}

// TestVersionedBucketsKnownAfterReopen checks that a bucket that had
// versioning is known as one after a restart: a null write there still
// takes the place of the key's noncurrent null version.
func TestVersionedBucketsKnownAfterReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "trustgate.db")
	db := open(t, path)
	storetest.SeedForTest(t, db, "root-secret")
	if err := db.CreateBucket(ctx, &trustgate.Bucket{Name: "kept", Account: storetest.SeedAccount, Region: "us-east-1"}); err != nil {
		t.Fatal(err)
	}
	write := func(db *sqlite.DB, version, blob string) *trustgate.Object {
		t.Helper()
		replaced, err := db.PutObject(ctx, &trustgate.Object{Bucket: "kept", Key: "k", VersionID: version, Blob: blob, ETag: `"e"`}, trustgate.WriteCondition{})
		if err != nil {
			t.Fatal(err)
		}
		return replaced
	}
	write(db, trustgate.NullVersion, "blob-null")
	if err := db.UpdateBucket(ctx, "kept", func(b *trustgate.Bucket) error { b.Versioning = trustgate.VersioningEnabled; return nil }); err != nil {
		t.Fatal(err)
	}
	write(db, "v1", "blob-v1")
	db.Close()

	db = open(t, path)
	defer db.Close()
	if replaced := write(db, trustgate.NullVersion, "blob-null-2"); replaced == nil || replaced.Blob != "blob-null" {
		t.Errorf("a null write after a restart replaced %+v; want the noncurrent null version", replaced)
	}
}

// TestVersionReadsSeeOneMoment reads a key's versions while writes move
// its versions between the current and the noncurrent table: each read
// must see the key as of one moment, never one version twice or a
// version that exists missing.
func TestVersionReadsSeeOneMoment(t *testing.T) {
	ctx := t.Context()
	db := open(t, filepath.Join(t.TempDir(), "trustgate.db"))
	defer db.Close()
	storetest.SeedForTest(t, db, "root-secret")
	if err := db.CreateBucket(ctx, &trustgate.Bucket{Name: "busy", Account: storetest.SeedAccount, Region: "us-east-1", Versioning: trustgate.VersioningEnabled}); err != nil {
		t.Fatal(err)
	}
	write := func(version string) {
		if _, err := db.PutObject(ctx, &trustgate.Object{Bucket: "busy", Key: "k", VersionID: version, ETag: `"e"`}, trustgate.WriteCondition{}); err != nil {
			t.Error(err)
		}
	}
	write("base")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 300 {
			// Each new version demotes base; deleting it promotes base.
			v := fmt.Sprintf("v%d", i)
			write(v)
			if _, err := db.DeleteObjectVersion(ctx, "busy", "k", v, trustgate.WriteCondition{}); err != nil {
				t.Error(err)
			}
		}
	}()
	defer func() { <-done }() // the writes end before the store closes
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if reads == 0 {
				t.Error("no read overlapped the writes")
			}
			return
		default:
		}
		vs, err := db.ObjectVersions(ctx, "busy", "", store.VersionMark{}, 10)
		if err != nil {
			t.Error(err)
			return
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if seen[v.VersionID] {
				t.Errorf("ObjectVersions listed version %s twice", v.VersionID)
				return
			}
			seen[v.VersionID] = true
		}
		if !seen["base"] {
			t.Errorf("ObjectVersions missed version base: %d versions", len(vs))
			return
		}
		if _, err := db.ObjectVersion(ctx, "busy", "k", "base"); err != nil {
			t.Errorf("ObjectVersion(base) while it moved: %v", err)
			return
		}
	}
}
