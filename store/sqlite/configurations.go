package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

func scanBucketConfiguration(row interface{ Scan(...any) error }) (trustgate.BucketConfiguration, error) {
	var c trustgate.BucketConfiguration
	err := row.Scan(&c.Kind, &c.ID, &c.Document)
	return c, err
}

// PutBucketConfiguration implements store.Store.
func (s *DB) PutBucketConfiguration(ctx context.Context, account, bucket string, c trustgate.BucketConfiguration, limit int) error {
	return s.tx(ctx, func(tx conn) error {
		var owned, kept, replaced int
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM buckets WHERE name = ? AND account_id = ?),
			(SELECT count(*) FROM bucket_configurations WHERE bucket = ? AND kind = ?),
			(SELECT count(*) FROM bucket_configurations WHERE bucket = ? AND kind = ? AND id = ?)`,
			bucket, account, bucket, c.Kind, bucket, c.Kind, c.ID).Scan(&owned, &kept, &replaced)
		switch {
		case err != nil:
			return err
		case owned == 0:
			return fmt.Errorf("bucket %s: %w", bucket, trustgate.ErrNotFound)
		case replaced == 0 && kept >= limit:
			return fmt.Errorf("bucket %s has %d %s configurations: %w", bucket, kept, c.Kind, trustgate.ErrLimit)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO bucket_configurations (bucket, kind, id, document) VALUES (?, ?, ?, ?)
			ON CONFLICT (bucket, kind, id) DO UPDATE SET document = excluded.document`, bucket, c.Kind, c.ID, c.Document)
		return err
	})
}

// BucketConfiguration implements store.Store.
func (s *DB) BucketConfiguration(ctx context.Context, bucket, kind, id string) (*trustgate.BucketConfiguration, error) {
	c, err := scanBucketConfiguration(s.q.QueryRowContext(ctx, `SELECT kind, id, document FROM bucket_configurations WHERE bucket = ? AND kind = ? AND id = ?`, bucket, kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s configuration %s of bucket %s: %w", kind, id, bucket, trustgate.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// BucketConfigurations implements store.Store.
func (s *DB) BucketConfigurations(ctx context.Context, bucket, kind, after string, limit int) ([]trustgate.BucketConfiguration, error) {
	return queryAll(ctx, s.q, scanBucketConfiguration, `SELECT kind, id, document FROM bucket_configurations WHERE bucket = ? AND kind = ? AND id > ? ORDER BY id LIMIT ?`, bucket, kind, after, limit)
}

// DeleteBucketConfiguration implements store.Store.
func (s *DB) DeleteBucketConfiguration(ctx context.Context, bucket, kind, id string) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM bucket_configurations WHERE bucket = ? AND kind = ? AND id = ?`, bucket, kind, id)
		return affected(res, err, kind+" configuration "+id+" of bucket "+bucket)
	})
}
