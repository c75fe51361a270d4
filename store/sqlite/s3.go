package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

const bucketColumns = `name, account_id, region, location_constraint, created_at, policy, public_access_block, tags, encryption, cors, versioning, mfa_delete, lifecycle, lifecycle_minimum_size, object_lock, website, logging, replication, requester_pays, accelerate, notification, abac`

func scanBucket(row interface{ Scan(...any) error }) (*trustgate.Bucket, error) {
	var b trustgate.Bucket
	var created int64
	var pab, tags, enc, cors, lifecycle, lock, website, logging, replication, notification string
	if err := row.Scan(&b.Name, &b.Account, &b.Region, &b.LocationConstraint, &created, &b.Policy, &pab, &tags, &enc, &cors, &b.Versioning, &b.MFADelete, &lifecycle, &b.LifecycleMinimumSize, &lock, &website, &logging, &replication, &b.RequesterPays, &b.Accelerate, &notification, &b.ABAC); err != nil {
		return nil, err
	}
	b.CreatedAt = fromUnix(created)
	if err := json.Unmarshal([]byte(pab), &b.PublicAccessBlock); err != nil {
		return nil, fmt.Errorf("bucket %s: public access block: %w", b.Name, err)
	}
	if err := json.Unmarshal([]byte(tags), &b.Tags); err != nil {
		return nil, fmt.Errorf("bucket %s: tags: %w", b.Name, err)
	}
	if len(b.Tags) == 0 {
		b.Tags = nil
	}
	if err := json.Unmarshal([]byte(enc), &b.Encryption); err != nil {
		return nil, fmt.Errorf("bucket %s: encryption: %w", b.Name, err)
	}
	if err := json.Unmarshal([]byte(cors), &b.CORS); err != nil {
		return nil, fmt.Errorf("bucket %s: CORS: %w", b.Name, err)
	}
	if len(b.CORS) == 0 {
		b.CORS = nil
	}
	if lifecycle != "[]" {
		if err := json.Unmarshal([]byte(lifecycle), &b.Lifecycle); err != nil {
			return nil, fmt.Errorf("bucket %s: lifecycle: %w", b.Name, err)
		}
	}
	if lock != "{}" {
		if err := json.Unmarshal([]byte(lock), &b.ObjectLock); err != nil {
			return nil, fmt.Errorf("bucket %s: object lock: %w", b.Name, err)
		}
	}
	if website != "" {
		if err := json.Unmarshal([]byte(website), &b.Website); err != nil {
			return nil, fmt.Errorf("bucket %s: website: %w", b.Name, err)
		}
	}
	if logging != "" {
		if err := json.Unmarshal([]byte(logging), &b.Logging); err != nil {
			return nil, fmt.Errorf("bucket %s: logging: %w", b.Name, err)
		}
	}
	if replication != "" {
		if err := json.Unmarshal([]byte(replication), &b.Replication); err != nil {
			return nil, fmt.Errorf("bucket %s: replication: %w", b.Name, err)
		}
	}
	if notification != "" {
		if err := json.Unmarshal([]byte(notification), &b.Notification); err != nil {
			return nil, fmt.Errorf("bucket %s: notification: %w", b.Name, err)
		}
	}
	return &b, nil
}

// lifecycleJSON encodes a bucket's lifecycle rules.
func lifecycleJSON(b *trustgate.Bucket) string {
	if len(b.Lifecycle) == 0 {
		return "[]"
	}
	j, _ := json.Marshal(b.Lifecycle)
	return string(j)
}

// objectLockJSON encodes a bucket's Object Lock configuration.
func objectLockJSON(b *trustgate.Bucket) string {
	j, _ := json.Marshal(b.ObjectLock)
	return string(j)
}

// optionalJSON encodes a configuration a bucket may not have (its
// website, logging or replication), the empty string for none.
func optionalJSON[T any](conf *T) string {
	if conf == nil {
		return ""
	}
	j, _ := json.Marshal(conf)
	return string(j)
}

// bucketJSON encodes the JSON columns of a bucket.
func bucketJSON(b *trustgate.Bucket) (pab, tags, enc, cors string) {
	p, _ := json.Marshal(b.PublicAccessBlock)
	t := []byte("[]")
	if len(b.Tags) > 0 {
		t, _ = json.Marshal(b.Tags)
	}
	e, _ := json.Marshal(b.Encryption)
	c := []byte("[]")
	if len(b.CORS) > 0 {
		c, _ = json.Marshal(b.CORS)
	}
	return string(p), string(t), string(e), string(c)
}

// CreateBucket implements store.Store.
func (s *DB) CreateBucket(ctx context.Context, b *trustgate.Bucket) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, b.Account); err != nil {
			return err
		}
		if b.Versioning != trustgate.Unversioned {
			s.versioned.Store(b.Name, true)
		}
		pab, tags, enc, cors := bucketJSON(b)
		_, err := tx.ExecContext(ctx, `INSERT INTO buckets (`+bucketColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.Name, b.Account, b.Region, b.LocationConstraint, unix(b.CreatedAt), b.Policy, pab, tags, enc, cors, b.Versioning, b.MFADelete, lifecycleJSON(b), b.LifecycleMinimumSize,
			objectLockJSON(b), optionalJSON(b.Website), optionalJSON(b.Logging), optionalJSON(b.Replication), b.RequesterPays, b.Accelerate, optionalJSON(b.Notification), b.ABAC)
		if isConstraint(err) {
			return fmt.Errorf("bucket %s: %w", b.Name, trustgate.ErrConflict)
		}
		return err
	})
}

// Bucket implements store.Store.
func (s *DB) Bucket(ctx context.Context, name string) (*trustgate.Bucket, error) {
	b, err := scanBucket(s.q.QueryRowContext(ctx, `SELECT `+bucketColumns+` FROM buckets WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("bucket %s: %w", name, trustgate.ErrNotFound)
	}
	return b, err
}

// Buckets implements store.Store.
func (s *DB) Buckets(ctx context.Context, account string) ([]*trustgate.Bucket, error) {
	return queryAll(ctx, s.q, scanBucket, `SELECT `+bucketColumns+` FROM buckets WHERE account_id = ? ORDER BY name`, account)
}

// UpdateBucket implements store.Store.
func (s *DB) UpdateBucket(ctx context.Context, name string, change func(*trustgate.Bucket) error) error {
	return s.tx(ctx, func(tx conn) error {
		b, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+bucketColumns+` FROM buckets WHERE name = ?`, name), scanBucket, "bucket "+name, change)
		if err != nil {
			return err
		}
		if b.Versioning != trustgate.Unversioned {
			s.versioned.Store(name, true) // before any write can make a version
		}
		pab, tags, enc, cors := bucketJSON(b)
		_, err = tx.ExecContext(ctx, `UPDATE buckets SET policy = ?, public_access_block = ?, tags = ?, encryption = ?, cors = ?, versioning = ?, mfa_delete = ?, lifecycle = ?, lifecycle_minimum_size = ?, object_lock = ?, website = ?, logging = ?, replication = ?, requester_pays = ?, accelerate = ?, notification = ?, abac = ? WHERE name = ?`,
			b.Policy, pab, tags, enc, cors, b.Versioning, b.MFADelete, lifecycleJSON(b), b.LifecycleMinimumSize, objectLockJSON(b), optionalJSON(b.Website), optionalJSON(b.Logging), optionalJSON(b.Replication), b.RequesterPays, b.Accelerate, optionalJSON(b.Notification), b.ABAC, name)
		return err
	})
}

// DeleteBucket implements store.Store.
func (s *DB) DeleteBucket(ctx context.Context, name string) (aborted []*trustgate.Part, err error) {
	err = s.tx(ctx, func(tx conn) error {
		aborted = nil // a retried transaction starts again
		if err := noDependents(ctx, tx, "bucket "+name, "objects", `SELECT count(*) FROM (SELECT 1 FROM objects WHERE bucket = ? LIMIT 1)`, name); err != nil {
			return err
		}
		if err := noDependents(ctx, tx, "bucket "+name, "object versions", `SELECT count(*) FROM (SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1)`, name); err != nil {
			return err
		}
		var attached int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM access_points WHERE bucket = ? AND account_id = (SELECT account_id FROM buckets WHERE name = ?) LIMIT 1)`, name, name).Scan(&attached); err != nil {
			return err
		} else if attached > 0 {
			return fmt.Errorf("bucket %s: %w", name, trustgate.ErrAccessPointsAttached)
		}
		ids, err := queryAll(ctx, tx, scanString, `SELECT id FROM uploads WHERE bucket = ?`, name)
		if err != nil {
			return err
		}
		for _, id := range ids {
			parts, err := endUpload(ctx, tx, id)
			if err != nil {
				return err
			}
			aborted = append(aborted, parts...)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM bucket_configurations WHERE bucket = ?`, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM buckets WHERE name = ?`, name)
		return affected(res, err, "bucket "+name)
	})
	return aborted, err
}

const objectColumns = `bucket, key, size, etag, content_type, last_modified, metadata, headers, blob, tags, part_sizes, part_checksums, version_id, object_lock, replication`

// scanObject reads the objectColumns of a row: an object without its
// inline body, as listings return it.
func scanObject(row interface{ Scan(...any) error }) (*trustgate.Object, error) {
	return scanObjectBody(row, false)
}

// scanObjectBody reads the objectColumns and, withBody, the body column
// after them.
func scanObjectBody(row interface{ Scan(...any) error }, withBody bool) (*trustgate.Object, error) {
	var o trustgate.Object
	var body []any
	if withBody {
		body = []any{&o.Inline}
	}
	if err := scanObjectRow(row, &o, body...); err != nil {
		return nil, err
	}
	return &o, nil
}

// scanObjectRow reads the objectColumns of a row into o, and the columns
// after them into more.
func scanObjectRow(row interface{ Scan(...any) error }, o *trustgate.Object, more ...any) error {
	var modified int64
	var metadata, headers, tags, parts, partChecksums, lock string
	dest := []any{&o.Bucket, &o.Key, &o.Size, &o.ETag, &o.ContentType, &modified, &metadata, &headers, &o.Blob, &tags, &parts, &partChecksums, &o.VersionID, &lock, &o.Replication}
	if err := row.Scan(append(dest, more...)...); err != nil {
		return err
	}
	o.LastModified = fromUnix(modified)
	var err error
	if o.Tags, err = parseTags(tags); err != nil {
		return fmt.Errorf("object %s/%s: %w", o.Bucket, o.Key, err)
	}
	if o.Metadata, err = parseMap(metadata); err != nil {
		return fmt.Errorf("object %s/%s: metadata: %w", o.Bucket, o.Key, err)
	}
	if o.Headers, err = parseMap(headers); err != nil {
		return fmt.Errorf("object %s/%s: headers: %w", o.Bucket, o.Key, err)
	}
	if parts != "" {
		if err := json.Unmarshal([]byte(parts), &o.PartSizes); err != nil {
			return fmt.Errorf("object %s/%s: part sizes: %w", o.Bucket, o.Key, err)
		}
	}
	if partChecksums != "" {
		if err := json.Unmarshal([]byte(partChecksums), &o.PartChecksums); err != nil {
			return fmt.Errorf("object %s/%s: part checksums: %w", o.Bucket, o.Key, err)
		}
	}
	return parseObjectLock(lock, o)
}

// parseObjectLock reads an object_lock column into o.
func parseObjectLock(column string, o *trustgate.Object) error {
	if column == "" {
		return nil
	}
	var l objectLock
	if err := json.Unmarshal([]byte(column), &l); err != nil {
		return fmt.Errorf("object %s/%s: object lock: %w", o.Bucket, o.Key, err)
	}
	o.Retention, o.LegalHold = l.Retention, l.LegalHold
	return nil
}

// objectLock is the object_lock column of a version.
type objectLock struct {
	Retention trustgate.Retention `json:",omitzero"`
	LegalHold string              `json:",omitempty"`
}

// objectLockColumn encodes a version's Object Lock, the empty string
// for none.
func objectLockColumn(o *trustgate.Object) string {
	if o.Retention == (trustgate.Retention{}) && o.LegalHold == "" {
		return ""
	}
	j, _ := json.Marshal(objectLock{o.Retention, o.LegalHold})
	return string(j)
}

// parseMap decodes a JSON object of strings; the empty one, which most
// objects have, without the decoder.
func parseMap(column string) (map[string]string, error) {
	m := map[string]string{}
	if column == "{}" {
		return m, nil
	}
	return m, json.Unmarshal([]byte(column), &m)
}

// objectByKey reads an object, withBody with its inline body.
func objectByKey(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, bucket, key string, withBody bool) (*trustgate.Object, error) {
	columns := objectColumns
	if withBody {
		columns += ", body"
	}
	o, err := scanObjectBody(q.QueryRowContext(ctx, `SELECT `+columns+` FROM objects WHERE bucket = ? AND key = ?`, bucket, key), withBody)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("object %s/%s: %w", bucket, key, trustgate.ErrNotFound)
	}
	return o, err
}

// PutObject implements store.Store.
func (s *DB) PutObject(ctx context.Context, o *trustgate.Object, cond trustgate.WriteCondition) (replaced *trustgate.Object, err error) {
	err = s.tx(ctx, func(tx conn) error {
		replaced, err = putObject(ctx, tx, o, cond, s.mayHaveVersions(o.Bucket))
		return err
	})
	return replaced, err
}

// putObject records o within tx as its key's current version, if the
// current one meets cond. That version is kept as a noncurrent one, or
// replaced when it has o's version; a null o also replaces the key's
// noncurrent null version, which only a bucket that has had versioning
// (versioned) may have. The version replaced, if any, is returned by its
// ETag and blob. The bucket's existence is the foreign key's to check: a
// separate query would look it up twice.
func putObject(ctx context.Context, tx conn, o *trustgate.Object, cond trustgate.WriteCondition, versioned bool) (replaced *trustgate.Object, err error) {
	var blob, etag, version, lock string
	var modified int64
	var current *trustgate.Object
	switch err := tx.QueryRowContext(ctx, `SELECT blob, etag, version_id, last_modified, object_lock FROM objects WHERE bucket = ? AND key = ?`,
		o.Bucket, o.Key).Scan(&blob, &etag, &version, &modified, &lock); {
	case err == nil:
		current = &trustgate.Object{Bucket: o.Bucket, Key: o.Key, ETag: etag, Blob: blob, VersionID: version, LastModified: fromUnix(modified)}
		if err := parseObjectLock(lock, current); err != nil {
			return nil, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	if err := cond.Check(current); err != nil {
		return nil, fmt.Errorf("object %s/%s: %w", o.Bucket, o.Key, err)
	}
	switch {
	case current != nil && current.VersionID == o.VersionID:
		// The version written takes the place of one its Object Lock may
		// protect: a null version locked since the writer read its bucket
		// unversioned.
		if current.Protected(o.LastModified, false) {
			return nil, fmt.Errorf("object %s/%s: %w", o.Bucket, o.Key, trustgate.ErrLocked)
		}
		replaced = current
		if o.DeleteMarker {
			if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE bucket = ? AND key = ?`, o.Bucket, o.Key); err != nil {
				return nil, err
			}
		}
	case current != nil:
		if err := demoteCurrent(ctx, tx, o.Bucket, o.Key); err != nil {
			return nil, err
		}
		fallthrough
	default:
		if o.VersionID == trustgate.NullVersion && versioned {
			if replaced, err = removeNoncurrent(ctx, tx, o.Bucket, o.Key, trustgate.NullVersion); err != nil {
				return nil, err
			}
			if replaced != nil && replaced.Protected(o.LastModified, false) {
				return nil, fmt.Errorf("object %s/%s: %w", o.Bucket, o.Key, trustgate.ErrLocked) // the removal is rolled back
			}
		}
	}
	metadata, _ := json.Marshal(nonNil(o.Metadata))
	headers, _ := json.Marshal(nonNil(o.Headers))
	var body any // NULL for a body kept as a blob
	if o.Inline != nil {
		body = o.Inline
	}
	var parts, partChecksums []byte // '' for an object put whole
	if len(o.PartSizes) > 0 {
		parts, _ = json.Marshal(o.PartSizes)
	}
	if len(o.PartChecksums) > 0 {
		partChecksums, _ = json.Marshal(o.PartChecksums)
	}
	values := []any{o.Bucket, o.Key, o.Size, o.ETag, o.ContentType, unix(o.LastModified), string(metadata), string(headers), o.Blob, tagsJSON(o.Tags), string(parts), string(partChecksums), o.VersionID, objectLockColumn(o), string(o.Replication)}
	if o.DeleteMarker {
		_, err = tx.ExecContext(ctx, `INSERT INTO object_versions (`+objectColumns+`, delete_marker, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL)`, values...)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO objects (`+objectColumns+`, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(values, body)...)
	}
	if isForeignKey(err) {
		return nil, fmt.Errorf("bucket %s: %w", o.Bucket, trustgate.ErrNotFound)
	}
	if err == nil && o.Replication == trustgate.ReplicationPending {
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO replication_queue (bucket, key, version_id) VALUES (?, ?, ?)`, o.Bucket, o.Key, o.VersionID)
	}
	return replaced, err
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// SetObjectTags implements store.Store.
func (s *DB) SetObjectTags(ctx context.Context, bucket, key, version string, tags []trustgate.Tag) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `UPDATE objects SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ?`, tagsJSON(tags), bucket, key, version)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE object_versions SET tags = ? WHERE bucket = ? AND key = ? AND version_id = ? AND delete_marker = 0`, tagsJSON(tags), bucket, key, version)
		return affected(res, err, "object "+bucket+"/"+key+" version "+version)
	})
}

// Object implements store.Store.
func (s *DB) Object(ctx context.Context, bucket, key string) (*trustgate.Object, error) {
	return objectByKey(ctx, s.q, bucket, key, true)
}

// DeleteObject implements store.Store.
func (s *DB) DeleteObject(ctx context.Context, bucket, key string, cond trustgate.WriteCondition) (deleted *trustgate.Object, err error) {
	err = s.tx(ctx, func(tx conn) error {
		deleted, err = objectByKey(ctx, tx, bucket, key, false)
		if errors.Is(err, trustgate.ErrNotFound) && cond.IfMatch != "" {
			return cond.Check(nil)
		}
		if err != nil {
			return err
		}
		if err := cond.Check(deleted); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE bucket = ? AND key = ?`, bucket, key); err != nil {
			return err
		}
		if s.mayHaveVersions(bucket) {
			// A delete that raced the bucket's versioning being enabled
			// leaves the key's newest version current, not hidden.
			return promoteNewest(ctx, tx, bucket, key)
		}
		return nil
	})
	return deleted, err
}

// Objects implements store.Store. Keys compare byte-wise, as S3 orders
// them; the prefix bounds an index range.
func (s *DB) Objects(ctx context.Context, bucket, prefix, after string, limit int) ([]*trustgate.Object, error) {
	from := max(prefix, after)
	query := `SELECT ` + objectColumns + ` FROM objects WHERE bucket = ? AND key >= ? AND key != ?`
	args := []any{bucket, from, after}
	if end, ok := prefixEnd(prefix); ok {
		query += ` AND key < ?`
		args = append(args, end)
	}
	query += ` ORDER BY key LIMIT ?`
	args = append(args, limit)
	return queryAll(ctx, s.q, scanObject, query, args...)
}

// prefixEnd is the least string above every string with the prefix, and
// false when there is none (an empty prefix, or one of 0xff bytes).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// parseTags reads a tags column; no tags is nil.
func parseTags(column string) ([]trustgate.Tag, error) {
	if column == "[]" {
		return nil, nil // most objects have none: skip the decoder
	}
	var tags []trustgate.Tag
	if err := json.Unmarshal([]byte(column), &tags); err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

// scanString reads a row of one text column.
func scanString(row interface{ Scan(...any) error }) (string, error) {
	var v string
	return v, row.Scan(&v)
}

// BlobsInUse implements store.Store.
func (s *DB) BlobsInUse(ctx context.Context) (map[string]bool, error) {
	ids, err := queryAll(ctx, s.q, scanString, `SELECT blob FROM objects WHERE blob != '' UNION SELECT blob FROM object_versions WHERE blob != '' UNION SELECT blob FROM parts`)
	if err != nil {
		return nil, err
	}
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	return in, nil
}

// AccountPublicAccessBlock implements store.Store.
func (s *DB) AccountPublicAccessBlock(ctx context.Context, account string) (*trustgate.PublicAccessBlock, error) {
	var column string
	err := s.q.QueryRowContext(ctx, `SELECT public_access_block FROM accounts WHERE id = ?`, account).Scan(&column)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("account %s: %w", account, trustgate.ErrNotFound)
	case err != nil || column == "":
		return nil, err
	}
	var pab trustgate.PublicAccessBlock
	if err := json.Unmarshal([]byte(column), &pab); err != nil {
		return nil, fmt.Errorf("account %s: public access block: %w", account, err)
	}
	return &pab, nil
}

// SetAccountPublicAccessBlock implements store.Store.
func (s *DB) SetAccountPublicAccessBlock(ctx context.Context, account string, pab *trustgate.PublicAccessBlock) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET public_access_block = ? WHERE id = ?`, optionalJSON(pab), account)
		return affected(res, err, "account "+account)
	})
}
