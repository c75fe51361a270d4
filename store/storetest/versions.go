package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// testVersions walks one key through S3's versioning: a null version,
// versions kept under the ones that follow, delete markers, a null
// version written again, and versions deleted one by one.
func testVersions(t *testing.T, s store.Store) {
	seed(t, s)
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "history", Account: mgmt, Region: "us-east-1", CreatedAt: t0, Versioning: trustgate.VersioningEnabled}); err != nil {
		t.Fatal(err)
	}
	n := 0
	write := func(key, version string, marker bool) *trustgate.Object {
		t.Helper()
		n++
		o := &trustgate.Object{Bucket: "history", Key: key, VersionID: version, DeleteMarker: marker, LastModified: t0.Add(time.Duration(n) * time.Second)}
		if !marker {
			o.Size, o.ETag, o.Blob = 1, fmt.Sprintf(`"e%d"`, n), fmt.Sprintf("blob-%d", n)
		}
		replaced, err := s.PutObject(ctx, o, trustgate.WriteCondition{})
		if err != nil {
			t.Fatalf("PutObject(%s %q): %v", key, version, err)
		}
		return replaced
	}
	// listed is the key's versions, newest first, as "id" ("null" for the
	// null version), with "*" for the latest and "-" for a delete marker.
	listed := func(prefix string) []string {
		t.Helper()
		vs, err := s.ObjectVersions(ctx, "history", prefix, store.VersionMark{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, describe(v))
		}
		return out
	}
	want := func(what string, got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("versions %s = %v; want %v", what, got, want)
		}
	}
	current := func() string {
		t.Helper()
		o, err := s.Object(ctx, "history", "a.txt")
		if errors.Is(err, trustgate.ErrNotFound) {
			return "none"
		}
		if err != nil {
			t.Fatal(err)
		}
		return describe(o)
	}

	if r := write("a.txt", "", false); r != nil {
		t.Errorf("the first PutObject replaced %+v", r)
	}
	if r := write("a.txt", "v1", false); r != nil {
		t.Errorf("a versioned PutObject replaced %+v; want the null version kept", r)
	}
	write("a.txt", "v2", false)
	want("after two versioned writes", listed(""), "v2*", "v1", "null")
	if got := current(); got != "v2" {
		t.Errorf("Object = %s; want v2", got)
	}
	if o, err := s.ObjectVersion(ctx, "history", "a.txt", ""); err != nil || o.ETag != `"e1"` || o.IsLatest || string(o.Blob) != "blob-1" {
		t.Errorf("ObjectVersion(null) = %+v, %v; want the first write, not the latest", o, err)
	}

	write("a.txt", "m1", true)
	want("after a delete marker", listed(""), "m1*-", "v2", "v1", "null")
	if got := current(); got != "none" {
		t.Errorf("Object under a delete marker = %s; want ErrNotFound", got)
	}
	// A null write takes the place of the noncurrent null version.
	if r := write("a.txt", "", false); r == nil || r.Blob != "blob-1" {
		t.Errorf("a null PutObject replaced %+v; want the old null version, blob-1", r)
	}
	want("after a null write", listed(""), "null*", "m1-", "v2", "v1")
	// A null delete marker takes the place of the current null version.
	if r := write("a.txt", "", true); r == nil || r.Blob != "blob-5" {
		t.Errorf("a null delete marker replaced %+v; want the current null version, blob-5", r)
	}
	want("after a null delete marker", listed(""), "null*-", "m1-", "v2", "v1")

	if err := s.SetObjectTags(ctx, "history", "a.txt", "v1", []trustgate.Tag{{Key: "old", Value: "yes"}}); err != nil {
		t.Fatal(err)
	}
	if o, err := s.ObjectVersion(ctx, "history", "a.txt", "v1"); err != nil || len(o.Tags) != 1 {
		t.Errorf("a noncurrent version after SetObjectTags = %+v, %v", o, err)
	}
	wantErr(t, "SetObjectTags of a delete marker", s.SetObjectTags(ctx, "history", "a.txt", "m1", nil), trustgate.ErrNotFound)
	if in, err := s.BlobsInUse(ctx); err != nil || !in["blob-2"] || !in["blob-3"] || in["blob-5"] {
		t.Errorf("BlobsInUse = %v, %v; want the noncurrent versions' blobs", in, err)
	}
	_, err := s.DeleteBucket(ctx, "history")
	wantErr(t, "DeleteBucket holding only noncurrent versions", err, trustgate.ErrConflict)

	// Paging: after a version within a key, and after a whole key.
	write("b.txt", "w1", false)
	for _, page := range []struct {
		after store.VersionMark
		want  []string
	}{
		{store.VersionMark{Key: "a.txt", Version: "m1", InKey: true}, []string{"v2", "v1"}},
		{store.VersionMark{Key: "a.txt", Version: "v1", InKey: true}, []string{"w1*"}},
		{store.VersionMark{Key: "a.txt"}, []string{"w1*"}},
	} {
		vs, err := s.ObjectVersions(ctx, "history", "", page.after, 2)
		var got []string
		for _, v := range vs {
			got = append(got, describe(v))
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(page.want) {
			t.Errorf("ObjectVersions after %+v = %v, %v; want %v", page.after, got, err, page.want)
		}
	}
	vs, err := s.ObjectVersions(ctx, "history", "", store.VersionMark{Key: "a.txt", Version: "gone", InKey: true}, 1)
	if err != nil || len(vs) != 1 || describe(vs[0]) != "null*-" {
		t.Errorf("ObjectVersions after a version no longer there = %v, %v; want the key's newest, null*-", vs, err)
	}
	want("of one prefix", listed("b"), "w1*")

	// Deleting versions: the newest left becomes current, unless it is
	// a delete marker.
	for _, step := range []struct {
		version, current string
		marker           bool
	}{{"", "none", true}, {"m1", "v2", true}, {"v2", "v1", false}, {"v1", "none", false}} {
		d, err := s.DeleteObjectVersion(ctx, "history", "a.txt", step.version, trustgate.WriteCondition{})
		if err != nil || d.DeleteMarker != step.marker {
			t.Errorf("DeleteObjectVersion(%q) = %+v, %v; want a delete marker: %v", step.version, d, err, step.marker)
		}
		if got := current(); got != step.current {
			t.Errorf("Object after DeleteObjectVersion(%q) = %s; want %s", step.version, got, step.current)
		}
	}
	_, err = s.DeleteObjectVersion(ctx, "history", "a.txt", "v1", trustgate.WriteCondition{})
	wantErr(t, "DeleteObjectVersion of a version deleted", err, trustgate.ErrNotFound)
	want("of a key whose versions are all deleted", listed("a"))

	// DeleteObject, for buckets without versioning, keeps a key's other
	// versions visible should it reach one that has them (a delete that
	// raced versioning being enabled).
	write("c.txt", "", false)
	write("c.txt", "x1", false)
	if _, err := s.DeleteObject(ctx, "history", "c.txt", trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	want("after DeleteObject of a versioned key", listed("c"), "null*")

	// ExpireVersion takes a version only as it was listed: noncurrent,
	// or a delete marker alone.
	write("d.txt", "", false)
	write("d.txt", "y1", false)
	write("d.txt", "y2", false)
	versionOf := func(key, id string) *trustgate.Object {
		t.Helper()
		vs, err := s.ObjectVersions(ctx, "history", key, store.VersionMark{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Key == key && v.VersionID == id {
				return v
			}
		}
		t.Fatalf("no version %q of %s", id, key)
		return nil
	}
	expire := func(why string, v *trustgate.Object, want bool) {
		t.Helper()
		if gone, err := s.ExpireVersion(ctx, v, 0, t0); err != nil || gone != want {
			t.Errorf("ExpireVersion of %s = %v, %v; want %v", why, gone, err, want)
		}
	}
	y1, null := versionOf("d.txt", "y1"), versionOf("d.txt", "")
	stale := *null
	stale.LastModified = stale.LastModified.Add(time.Second)
	expire("a version listed with another time", &stale, false)
	expire("a noncurrent version", y1, true)
	if _, err := s.DeleteObjectVersion(ctx, "history", "d.txt", "y2", trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	expire("a version current again since it was listed", null, false)
	want("after the expirations", listed("d"), "null*")
	write("e.txt", "m-e", true)
	expire("a delete marker alone", versionOf("e.txt", "m-e"), true)
	write("f.txt", "", false)
	write("f.txt", "m-f", true)
	expire("a delete marker over a version", versionOf("f.txt", "m-f"), false)
	// With newer noncurrent versions to keep, only while they remain.
	write("g.txt", "g1", false)
	write("g.txt", "g2", false)
	write("g.txt", "g3", false)
	g1 := versionOf("g.txt", "g1")
	if gone, err := s.ExpireVersion(ctx, g1, 2, t0); err != nil || gone {
		t.Errorf("ExpireVersion keeping 2 newer noncurrent versions, with 1 = %v, %v; want it kept", gone, err)
	}
	if gone, err := s.ExpireVersion(ctx, g1, 1, t0); err != nil || !gone {
		t.Errorf("ExpireVersion keeping 1 newer noncurrent version, with 1 = %v, %v; want it gone", gone, err)
	}
	if o, err := s.Object(ctx, "history", "c.txt"); err != nil || o.VersionID != trustgate.NullVersion {
		t.Errorf("Object after DeleteObject of a versioned key = %+v, %v; want the null version current", o, err)
	}
}

// describe names a version as testVersions lists them.
func describe(o *trustgate.Object) string {
	s := o.VersionID
	if s == trustgate.NullVersion {
		s = "null"
	}
	if o.IsLatest {
		s += "*"
	}
	if o.DeleteMarker {
		s += "-"
	}
	return s
}

// testObjectLock keeps a bucket's Object Lock configuration and each
// version's retention and legal hold, and refuses to delete or expire a
// version they protect.
func testObjectLock(t *testing.T, s store.Store) {
	seed(t, s)
	lock := trustgate.BucketObjectLock{Enabled: true, DefaultMode: trustgate.Governance, DefaultDays: 3}
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "vault", Account: mgmt, Region: "us-east-1", CreatedAt: t0,
		Versioning: trustgate.VersioningEnabled, ObjectLock: lock}); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Bucket(ctx, "vault"); err != nil || b.ObjectLock != lock {
		t.Fatalf("Bucket = %+v, %v; want Object Lock %+v", b, err, lock)
	}
	until := t0.Add(48 * time.Hour)
	put := func(version string, r trustgate.Retention, hold string) {
		t.Helper()
		o := &trustgate.Object{Bucket: "vault", Key: "ledger", VersionID: version, LastModified: t0, ETag: `"e"`, Retention: r, LegalHold: hold}
		if _, err := s.PutObject(ctx, o, trustgate.WriteCondition{}); err != nil {
			t.Fatal(err)
		}
	}
	put("kept", trustgate.Retention{Mode: trustgate.Compliance, Until: until}, "")
	put("held", trustgate.Retention{}, trustgate.LegalHoldOn)
	put("free", trustgate.Retention{}, "")

	if o, err := s.ObjectVersion(ctx, "vault", "ledger", "kept"); err != nil || o.Retention.Mode != trustgate.Compliance || !o.Retention.Until.Equal(until) {
		t.Errorf("ObjectVersion of a noncurrent version = %+v, %v; want its retention kept", o, err)
	}
	if o, err := s.Object(ctx, "vault", "ledger"); err != nil || o.Retention != (trustgate.Retention{}) || o.LegalHold != "" {
		t.Errorf("Object = %+v, %v; want no Object Lock", o, err)
	}

	// A deletion at a moment the lock protects the version is refused;
	// a governance retention gives way to a caller who bypasses it.
	during := trustgate.WriteCondition{LockedAt: t0.Add(time.Hour)}
	_, err := s.DeleteObjectVersion(ctx, "vault", "ledger", "kept", during)
	wantErr(t, "DeleteObjectVersion under compliance retention", err, trustgate.ErrLocked)
	_, err = s.DeleteObjectVersion(ctx, "vault", "ledger", "held", trustgate.WriteCondition{LockedAt: t0.Add(1000 * time.Hour), BypassGovernance: true})
	wantErr(t, "DeleteObjectVersion under a legal hold", err, trustgate.ErrLocked)

	// A change sees the version as it is, and may refuse.
	refused := errors.New("refused")
	if err := s.ChangeObjectLock(ctx, "vault", "ledger", "kept", func(o *trustgate.Object) error {
		if o.Retention.Mode != trustgate.Compliance {
			t.Errorf("ChangeObjectLock saw %+v; want the compliance retention", o.Retention)
		}
		o.Retention = trustgate.Retention{}
		return refused
	}); !errors.Is(err, refused) {
		t.Errorf("ChangeObjectLock refused by its change = %v; want that refusal", err)
	}
	if err := s.ChangeObjectLock(ctx, "vault", "ledger", "kept", func(o *trustgate.Object) error {
		o.Retention.Mode = trustgate.Governance
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeObjectLock(ctx, "vault", "ledger", "held", func(o *trustgate.Object) error {
		o.LegalHold = trustgate.LegalHoldOff
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if o, err := s.ObjectVersion(ctx, "vault", "ledger", "held"); err != nil || o.LegalHold != trustgate.LegalHoldOff {
		t.Errorf("ObjectVersion after lifting the hold = %+v, %v; want LegalHold OFF", o, err)
	}
	err = s.ChangeObjectLock(ctx, "vault", "ledger", "nope", func(*trustgate.Object) error { return nil })
	wantErr(t, "ChangeObjectLock of a missing version", err, trustgate.ErrNotFound)

	// A lifecycle rule does not expire a version its retention protects.
	kept, err := s.ObjectVersion(ctx, "vault", "ledger", "kept")
	if err != nil {
		t.Fatal(err)
	}
	if gone, err := s.ExpireVersion(ctx, kept, 0, t0.Add(time.Hour)); err != nil || gone {
		t.Errorf("ExpireVersion under retention = %v, %v; want it kept", gone, err)
	}
	if _, err := s.DeleteObjectVersion(ctx, "vault", "ledger", "kept", trustgate.WriteCondition{LockedAt: t0.Add(time.Hour), BypassGovernance: true}); err != nil {
		t.Errorf("DeleteObjectVersion bypassing a governance retention: %v", err)
	}
	if gone, err := s.ExpireVersion(ctx, kept, 0, until); err != nil || gone {
		t.Errorf("ExpireVersion of a version deleted = %v, %v; want nothing to do", gone, err)
	}
	held, err := s.ObjectVersion(ctx, "vault", "ledger", "held")
	if err != nil {
		t.Fatal(err)
	}
	if gone, err := s.ExpireVersion(ctx, held, 0, t0); err != nil || !gone {
		t.Errorf("ExpireVersion of a version whose hold was lifted = %v, %v; want it gone", gone, err)
	}

	// A write of the null version never replaces a locked null version,
	// current or not, and DeleteObject leaves a locked object: a writer
	// that read its bucket before versioning and Object Lock came.
	locked := &trustgate.Object{Bucket: "vault", Key: "old", VersionID: trustgate.NullVersion, LastModified: t0, ETag: `"n"`, Blob: "null-body",
		Retention: trustgate.Retention{Mode: trustgate.Compliance, Until: until}}
	if _, err := s.PutObject(ctx, locked, trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	over := &trustgate.Object{Bucket: "vault", Key: "old", VersionID: trustgate.NullVersion, LastModified: t0.Add(time.Hour), ETag: `"o"`, Blob: "over"}
	_, err = s.PutObject(ctx, over, trustgate.WriteCondition{})
	wantErr(t, "PutObject of the null version over a locked one", err, trustgate.ErrLocked)
	_, err = s.DeleteObject(ctx, "vault", "old", trustgate.WriteCondition{LockedAt: t0.Add(time.Hour)})
	wantErr(t, "DeleteObject of a locked object", err, trustgate.ErrLocked)
	if _, err := s.PutObject(ctx, &trustgate.Object{Bucket: "vault", Key: "old", VersionID: "newer", LastModified: t0.Add(time.Hour), ETag: `"v"`}, trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	_, err = s.PutObject(ctx, over, trustgate.WriteCondition{})
	wantErr(t, "PutObject of the null version over a locked noncurrent one", err, trustgate.ErrLocked)
	if o, err := s.ObjectVersion(ctx, "vault", "old", trustgate.NullVersion); err != nil || o.Blob != "null-body" || o.Retention != locked.Retention {
		t.Errorf("the locked null version after refused writes = %+v, %v; want it as it was", o, err)
	}
	if _, err := s.PutObject(ctx, &trustgate.Object{Bucket: "vault", Key: "old", VersionID: trustgate.NullVersion, LastModified: until, ETag: `"late"`}, trustgate.WriteCondition{}); err != nil {
		t.Errorf("PutObject of the null version once its retention ran out: %v", err)
	}
}

// testReplication: a version written pending replication is listed
// until it is settled, in the order versions were written, delete markers
// too; the status settled is the version's, current or not. A version
// queued again while a run had it listed stays pending when that run
// settles it.
func testReplication(t *testing.T, s store.Store) {
	seed(t, s)
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "source", Account: mgmt, Region: "us-east-1", CreatedAt: t0,
		Versioning: trustgate.VersioningEnabled}); err != nil {
		t.Fatal(err)
	}
	put := func(key, version string, marker bool, status trustgate.ReplicationStatus) {
		t.Helper()
		o := &trustgate.Object{Bucket: "source", Key: key, VersionID: version, LastModified: t0, ETag: `"e"`, DeleteMarker: marker, Replication: status}
		if _, err := s.PutObject(ctx, o, trustgate.WriteCondition{}); err != nil {
			t.Fatal(err)
		}
	}
	list := func() map[string]store.PendingReplication {
		t.Helper()
		entries, err := s.PendingReplications(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]store.PendingReplication{}
		for _, p := range entries {
			m[p.Key+"@"+p.VersionID] = p
		}
		return m
	}
	pending := func(want ...string) {
		t.Helper()
		entries, err := s.PendingReplications(ctx, 10)
		var got []string
		for _, p := range entries {
			got = append(got, p.Key+"@"+p.VersionID)
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("PendingReplications = %v, %v; want %v", got, err, want)
		}
	}
	status := func(key, version string) trustgate.ReplicationStatus {
		t.Helper()
		o, err := s.ObjectVersion(ctx, "source", key, version)
		if err != nil {
			t.Fatal(err)
		}
		return o.Replication
	}
	settle := func(p store.PendingReplication, st trustgate.ReplicationStatus) {
		t.Helper()
		if err := s.SettleReplication(ctx, p, st); err != nil {
			t.Fatal(err)
		}
	}
	put("b", "1", false, trustgate.ReplicationPending)
	put("a", "2", false, trustgate.ReplicationPending)
	put("c", "3", false, "")
	put("b", "4", true, trustgate.ReplicationPending)
	pending("b@1", "a@2", "b@4")
	if entries, err := s.PendingReplications(ctx, 1); err != nil || len(entries) != 1 || entries[0].VersionRef != (store.VersionRef{Bucket: "source", Key: "b", VersionID: "1"}) {
		t.Errorf("PendingReplications(1) = %v, %v; want the oldest alone", entries, err)
	}

	// b@1 is noncurrent now, under b's delete marker.
	first := list()
	settle(first["b@1"], trustgate.ReplicationCompleted)
	settle(first["a@2"], trustgate.ReplicationFailed)
	pending("b@4")
	if st := status("b", "1"); st != trustgate.ReplicationCompleted {
		t.Errorf("status of a noncurrent version replicated = %q; want COMPLETED", st)
	}
	if st := status("a", "2"); st != trustgate.ReplicationFailed {
		t.Errorf("status of a version whose replication failed = %q; want FAILED", st)
	}
	if st := status("c", "3"); st != "" {
		t.Errorf("status of a version written without replication = %q; want none", st)
	}

	// Queued again for a change: at the end of the list, pending.
	b1 := store.VersionRef{Bucket: "source", Key: "b", VersionID: "1"}
	if err := s.QueueReplication(ctx, b1, trustgate.ReplicationPending); err != nil {
		t.Fatal(err)
	}
	pending("b@4", "b@1")
	if st := status("b", "1"); st != trustgate.ReplicationPending {
		t.Errorf("status of a version queued again = %q; want PENDING", st)
	}
	// A run that listed it, then saw it queued again before it settled it,
	// leaves it pending for the next.
	listed := list()["b@1"]
	if err := s.QueueReplication(ctx, b1, trustgate.ReplicationPending); err != nil {
		t.Fatal(err)
	}
	settle(listed, trustgate.ReplicationCompleted)
	pending("b@4", "b@1")
	if st := status("b", "1"); st != trustgate.ReplicationPending {
		t.Errorf("status of a version queued again while it was replicated = %q; want PENDING", st)
	}
	settle(list()["b@1"], trustgate.ReplicationCompleted)
	if st := status("b", "1"); st != trustgate.ReplicationCompleted {
		t.Errorf("status once settled = %q; want COMPLETED", st)
	}

	// A version deleted before it was replicated is only taken off; one
	// that is not there is never queued.
	marker := list()["b@4"]
	if _, err := s.DeleteObjectVersion(ctx, "source", "b", "4", trustgate.WriteCondition{}); err != nil {
		t.Fatal(err)
	}
	settle(marker, trustgate.ReplicationCompleted)
	if err := s.QueueReplication(ctx, store.VersionRef{Bucket: "source", Key: "b", VersionID: "4"}, trustgate.ReplicationPending); err != nil {
		t.Fatal(err)
	}
	pending()
	// A replica is written with its status and is never pending.
	put("d", "5", false, trustgate.ReplicationReplica)
	pending()
	if st := status("d", "5"); st != trustgate.ReplicationReplica {
		t.Errorf("status of a replica = %q; want REPLICA", st)
	}
	// A replica queued for its changes to go back shows what it is.
	d5 := store.VersionRef{Bucket: "source", Key: "d", VersionID: "5"}
	if err := s.QueueReplication(ctx, d5, trustgate.ReplicationReplica); err != nil {
		t.Fatal(err)
	}
	pending("d@5")
	if st := status("d", "5"); st != trustgate.ReplicationReplica {
		t.Errorf("status of a replica queued = %q; want REPLICA", st)
	}
}
