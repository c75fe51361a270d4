package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// A key's versions: its current one in objects when that is an object,
// the others, delete markers included, in object_versions, oldest first
// by rowid (migration 24).

// versioningMigration is the migration that brought versions in.
const versioningMigration = 24

// mayHaveVersions tells whether bucket has had versioning, and so whether
// its keys may have noncurrent versions.
func (s *DB) mayHaveVersions(bucket string) bool {
	_, ok := s.versioned.Load(bucket)
	return ok
}

// versionColumns are objectColumns as object_versions has them.
const versionColumns = objectColumns + `, delete_marker`

// demoteCurrent moves a key's current object among its noncurrent
// versions, as the newest of them.
func demoteCurrent(ctx context.Context, tx conn, bucket, key string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO object_versions (`+versionColumns+`, body)
		SELECT `+objectColumns+`, 0, body FROM objects WHERE bucket = ? AND key = ?`, bucket, key); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE bucket = ? AND key = ?`, bucket, key)
	return err
}

// removeNoncurrent deletes a noncurrent version of a key, or delete
// marker, and returns it by its ETag, blob and Object Lock; nil when
// there is none.
func removeNoncurrent(ctx context.Context, tx conn, bucket, key, version string) (*trustgate.Object, error) {
	o := trustgate.Object{Bucket: bucket, Key: key, VersionID: version}
	var lock string
	err := tx.QueryRowContext(ctx, `DELETE FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ? RETURNING etag, blob, delete_marker, object_lock`,
		bucket, key, version).Scan(&o.ETag, &o.Blob, &o.DeleteMarker, &lock)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &o, parseObjectLock(lock, &o)
}

// promoteNewest makes a key's newest noncurrent version its current one,
// when the key has no current object and that version is not a delete
// marker: what a key reads as once its current version is deleted.
func promoteNewest(ctx context.Context, tx conn, bucket, key string) error {
	var exists int
	switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM objects WHERE bucket = ? AND key = ?`, bucket, key).Scan(&exists); {
	case err == nil:
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var rowid int64
	var marker bool
	switch err := tx.QueryRowContext(ctx, `SELECT rowid, delete_marker FROM object_versions WHERE bucket = ? AND key = ? ORDER BY rowid DESC LIMIT 1`,
		bucket, key).Scan(&rowid, &marker); {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case marker:
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO objects (`+objectColumns+`, body)
		SELECT `+objectColumns+`, body FROM object_versions WHERE rowid = ?`, rowid); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM object_versions WHERE rowid = ?`, rowid)
	return err
}

// ObjectVersion implements store.Store. It is one statement, so that it
// reads the key as of one moment, while a write may move the version
// from one table to the other.
func (s *DB) ObjectVersion(ctx context.Context, bucket, key, version string) (*trustgate.Object, error) {
	o, err := scanVersion(s.q.QueryRowContext(ctx, `SELECT `+objectColumns+`, 0, 1, body FROM objects WHERE bucket = ? AND key = ? AND version_id = ?
		UNION ALL SELECT `+versionColumns+`, `+isLatest+`, body FROM object_versions v WHERE bucket = ? AND key = ? AND version_id = ? LIMIT 1`,
		bucket, key, version, bucket, key, version), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("object %s/%s version %q: %w", bucket, key, version, trustgate.ErrNotFound)
	}
	return o, err
}

// snapshot runs read on one reader connection in a read transaction, so
// that its queries see the database as of one moment: a write between
// two of them could move a version from one table to the other, listing
// it twice or not at all. Within Atomically it runs in the writer's
// transaction.
func (s *DB) snapshot(ctx context.Context, read func(q conn) error) error {
	if s.in != nil {
		return read(*s.in)
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
	q := conn{statements: &statements{db: c, prepared: map[string]*sql.Stmt{}}}
	defer q.statements.close()
	return read(q)
}

// isLatest is whether a row of object_versions v is its key's latest
// version: the newest of a key without a current object.
const isLatest = `(NOT EXISTS (SELECT 1 FROM objects o WHERE o.bucket = v.bucket AND o.key = v.key) AND
	v.rowid = (SELECT max(rowid) FROM object_versions w WHERE w.bucket = v.bucket AND w.key = v.key))`

// scanVersion reads versionColumns, isLatest and, withBody, the body.
func scanVersion(row interface{ Scan(...any) error }, withBody bool) (*trustgate.Object, error) {
	var o trustgate.Object
	more := []any{&o.DeleteMarker, &o.IsLatest}
	if withBody {
		more = append(more, &o.Inline)
	}
	if err := scanObjectRow(row, &o, more...); err != nil {
		return nil, err
	}
	return &o, nil
}

// DeleteObjectVersion implements store.Store.
func (s *DB) DeleteObjectVersion(ctx context.Context, bucket, key, version string, cond trustgate.WriteCondition) (deleted *trustgate.Object, err error) {
	err = s.tx(ctx, func(tx conn) error {
		deleted, err = scanObjectBody(tx.QueryRowContext(ctx, `SELECT `+objectColumns+` FROM objects WHERE bucket = ? AND key = ? AND version_id = ?`,
			bucket, key, version), false)
		current := err == nil
		if errors.Is(err, sql.ErrNoRows) {
			deleted, err = scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionColumns+`, 0 FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?`,
				bucket, key, version), false)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			deleted = nil
			if cond.IfMatch != "" {
				return cond.Check(nil)
			}
			return fmt.Errorf("object %s/%s version %q: %w", bucket, key, version, trustgate.ErrNotFound)
		case err != nil:
			return err
		}
		if err := cond.Check(deleted); err != nil {
			return err
		}
		table := "object_versions"
		if current {
			table = "objects"
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE bucket = ? AND key = ? AND version_id = ?`, bucket, key, version); err != nil {
			return err
		}
		return promoteNewest(ctx, tx, bucket, key)
	})
	return deleted, err
}

// ExpireVersion implements store.Store.
func (s *DB) ExpireVersion(ctx context.Context, v *trustgate.Object, keep int, now time.Time) (expired bool, err error) {
	err = s.tx(ctx, func(tx conn) error {
		expired = false
		var rowid int64
		var marker bool
		stored := trustgate.Object{Bucket: v.Bucket, Key: v.Key}
		switch err := scanObjectRow(tx.QueryRowContext(ctx, `SELECT `+versionColumns+`, rowid FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?`,
			v.Bucket, v.Key, v.VersionID), &stored, &marker, &rowid); {
		case errors.Is(err, sql.ErrNoRows):
			return nil // gone, or current again
		case err != nil:
			return err
		}
		if marker != v.DeleteMarker || !stored.LastModified.Equal(v.LastModified) {
			return nil // another version of the same id since
		}
		if stored.Protected(now, false) {
			return nil // a lifecycle rule never deletes a locked version
		}
		// A version is noncurrent while the key has a current object or
		// a newer version; a delete marker expires only while it is all
		// the key has.
		var current, newer int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM objects WHERE bucket = ? AND key = ?),
			(SELECT count(*) FROM object_versions WHERE bucket = ? AND key = ? AND rowid > ?)`,
			v.Bucket, v.Key, v.Bucket, v.Key, rowid).Scan(&current, &newer); err != nil {
			return err
		}
		others := current + newer
		if v.IsLatest {
			var older int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM object_versions WHERE bucket = ? AND key = ? AND rowid < ?`,
				v.Bucket, v.Key, rowid).Scan(&older); err != nil {
				return err
			}
			if !marker || others > 0 || older > 0 {
				return nil
			}
		} else if others == 0 || newer-(1-current) < keep {
			// Noncurrent, but without the newer noncurrent versions to
			// keep (the newest row is the latest when there is no current
			// object).
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM object_versions WHERE rowid = ?`, rowid); err != nil {
			return err
		}
		expired = true
		return nil
	})
	return expired, err
}

// ChangeObjectLock implements store.Store.
func (s *DB) ChangeObjectLock(ctx context.Context, bucket, key, version string, change func(*trustgate.Object) error) error {
	return s.tx(ctx, func(tx conn) error {
		table := "objects"
		o, err := scanObjectBody(tx.QueryRowContext(ctx, `SELECT `+objectColumns+` FROM objects WHERE bucket = ? AND key = ? AND version_id = ?`,
			bucket, key, version), false)
		if errors.Is(err, sql.ErrNoRows) {
			table = "object_versions"
			o, err = scanObjectBody(tx.QueryRowContext(ctx, `SELECT `+objectColumns+` FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0`,
				bucket, key, version), false)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("object %s/%s version %q: %w", bucket, key, version, trustgate.ErrNotFound)
		case err != nil:
			return err
		}
		if err := change(o); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET object_lock = ? WHERE bucket = ? AND key = ? AND version_id = ?`, objectLockColumn(o), bucket, key, version)
		return err
	})
}

// ObjectVersions implements store.Store. A key's current object comes
// before its rows of object_versions, which come newest first.
func (s *DB) ObjectVersions(ctx context.Context, bucket, prefix string, after store.VersionMark, limit int) (out []*trustgate.Object, err error) {
	err = s.snapshot(ctx, func(q conn) error {
		out, err = objectVersions(ctx, q, bucket, prefix, after, limit)
		return err
	})
	return out, err
}

// objectVersions lists versions for ObjectVersions, with its queries on q.
func objectVersions(ctx context.Context, q conn, bucket, prefix string, after store.VersionMark, limit int) ([]*trustgate.Object, error) {
	// Within the key after names, the versions older than its mark: all
	// of them when the mark is the current object, none when there is no
	// mark in the key. A mark that names a version no longer there (the
	// page before it was deleted) resumes at the key's newest version.
	var below int64
	skip := after.Key // the key whose current object is not listed
	if after.InKey {
		below = math.MaxInt64
		err := q.QueryRowContext(ctx, `SELECT rowid FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?`,
			bucket, after.Key, after.Version).Scan(&below)
		if errors.Is(err, sql.ErrNoRows) {
			var v string
			err = q.QueryRowContext(ctx, `SELECT version_id FROM objects WHERE bucket = ? AND key = ? AND version_id = ?`,
				bucket, after.Key, after.Version).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				skip, err = "", nil
			}
		}
		if err != nil {
			return nil, err
		}
	}
	from := max(prefix, after.Key)
	bound, args := "", []any{}
	if end, ok := prefixEnd(prefix); ok {
		bound, args = ` AND key < ?`, []any{end}
	}
	current, err := queryAll(ctx, q, scanObject, `SELECT `+objectColumns+` FROM objects WHERE bucket = ? AND key >= ? AND key != ?`+bound+` ORDER BY key LIMIT ?`,
		append(append([]any{bucket, from, skip}, args...), limit)...)
	if err != nil {
		return nil, err
	}
	older, err := queryAll(ctx, q, func(row interface{ Scan(...any) error }) (*trustgate.Object, error) { return scanVersion(row, false) },
		`SELECT `+versionColumns+`, `+isLatest+` FROM object_versions v WHERE bucket = ? AND key >= ? AND NOT (key = ? AND rowid >= ?)`+bound+` ORDER BY key, rowid DESC LIMIT ?`,
		append(append([]any{bucket, from, after.Key, below}, args...), limit)...)
	if err != nil {
		return nil, err
	}
	out := make([]*trustgate.Object, 0, min(limit, len(current)+len(older)))
	for len(out) < limit && (len(current) > 0 || len(older) > 0) {
		if len(older) == 0 || len(current) > 0 && current[0].Key <= older[0].Key {
			current[0].IsLatest = true
			out, current = append(out, current[0]), current[1:]
		} else {
			out, older = append(out, older[0]), older[1:]
		}
	}
	return out, nil
}
