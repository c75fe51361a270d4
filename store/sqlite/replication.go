package sqlite

import (
	"context"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// PendingReplications implements store.Store. Queueing a version again
// gives its entry a new seq.
func (s *DB) PendingReplications(ctx context.Context, limit int) ([]store.PendingReplication, error) {
	return queryAll(ctx, s.q, func(row interface{ Scan(...any) error }) (store.PendingReplication, error) {
		var p store.PendingReplication
		return p, row.Scan(&p.Seq, &p.Bucket, &p.Key, &p.VersionID)
	}, `SELECT seq, bucket, key, version_id FROM replication_queue ORDER BY seq LIMIT ?`, limit)
}

// QueueReplication implements store.Store.
func (s *DB) QueueReplication(ctx context.Context, v store.VersionRef, shown trustgate.ReplicationStatus) error {
	return s.tx(ctx, func(tx conn) error {
		found, err := setReplicationStatus(ctx, tx, v, shown)
		if err != nil || !found {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM replication_queue WHERE bucket = ? AND key = ? AND version_id = ?`, v.Bucket, v.Key, v.VersionID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO replication_queue (bucket, key, version_id) VALUES (?, ?, ?)`, v.Bucket, v.Key, v.VersionID)
		return err
	})
}

// SettleReplication implements store.Store.
func (s *DB) SettleReplication(ctx context.Context, p store.PendingReplication, status trustgate.ReplicationStatus) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM replication_queue WHERE seq = ? AND bucket = ? AND key = ? AND version_id = ?`,
			p.Seq, p.Bucket, p.Key, p.VersionID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // queued again since: it stays pending
		}
		_, err = setReplicationStatus(ctx, tx, p.VersionRef, status)
		return err
	})
}

// setReplicationStatus sets a version's status, current or not, and tells
// whether there was such a version.
func setReplicationStatus(ctx context.Context, tx conn, v store.VersionRef, status trustgate.ReplicationStatus) (bool, error) {
	for _, table := range []string{"objects", "object_versions"} {
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET replication = ? WHERE bucket = ? AND key = ? AND version_id = ?`,
			string(status), v.Bucket, v.Key, v.VersionID)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}
