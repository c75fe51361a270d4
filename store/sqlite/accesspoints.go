package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

const accessPointColumns = `account_id, name, region, bucket, bucket_account_id, alias, vpc_id, public_access_block, policy, tags, created_at`

func scanAccessPoint(row interface{ Scan(...any) error }) (*trustgate.AccessPoint, error) {
	var ap trustgate.AccessPoint
	var pab, tags string
	var created int64
	if err := row.Scan(&ap.Account, &ap.Name, &ap.Region, &ap.Bucket, &ap.BucketAccount, &ap.Alias, &ap.VpcID, &pab, &ap.Policy, &tags, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(pab), &ap.PublicAccessBlock); err != nil {
		return nil, fmt.Errorf("access point %s: public access block: %w", ap.Name, err)
	}
	if err := json.Unmarshal([]byte(tags), &ap.Tags); err != nil {
		return nil, fmt.Errorf("access point %s: tags: %w", ap.Name, err)
	}
	if len(ap.Tags) == 0 {
		ap.Tags = nil
	}
	ap.CreatedAt = fromUnix(created)
	return &ap, nil
}

// CreateAccessPoint implements store.Store.
func (s *DB) CreateAccessPoint(ctx context.Context, ap *trustgate.AccessPoint) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, ap.Account); err != nil {
			return err
		}
		var buckets int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM buckets WHERE name = ? AND account_id = ?`, ap.Bucket, ap.BucketAccount).Scan(&buckets); err != nil {
			return err
		} else if buckets == 0 {
			return fmt.Errorf("bucket %s: %w", ap.Bucket, trustgate.ErrNotFound)
		}
		pab, _ := json.Marshal(ap.PublicAccessBlock)
		_, err := tx.ExecContext(ctx, `INSERT INTO access_points (`+accessPointColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ap.Account, ap.Name, ap.Region, ap.Bucket, ap.BucketAccount, ap.Alias, ap.VpcID, string(pab), ap.Policy, tagsJSON(ap.Tags), unix(ap.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("access point %s: %w", ap.Name, trustgate.ErrConflict)
		}
		return err
	})
}

// AccessPoint implements store.Store.
func (s *DB) AccessPoint(ctx context.Context, account, name string) (*trustgate.AccessPoint, error) {
	return s.accessPoint(ctx, "access point "+name, `account_id = ? AND name = ?`, account, name)
}

// AccessPointByAlias implements store.Store.
func (s *DB) AccessPointByAlias(ctx context.Context, alias string) (*trustgate.AccessPoint, error) {
	return s.accessPoint(ctx, "access point alias "+alias, `alias = ?`, alias)
}

func (s *DB) accessPoint(ctx context.Context, what, where string, args ...any) (*trustgate.AccessPoint, error) {
	ap, err := scanAccessPoint(s.q.QueryRowContext(ctx, `SELECT `+accessPointColumns+` FROM access_points WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", what, trustgate.ErrNotFound)
	}
	return ap, err
}

// AccessPoints implements store.Store.
func (s *DB) AccessPoints(ctx context.Context, account string) ([]*trustgate.AccessPoint, error) {
	return queryAll(ctx, s.q, scanAccessPoint, `SELECT `+accessPointColumns+` FROM access_points WHERE account_id = ? ORDER BY name`, account)
}

// UpdateAccessPoint implements store.Store.
func (s *DB) UpdateAccessPoint(ctx context.Context, account, name string, change func(*trustgate.AccessPoint) error) error {
	return s.tx(ctx, func(tx conn) error {
		ap, err := changeRow(tx.QueryRowContext(ctx, `SELECT `+accessPointColumns+` FROM access_points WHERE account_id = ? AND name = ?`, account, name),
			scanAccessPoint, "access point "+name, change)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE access_points SET policy = ?, tags = ? WHERE account_id = ? AND name = ?`, ap.Policy, tagsJSON(ap.Tags), account, name)
		return err
	})
}

// DeleteAccessPoint implements store.Store.
func (s *DB) DeleteAccessPoint(ctx context.Context, account, name string) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM access_points WHERE account_id = ? AND name = ?`, account, name)
		return affected(res, err, "access point "+name)
	})
}
