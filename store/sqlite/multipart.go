package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

const uploadColumns = `id, bucket, key, account_id, initiator, initiated, content_type, metadata, headers, tags, checksum_algorithm, checksum_type`

func scanUpload(row interface{ Scan(...any) error }) (*trustgate.Upload, error) {
	var u trustgate.Upload
	var initiated int64
	var metadata, headers, tags string
	if err := row.Scan(&u.ID, &u.Bucket, &u.Key, &u.Account, &u.Initiator, &initiated, &u.ContentType, &metadata, &headers, &tags, &u.ChecksumAlgorithm, &u.ChecksumType); err != nil {
		return nil, err
	}
	u.Initiated = fromUnix(initiated)
	var err error
	if u.Tags, err = parseTags(tags); err != nil {
		return nil, fmt.Errorf("upload %s: %w", u.ID, err)
	}
	if err := json.Unmarshal([]byte(metadata), &u.Metadata); err != nil {
		return nil, fmt.Errorf("upload %s: metadata: %w", u.ID, err)
	}
	return &u, json.Unmarshal([]byte(headers), &u.Headers)
}

// CreateUpload implements store.Store.
func (s *DB) CreateUpload(ctx context.Context, u *trustgate.Upload) error {
	metadata, _ := json.Marshal(nonNil(u.Metadata))
	headers, _ := json.Marshal(nonNil(u.Headers))
	return s.tx(ctx, func(tx conn) error {
		if err := requireBucket(ctx, tx, u.Bucket); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (`+uploadColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.Bucket, u.Key, u.Account, u.Initiator, unix(u.Initiated), u.ContentType, string(metadata), string(headers), tagsJSON(u.Tags),
			u.ChecksumAlgorithm, u.ChecksumType)
		return err
	})
}

func requireBucket(ctx context.Context, tx conn, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM buckets WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("bucket %s: %w", name, trustgate.ErrNotFound)
	}
	return nil
}

// Upload implements store.Store.
func (s *DB) Upload(ctx context.Context, bucket, id string) (*trustgate.Upload, error) {
	u, err := scanUpload(s.q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE bucket = ? AND id = ?`, bucket, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("upload %s: %w", id, trustgate.ErrNotFound)
	}
	return u, err
}

// Uploads implements store.Store.
func (s *DB) Uploads(ctx context.Context, bucket string) ([]*trustgate.Upload, error) {
	return queryAll(ctx, s.q, scanUpload, `SELECT `+uploadColumns+` FROM uploads WHERE bucket = ? ORDER BY key, id`, bucket)
}

const partColumns = `upload_id, number, size, etag, blob, last_modified, checksum`

func scanPart(row interface{ Scan(...any) error }) (*trustgate.Part, error) {
	var p trustgate.Part
	var modified int64
	if err := row.Scan(&p.UploadID, &p.Number, &p.Size, &p.ETag, &p.Blob, &modified, &p.Checksum); err != nil {
		return nil, err
	}
	p.LastModified = fromUnix(modified)
	return &p, nil
}

// PutPart implements store.Store.
func (s *DB) PutPart(ctx context.Context, p *trustgate.Part) (replaced *trustgate.Part, err error) {
	err = s.tx(ctx, func(tx conn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM uploads WHERE id = ?`, p.UploadID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("upload %s: %w", p.UploadID, trustgate.ErrNotFound)
		}
		old, err := scanPart(tx.QueryRowContext(ctx, `SELECT `+partColumns+` FROM parts WHERE upload_id = ? AND number = ?`, p.UploadID, p.Number))
		switch {
		case err == nil:
			replaced = old
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO parts (`+partColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.UploadID, p.Number, p.Size, p.ETag, p.Blob, unix(p.LastModified), p.Checksum)
		return err
	})
	return replaced, err
}

// Parts implements store.Store.
func (s *DB) Parts(ctx context.Context, uploadID string) ([]*trustgate.Part, error) {
	return queryAll(ctx, s.q, scanPart, `SELECT `+partColumns+` FROM parts WHERE upload_id = ? ORDER BY number`, uploadID)
}

// endUpload removes an upload and its parts within tx and returns the parts.
func endUpload(ctx context.Context, tx conn, uploadID string) ([]*trustgate.Part, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+partColumns+` FROM parts WHERE upload_id = ? ORDER BY number`, uploadID)
	if err != nil {
		return nil, err
	}
	var parts []*trustgate.Part
	for rows.Next() {
		p, err := scanPart(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		parts = append(parts, p)
	}
	rows.Close()
	if _, err := tx.ExecContext(ctx, `DELETE FROM parts WHERE upload_id = ?`, uploadID); err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, uploadID)
	return parts, affected(res, err, "upload "+uploadID)
}

// CompleteUpload implements store.Store.
func (s *DB) CompleteUpload(ctx context.Context, uploadID string, o *trustgate.Object, cond trustgate.WriteCondition) (replaced *trustgate.Object, parts []*trustgate.Part, err error) {
	err = s.tx(ctx, func(tx conn) error {
		if parts, err = endUpload(ctx, tx, uploadID); err != nil {
			return err
		}
		replaced, err = putObject(ctx, tx, o, cond, s.mayHaveVersions(o.Bucket))
		return err
	})
	return replaced, parts, err
}

// AbortUpload implements store.Store.
func (s *DB) AbortUpload(ctx context.Context, uploadID string) (parts []*trustgate.Part, err error) {
	err = s.tx(ctx, func(tx conn) error {
		parts, err = endUpload(ctx, tx, uploadID)
		return err
	})
	return parts, err
}
