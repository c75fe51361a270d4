package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/trustgate/trustgate"
)

const mfaColumns = `account_id, serial_number, name, path, seed_sealed, user_name, enable_date, last_used_step, created_at`

func (s *DB) scanMFADevice(row interface{ Scan(...any) error }) (*trustgate.MFADevice, error) {
	var d trustgate.MFADevice
	var sealed []byte
	var enabled, created int64
	if err := row.Scan(&d.Account, &d.SerialNumber, &d.Name, &d.Path, &sealed, &d.UserName, &enabled, &d.LastUsedStep, &created); err != nil {
		return nil, err
	}
	seed, err := s.secrets.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("MFA device %s: the seed does not open with this data directory's key: %w", d.SerialNumber, err)
	}
	d.Seed, d.CreatedAt = string(seed), fromUnix(created)
	if d.UserName != "" {
		d.EnableDate = fromUnix(enabled)
	}
	return &d, nil
}

// CreateMFADevice implements store.Store.
func (s *DB) CreateMFADevice(ctx context.Context, d *trustgate.MFADevice) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, d.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mfa_devices (`+mfaColumns+`) VALUES (?, ?, ?, ?, ?, '', 0, 0, ?)`,
			d.Account, d.SerialNumber, d.Name, d.Path, s.secrets.Seal([]byte(d.Seed)), unix(d.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("MFA device %s: %w", d.SerialNumber, trustgate.ErrConflict)
		}
		return err
	})
}

// MFADevice implements store.Store.
func (s *DB) MFADevice(ctx context.Context, account, serial string) (*trustgate.MFADevice, error) {
	d, err := s.scanMFADevice(s.q.QueryRowContext(ctx, `SELECT `+mfaColumns+` FROM mfa_devices WHERE account_id = ? AND serial_number = ?`, account, serial))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("MFA device %s: %w", serial, trustgate.ErrNotFound)
	}
	return d, err
}

// MFADevices implements store.Store.
func (s *DB) MFADevices(ctx context.Context, account, userName string) ([]*trustgate.MFADevice, error) {
	if userName == "" {
		return queryAll(ctx, s.q, s.scanMFADevice,
			`SELECT `+mfaColumns+` FROM mfa_devices WHERE account_id = ? ORDER BY serial_number`, account)
	}
	return queryAll(ctx, s.q, s.scanMFADevice,
		`SELECT `+mfaColumns+` FROM mfa_devices WHERE account_id = ? AND user_name = ? ORDER BY serial_number`, account, userName)
}

// EnableMFADevice implements store.Store.
func (s *DB) EnableMFADevice(ctx context.Context, account, serial, userName string, enabled time.Time, lastStep int64) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireEntity(ctx, tx, trustgate.Entity{Account: account, Kind: trustgate.UserEntity, Name: userName}); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT user_name FROM mfa_devices WHERE account_id = ? AND serial_number = ?`, account, serial).Scan(&owner)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("MFA device %s: %w", serial, trustgate.ErrNotFound)
		case err != nil:
			return err
		case owner != "":
			return fmt.Errorf("MFA device %s is enabled for user %s: %w", serial, owner, trustgate.ErrConflict)
		}
		// The user's name as stored, whatever case the caller gave.
		_, err = tx.ExecContext(ctx, `UPDATE mfa_devices SET user_name = (SELECT name FROM users WHERE account_id = ? AND name = ?),
			enable_date = ?, last_used_step = max(last_used_step, ?) WHERE account_id = ? AND serial_number = ?`,
			account, userName, unix(enabled), lastStep, account, serial)
		return err
	})
}

// DeactivateMFADevice implements store.Store.
func (s *DB) DeactivateMFADevice(ctx context.Context, account, serial, userName string) error {
	res, err := s.q.ExecContext(ctx, `UPDATE mfa_devices SET user_name = '', enable_date = 0
		WHERE account_id = ? AND serial_number = ? AND user_name = ? AND user_name != ''`, account, serial, userName)
	return affected(res, err, "MFA device "+serial+" of user "+userName)
}

// DeleteMFADevice implements store.Store.
func (s *DB) DeleteMFADevice(ctx context.Context, account, serial string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := noDependents(ctx, tx, "MFA device "+serial, "enabled users",
			`SELECT count(*) FROM mfa_devices WHERE account_id = ? AND serial_number = ? AND user_name != ''`, account, serial); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM mfa_devices WHERE account_id = ? AND serial_number = ?`, account, serial)
		return affected(res, err, "MFA device "+serial)
	})
}

// UseMFACode implements store.Store.
func (s *DB) UseMFACode(ctx context.Context, account, serial string, step int64) error {
	return s.tx(ctx, func(tx conn) error {
		res, err := tx.ExecContext(ctx, `UPDATE mfa_devices SET last_used_step = ?
			WHERE account_id = ? AND serial_number = ? AND last_used_step < ?`, step, account, serial, step)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM mfa_devices WHERE account_id = ? AND serial_number = ?`, account, serial).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("MFA device %s: %w", serial, trustgate.ErrNotFound)
		}
		return fmt.Errorf("MFA device %s: a code of step %d or later was used already: %w", serial, step, trustgate.ErrConflict)
	})
}
