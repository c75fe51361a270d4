package sqlite

import (
	"context"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// PendingReplications implements store.Store.
func (s *DB) PendingReplications(ctx context.Context, limit int) ([]store.VersionRef, error) {
	return queryAll(ctx, s.q, func(row interface{ Scan(...any) error }) (store.VersionRef, error) {
		var v store.VersionRef
		return v, row.Scan(&v.Bucket, &v.Key, &v.VersionID)
	}, `SELECT bucket, key, version_id FROM replication_queue ORDER BY rowid LIMIT ?`, limit)
}

// SetReplicationStatus implements store.Store.
func (s *DB) SetReplicationStatus(ctx context.Context, v store.VersionRef, status trustgate.ReplicationStatus) error {
	return s.tx(ctx, func(tx conn) error {
		for _, table := range []string{"objects", "object_versions"} {
			res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET replication = ? WHERE bucket = ? AND key = ? AND version_id = ?`,
				string(status), v.Bucket, v.Key, v.VersionID)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n > 0 {
				break
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM replication_queue WHERE bucket = ? AND key = ? AND version_id = ?`, v.Bucket, v.Key, v.VersionID)
		return err
	})
}
