package sqlite

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store/storetest"
)

// Objects written before migration 18 moved them to a rowid table are
// all there after it, bodies and all, and their keys stay unique: a put
// over one replaces it and names the blob it replaced.
func TestObjectsKeptAcrossRowidMigration(t *testing.T) {
	sealer := testSealer(t)
	path := filepath.Join(t.TempDir(), "trustgate.db")
	old, err := open(path, sealer, 17)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	storetest.SeedForTest(t, old, "root-secret")
	when := time.Unix(1700000000, 0).UTC()
	// The bucket and its objects are written as the schema of migration
	// 17 holds them: the store's own writes fill the columns of the
	// migrations after it.
	pab, tags, _, _ := bucketJSON(&trustgate.Bucket{})
	if _, err := old.db.Exec(`INSERT INTO buckets (name, account_id, region, created_at, policy, public_access_block, tags)
		VALUES ('sunsets', '111111111111', 'us-east-1', ?, '', ?, ?)`, unix(when), pab, tags); err != nil {
		t.Fatal(err)
	}
	objects := []*trustgate.Object{
		{Bucket: "sunsets", Key: "inline.txt", Size: 5, ETag: `"e1"`, ContentType: "text/plain", LastModified: when,
			Metadata: map[string]string{"owner": "ana"}, Headers: map[string]string{}, Inline: []byte("hello"),
			Tags: []trustgate.Tag{{Key: "team", Value: "photo"}}},
		{Bucket: "sunsets", Key: "large.jpg", Size: 1 << 20, ETag: `"e2"`, ContentType: "image/jpeg", LastModified: when,
			Metadata: map[string]string{}, Headers: map[string]string{"Cache-Control": "no-cache"}, Blob: "blob-large"},
	}
	rows := []struct {
		key, etag, contentType, metadata, headers, blob, tags string
		size                                                  int64
		body                                                  any
	}{
		{"inline.txt", `"e1"`, "text/plain", `{"owner":"ana"}`, `{}`, "", `[{"Key":"team","Value":"photo"}]`, 5, []byte("hello")},
		{"large.jpg", `"e2"`, "image/jpeg", `{}`, `{"Cache-Control":"no-cache"}`, "blob-large", `[]`, 1 << 20, nil},
	}
	for _, r := range rows {
		if _, err := old.db.Exec(`INSERT INTO objects (bucket, key, size, etag, content_type, last_modified, metadata, headers, blob, tags, body)
			VALUES ('sunsets', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.key, r.size, r.etag, r.contentType, unix(when), r.metadata, r.headers, r.blob, r.tags, r.body); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	db, err := Open(path, sealer)
	if err != nil {
		t.Fatalf("migrating a database with objects: %v", err)
	}
	defer db.Close()
	for _, want := range objects {
		got, err := db.Object(ctx, want.Bucket, want.Key)
		if err != nil {
			t.Fatalf("Object(%s) after the migration: %v", want.Key, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Object(%s) after the migration = %+v, want %+v", want.Key, got, want)
		}
	}
	replaced, err := db.PutObject(ctx, &trustgate.Object{Bucket: "sunsets", Key: "large.jpg", ETag: `"e3"`, LastModified: when, Inline: []byte("x")}, trustgate.WriteCondition{})
	if err != nil || replaced == nil || replaced.Blob != "blob-large" {
		t.Fatalf("PutObject over large.jpg replaced %+v, %v; want blob-large", replaced, err)
	}
	listed, err := db.Objects(ctx, "sunsets", "", "", 10)
	if err != nil || len(listed) != 2 || listed[0].Key != "inline.txt" || listed[1].ETag != `"e3"` {
		t.Errorf("Objects after replacing large.jpg = %+v, %v; want inline.txt and the new large.jpg", listed, err)
	}
}
