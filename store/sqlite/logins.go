package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
)

// PutLoginProfile implements store.Store.
func (s *DB) PutLoginProfile(ctx context.Context, p *trustgate.LoginProfile, replace bool) error {
	if replace {
		res, err := s.q.ExecContext(ctx, `UPDATE login_profiles SET password_hash = ?, reset_required = ? WHERE account_id = ? AND user_name = ?`,
			p.PasswordHash, p.ResetRequired, p.Account, p.UserName)
		return affected(res, err, "login profile of user "+p.UserName)
	}
	return s.tx(ctx, func(tx conn) error {
		if err := requireEntity(ctx, tx, trustgate.Entity{Account: p.Account, Kind: trustgate.UserEntity, Name: p.UserName}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_profiles (account_id, user_name, password_hash, reset_required, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.Account, p.UserName, p.PasswordHash, p.ResetRequired, unix(p.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("login profile of user %s: %w", p.UserName, trustgate.ErrConflict)
		}
		return err
	})
}

// LoginProfile implements store.Store.
func (s *DB) LoginProfile(ctx context.Context, account, userName string) (*trustgate.LoginProfile, error) {
	p := trustgate.LoginProfile{Account: account}
	var created int64
	err := s.q.QueryRowContext(ctx, `SELECT user_name, password_hash, reset_required, created_at FROM login_profiles WHERE account_id = ? AND user_name = ?`,
		account, userName).Scan(&p.UserName, &p.PasswordHash, &p.ResetRequired, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("login profile of user %s: %w", userName, trustgate.ErrNotFound)
	}
	p.CreatedAt = fromUnix(created)
	return &p, err
}

// DeleteLoginProfile implements store.Store.
func (s *DB) DeleteLoginProfile(ctx context.Context, account, userName string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM login_profiles WHERE account_id = ? AND user_name = ?`, account, userName)
	return affected(res, err, "login profile of user "+userName)
}

// AccountAlias implements store.Store.
func (s *DB) AccountAlias(ctx context.Context, account string) (string, error) {
	var alias string
	err := s.q.QueryRowContext(ctx, `SELECT alias FROM account_aliases WHERE account_id = ?`, account).Scan(&alias)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return alias, err
}

// SetAccountAlias implements store.Store.
func (s *DB) SetAccountAlias(ctx context.Context, account, alias string) error {
	return s.tx(ctx, func(tx conn) error {
		if err := requireAccount(ctx, tx, account); err != nil {
			return err
		}
		var owner string
		err := tx.QueryRowContext(ctx, `SELECT account_id FROM account_aliases WHERE alias = ?`, alias).Scan(&owner)
		switch {
		case err == nil && owner != account:
			return fmt.Errorf("account alias %s: %w", alias, trustgate.ErrConflict)
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_aliases WHERE account_id = ?`, account); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO account_aliases (alias, account_id) VALUES (?, ?)`, alias, account)
		return err
	})
}

// DeleteAccountAlias implements store.Store.
func (s *DB) DeleteAccountAlias(ctx context.Context, account, alias string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM account_aliases WHERE account_id = ? AND alias = ?`, account, alias)
	return affected(res, err, "account alias "+alias)
}
