package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
)

const managedPolicyColumns = `account_id, name, id, path, description, default_version, tags, created_at, updated_at`

func scanManagedPolicy(row interface{ Scan(...any) error }) (*trustgate.ManagedPolicy, error) {
	var p trustgate.ManagedPolicy
	var tags string
	var created, updated int64
	if err := row.Scan(&p.Account, &p.Name, &p.ID, &p.Path, &p.Description, &p.DefaultVersion, &tags, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &p, json.Unmarshal([]byte(tags), &p.Tags)
}

// versionID is the id of version number n, as IAM shows it: v1, v2, ...
func versionID(n int) string { return "v" + strconv.Itoa(n) }

// versionNumber is the number of a version id, or 0 for an id trustgate
// never makes (IAM's pattern also allows v1.beta).
func versionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil || !strings.HasPrefix(id, "v") || n < 1 || versionID(n) != id {
		return 0
	}
	return n
}

// CreateManagedPolicy implements store.Store.
func (s *DB) CreateManagedPolicy(ctx context.Context, p *trustgate.ManagedPolicy, document string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := requireAccount(ctx, tx, p.Account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO managed_policies (account_id, name, arn, id, path, description, default_version, last_version, tags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'v1', 1, ?, ?, ?)`,
			p.Account, p.Name, p.ARN(), p.ID, p.Path, p.Description, tagsJSON(p.Tags), unix(p.CreatedAt), unix(p.CreatedAt))
		if isConstraint(err) {
			return fmt.Errorf("policy %s: %w", p.Name, trustgate.ErrConflict)
		}
		if err != nil {
			return err
		}
		p.DefaultVersion, p.UpdatedAt = "v1", p.CreatedAt
		_, err = tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_arn, number, document, created_at) VALUES (?, 1, ?, ?)`,
			p.ARN(), document, unix(p.CreatedAt))
		return err
	})
}

// ManagedPolicy implements store.Store.
func (s *DB) ManagedPolicy(ctx context.Context, arn string) (*trustgate.ManagedPolicy, error) {
	p, err := scanManagedPolicy(s.db.QueryRowContext(ctx, `SELECT `+managedPolicyColumns+` FROM managed_policies WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound)
	}
	return p, err
}

// ManagedPolicies implements store.Store.
func (s *DB) ManagedPolicies(ctx context.Context, account, pathPrefix string) ([]*trustgate.ManagedPolicy, error) {
	return queryAll(ctx, s.db, scanManagedPolicy, `SELECT `+managedPolicyColumns+` FROM managed_policies
		WHERE account_id = ? AND substr(path, 1, length(?)) = ? ORDER BY name`, account, pathPrefix, pathPrefix)
}

// SetManagedPolicyTags implements store.Store.
func (s *DB) SetManagedPolicyTags(ctx context.Context, arn string, tags []trustgate.Tag) error {
	res, err := s.db.ExecContext(ctx, `UPDATE managed_policies SET tags = ? WHERE arn = ?`, tagsJSON(tags), arn)
	return affected(res, err, "policy "+arn)
}

// DeleteManagedPolicy implements store.Store.
func (s *DB) DeleteManagedPolicy(ctx context.Context, arn string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := policyForUpdate(ctx, tx, arn); err != nil {
			return err
		}
		for _, dep := range []struct{ what, query string }{
			{"attachments", `SELECT count(*) FROM attached_policies WHERE policy_arn = ?`},
			{"users it bounds", `SELECT count(*) FROM users WHERE boundary = ?`},
			{"roles it bounds", `SELECT count(*) FROM roles WHERE boundary = ?`},
			{"non-default versions", `SELECT count(*) - 1 FROM policy_versions WHERE policy_arn = ?`},
		} {
			if err := noDependents(ctx, tx, "policy "+arn, dep.what, dep.query, arn); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM managed_policies WHERE arn = ?`, arn)
		return err
	})
}

// policyForUpdate reads what a change to a policy's versions needs: its
// default version's number and the number of its newest version ever.
func policyForUpdate(ctx context.Context, tx *sql.Tx, arn string) (struct{ defaultVersion, last int }, error) {
	var v struct{ defaultVersion, last int }
	var def string
	err := tx.QueryRowContext(ctx, `SELECT default_version, last_version FROM managed_policies WHERE arn = ?`, arn).Scan(&def, &v.last)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound)
	}
	v.defaultVersion = versionNumber(def)
	return v, err
}

// CreatePolicyVersion implements store.Store.
func (s *DB) CreatePolicyVersion(ctx context.Context, arn string, v *trustgate.PolicyVersion, maxVersions int) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, err := policyForUpdate(ctx, tx, arn)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM policy_versions WHERE policy_arn = ?`, arn).Scan(&n); err != nil {
			return err
		}
		if n >= maxVersions {
			return fmt.Errorf("policy %s has %d versions: %w", arn, n, trustgate.ErrLimit)
		}
		number := p.last + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_versions (policy_arn, number, document, created_at) VALUES (?, ?, ?, ?)`,
			arn, number, v.Document, unix(v.CreatedAt)); err != nil {
			return err
		}
		v.ID = versionID(number)
		def := versionID(p.defaultVersion)
		if v.Default {
			def = v.ID
		}
		_, err = tx.ExecContext(ctx, `UPDATE managed_policies SET last_version = ?, default_version = ?, updated_at = ? WHERE arn = ?`,
			number, def, unix(v.CreatedAt), arn)
		return err
	})
}

func scanVersion(defaultVersion int) func(row interface{ Scan(...any) error }) (*trustgate.PolicyVersion, error) {
	return func(row interface{ Scan(...any) error }) (*trustgate.PolicyVersion, error) {
		var v trustgate.PolicyVersion
		var n int
		var created int64
		if err := row.Scan(&n, &v.Document, &created); err != nil {
			return nil, err
		}
		v.ID, v.Default, v.CreatedAt = versionID(n), n == defaultVersion, fromUnix(created)
		return &v, nil
	}
}

// defaultVersionNumber is the number of a policy's default version.
func (s *DB) defaultVersionNumber(ctx context.Context, arn string) (int, error) {
	var def string
	err := s.db.QueryRowContext(ctx, `SELECT default_version FROM managed_policies WHERE arn = ?`, arn).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("policy %s: %w", arn, trustgate.ErrNotFound)
	}
	return versionNumber(def), err
}

// PolicyVersion implements store.Store.
func (s *DB) PolicyVersion(ctx context.Context, arn, id string) (*trustgate.PolicyVersion, error) {
	def, err := s.defaultVersionNumber(ctx, arn)
	if err != nil {
		return nil, err
	}
	n := def
	if id != "" {
		n = versionNumber(id)
	}
	v, err := scanVersion(def)(s.db.QueryRowContext(ctx, `SELECT number, document, created_at FROM policy_versions WHERE policy_arn = ? AND number = ?`, arn, n))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("version %s of policy %s: %w", id, arn, trustgate.ErrNotFound)
	}
	return v, err
}

// PolicyVersions implements store.Store.
func (s *DB) PolicyVersions(ctx context.Context, arn string) ([]*trustgate.PolicyVersion, error) {
	def, err := s.defaultVersionNumber(ctx, arn)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, s.db, scanVersion(def), `SELECT number, document, created_at FROM policy_versions WHERE policy_arn = ? ORDER BY number DESC`, arn)
}

// SetDefaultPolicyVersion implements store.Store.
func (s *DB) SetDefaultPolicyVersion(ctx context.Context, arn, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := policyForUpdate(ctx, tx, arn); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM policy_versions WHERE policy_arn = ? AND number = ?`, arn, versionNumber(id)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("version %s of policy %s: %w", id, arn, trustgate.ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `UPDATE managed_policies SET default_version = ? WHERE arn = ?`, id, arn)
		return err
	})
}

// DeletePolicyVersion implements store.Store.
func (s *DB) DeletePolicyVersion(ctx context.Context, arn, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, err := policyForUpdate(ctx, tx, arn)
		if err != nil {
			return err
		}
		n := versionNumber(id)
		if n == p.defaultVersion {
			return fmt.Errorf("version %s is the default of policy %s: %w", id, arn, trustgate.ErrConflict)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM policy_versions WHERE policy_arn = ? AND number = ?`, arn, n)
		return affected(res, err, "version "+id+" of policy "+arn)
	})
}

// PolicyUses implements store.Store.
func (s *DB) PolicyUses(ctx context.Context, account, arn string) (attached, boundaryOf []trustgate.Entity, err error) {
	scan := func(row interface{ Scan(...any) error }) (trustgate.Entity, error) {
		e := trustgate.Entity{Account: account}
		return e, row.Scan(&e.Kind, &e.Name)
	}
	attached, err = queryAll(ctx, s.db, scan, `SELECT entity_kind, entity_name FROM attached_policies
		WHERE account_id = ? AND policy_arn = ? ORDER BY entity_kind, entity_name`, account, arn)
	if err != nil {
		return nil, nil, err
	}
	boundaryOf, err = queryAll(ctx, s.db, scan, `SELECT 'role', name FROM roles WHERE account_id = ? AND boundary = ?
		UNION ALL SELECT 'user', name FROM users WHERE account_id = ? AND boundary = ? ORDER BY 1, 2`, account, arn, account, arn)
	return attached, boundaryOf, err
}
